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

/** A run-time cap the query went past (rows one join or mv-expand makes): the query's fault, not a syntax error. */
export class KqlLimitError extends KqlError {
  constructor(detail: string, line: number, column: number) {
    super(detail, line, column);
    this.name = 'KqlLimitError';
  }
}

/** Where a token or node starts in the query text (1-based line and column). */
export interface SourcePos {
  line: number;
  column: number;
}

export const errorAt = (pos: SourcePos, detail: string): KqlError => new KqlError(detail, pos.line, pos.column);
