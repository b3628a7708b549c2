import type { HuntingResult } from '../../api/types.js';
import type { SortState } from './sortRows.js';

export interface HuntingResultsTableProps {
  result: HuntingResult;
  /** Row indexes in display order. */
  order: number[];
  /** How many rows of `order` to render. */
  limit: number;
  sort: SortState | null;
  onSort(column: string): void;
  /** Rows can be selected (the result has an AIAgentId column). */
  selectable: boolean;
  selected: Set<number>;
  onToggleRow(index: number): void;
  onToggleAll(): void;
}
