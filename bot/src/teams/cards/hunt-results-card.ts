import type { AdaptiveCard, CardElement, TableCell } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import { LIMITS, clip, linkActions, note, plainLine } from './card-format.js';
import type { HuntResultsCardView } from './card-views.js';

export const SHOWN_HUNT_ROWS = 10;
export const SHOWN_HUNT_COLUMNS = 5;
const CELL_CHARS = 60;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

const cell = (text: string, bold = false): TableCell => ({
  type: 'TableCell',
  // Results hold names makers and attackers chose: never markdown.
  items: [plainLine([{ type: 'TextRun', text: clip(text, CELL_CHARS), weight: bold ? 'bolder' : 'default' }], 'none')],
});

/** A hunting template's first rows as a table, with a link to all results in the tab. */
export function huntResultsCard(view: HuntResultsCardView): AdaptiveCard {
  const columns = view.schema.slice(0, SHOWN_HUNT_COLUMNS);
  const rows = view.rows.slice(0, SHOWN_HUNT_ROWS);
  const total = Math.max(view.totalRows, view.rows.length);
  const hiddenColumns = view.schema.length - columns.length;

  const results: CardElement[] =
    rows.length === 0 || columns.length === 0
      ? [note('No results.')]
      : [
          {
            type: 'Table',
            firstRowAsHeaders: true,
            showGridLines: true,
            columns: columns.map(() => ({ width: 1 })),
            rows: [
              { type: 'TableRow', style: 'emphasis', cells: columns.map((c) => cell(c.name, true)) },
              ...rows.map((r) => ({ type: 'TableRow' as const, cells: columns.map((c) => cell(cellText(r[c.name]))) })),
            ],
          },
          note(
            `Showing ${rows.length} of ${total} ${total === 1 ? 'row' : 'rows'}` +
              (hiddenColumns > 0 ? ` and ${columns.length} of ${view.schema.length} columns` : ''),
          ),
        ];

  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `${clip(view.title, LIMITS.title)}: ${total} rows`,
    msteams: { width: 'Full' },
    body: [
      plainLine([{ type: 'TextRun', text: clip(view.title, LIMITS.title), weight: 'bolder', size: 'medium' }], 'none'),
      note(`Hunting template ${clip(view.templateId, LIMITS.name)}`),
      ...results,
      { type: 'ActionSet', actions: linkActions(view.links, 'results'), spacing: 'medium' },
    ],
  };
}
