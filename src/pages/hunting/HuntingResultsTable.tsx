import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TableSelectionCell,
} from '@fluentui/react-components';
import type { HuntingResultsTableProps } from './HuntingResultsTable.types.js';
import { AGENT_ID_COLUMN } from './useHuntingPage.js';
import { useHuntingPageStyles } from './useHuntingPageStyles.styles.js';

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Hunting results with sortable columns (header buttons) and, for agent rows, checkboxes. */
export function HuntingResultsTable(props: HuntingResultsTableProps) {
  const { result, order, limit, sort, onSort, selectable, selected, onToggleRow, onToggleAll } = props;
  const styles = useHuntingPageStyles();
  const all = result.results.length > 0 && selected.size === result.results.length;
  const some = selected.size > 0 && !all;
  return (
    <div className={styles.tableScroll}>
      <Table sortable aria-label="Hunting results" size="small">
        <TableHeader>
          <TableRow>
            {selectable ? (
              <TableSelectionCell
                className={styles.selectionCell}
                checked={all ? true : some ? 'mixed' : false}
                onClick={onToggleAll}
                checkboxIndicator={{ 'aria-label': 'Select all rows' }}
              />
            ) : null}
            {result.schema.map((column) => (
              <TableHeaderCell
                key={column.name}
                sortDirection={sort?.column === column.name ? sort.direction : undefined}
                onClick={() => onSort(column.name)}
              >
                {column.name}
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {order.slice(0, limit).map((index) => {
            const row = result.results[index] ?? {};
            const name = display(row.AIAgentName ?? row[AGENT_ID_COLUMN] ?? `row ${index + 1}`);
            return (
              <TableRow key={index} aria-selected={selectable ? selected.has(index) : undefined}>
                {selectable ? (
                  <TableSelectionCell
                    className={styles.selectionCell}
                    checked={selected.has(index)}
                    onClick={() => onToggleRow(index)}
                    checkboxIndicator={{ 'aria-label': `Select ${name}` }}
                  />
                ) : null}
                {result.schema.map((column) => {
                  const text = display(row[column.name]);
                  return (
                    <TableCell key={column.name} className={styles.cell} title={text}>
                      {text}
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
