import type { ScalarType, TabularExpr } from './ast.js';
import type { Column, Row, Value } from './values.js';

/** What an expression needs while it runs: the query's fixed "now". */
export interface EvalContext {
  now: Date;
}

export type Evaluator = (row: Row, ctx: EvalContext) => Value;

export interface CompiledExpr {
  fn: Evaluator;
  type: ScalarType;
}

/** What expressions can refer to besides the row's columns. */
export interface ExprScope {
  columns: Map<string, Column>;
  /** Scalar `let` values (evaluated per run: `let cutoff = ago(30d)` moves with the query's now). */
  scalars: Map<string, CompiledExpr>;
  /** Tabular `let` names usable in `x in (T)`: the values of the table's first column. */
  tableValues(name: string): ((ctx: EvalContext) => Value[]) | null;
  /** toscalar(T | ...): compiles the tabular expression; the value is computed once per run. */
  toscalar?(query: TabularExpr): { type: ScalarType; fn: (ctx: EvalContext) => Value };
}
