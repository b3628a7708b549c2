import { DomainError } from '../../domain/errors.js';

/**
 * A query error with the place it points at: "line 3, column 14: unknown operator 'summarise'". Answered 400
 * `invalid_query`, the place in `issues`.
 */
export class KqlError extends DomainError {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
    code = 'invalid_query',
    status = 400,
  ) {
    super(code, `line ${line}, column ${column}: ${detail}`, status, 'query', [
      { path: 'body.query', message: detail, line, column },
    ]);
  }
}

/**
 * A run-time cap the query went past (rows one join or mv-expand makes): the query's fault, not a syntax error,
 * so it is answered 422 `query_limit_exceeded` like the other limits.
 */
export class KqlLimitError extends KqlError {
  constructor(detail: string, line: number, column: number) {
    super(detail, line, column, 'query_limit_exceeded', 422);
  }
}

/** Where a token or node starts in the query text (1-based line and column). */
export interface SourcePos {
  line: number;
  column: number;
}

export const errorAt = (pos: SourcePos, detail: string): KqlError => new KqlError(detail, pos.line, pos.column);
