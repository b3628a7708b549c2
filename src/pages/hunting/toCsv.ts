import type { HuntingResult } from '../../api/types.js';

/** Text a spreadsheet would run as a formula; prefixed so exported hunting data stays data. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of the result, columns in schema order. */
export function toCsv(schema: HuntingResult['schema'], rows: Record<string, unknown>[]): string {
  const header = schema.map((c) => csvCell(c.name)).join(',');
  const lines = rows.map((row) => schema.map((c) => csvCell(row[c.name])).join(','));
  return [header, ...lines].join('\r\n') + '\r\n';
}

/** Offers the text as a file download. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
