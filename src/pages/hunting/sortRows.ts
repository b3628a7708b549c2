export type SortDirection = 'ascending' | 'descending';

export interface SortState {
  column: string;
  direction: SortDirection;
}

function compareValues(a: unknown, b: unknown): number {
  const aEmpty = a === null || a === undefined || a === '';
  const bEmpty = b === null || b === undefined || b === '';
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'object' ? JSON.stringify(a) : String(a);
  const sb = typeof b === 'object' ? JSON.stringify(b) : String(b);
  return sa.localeCompare(sb, undefined, { numeric: true, sensitivity: 'base' });
}

/** Row indexes in display order; empty values sort last either way. */
export function sortedIndexes(rows: Record<string, unknown>[], sort: SortState | null): number[] {
  const indexes = rows.map((_, i) => i);
  if (!sort) return indexes;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return indexes.sort((i, j) => {
    const a = rows[i]?.[sort.column];
    const b = rows[j]?.[sort.column];
    const aEmpty = a === null || a === undefined || a === '';
    const bEmpty = b === null || b === undefined || b === '';
    if (aEmpty || bEmpty) return compareValues(a, b);
    return sign * compareValues(a, b) || i - j;
  });
}
