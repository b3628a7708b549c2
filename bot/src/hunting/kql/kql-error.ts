/** A query error with the place it points at: "line 3, column 14: unknown operator 'summarise'". */
export class KqlError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.name = 'KqlError';
  }
}

/** Where a token or node starts in the query text (1-based line and column). */
export interface SourcePos {
  line: number;
  column: number;
}

export const errorAt = (pos: SourcePos, detail: string): KqlError => new KqlError(detail, pos.line, pos.column);
