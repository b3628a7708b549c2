/** A place in a query (1-based line and column), as the API reports an error. */
export interface QueryPlace {
  line: number;
  column: number;
}

/** The offset in `text` of a 1-based line and column, clamped to the text. */
export function offsetOf(text: string, place: QueryPlace): number {
  const lines = text.split('\n');
  const line = Math.min(Math.max(1, place.line), lines.length);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += (lines[i] ?? '').length + 1;
  const column = Math.min(Math.max(1, place.column), (lines[line - 1] ?? '').length + 1);
  return offset + column - 1;
}

/** The 0-based line and the on-screen column (tabs expanded to `tabSize`) of `offset`. */
export function lineAndColumnOf(text: string, offset: number, tabSize = 4): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let column = 0;
  for (const c of before.slice(lineStart)) column = c === '\t' ? column + tabSize - (column % tabSize) : column + 1;
  return { line: before.split('\n').length - 1, column };
}
