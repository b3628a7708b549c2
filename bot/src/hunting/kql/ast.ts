import type { SourcePos } from './kql-error.js';

// The syntax tree of the KQL subset. Every node keeps where it starts, so that compile and
// run errors point at the query text.

export type Expr =
  | { kind: 'literal'; pos: SourcePos; value: LiteralValue; type: ScalarType }
  | { kind: 'column'; pos: SourcePos; name: string }
  | { kind: 'member'; pos: SourcePos; target: Expr; name: string }
  | { kind: 'index'; pos: SourcePos; target: Expr; index: Expr }
  | { kind: 'call'; pos: SourcePos; name: string; args: Expr[]; star?: boolean }
  | { kind: 'unary'; pos: SourcePos; op: '-' | '+'; operand: Expr }
  | { kind: 'binary'; pos: SourcePos; op: string; left: Expr; right: Expr }
  | { kind: 'in'; pos: SourcePos; op: 'in' | '!in' | 'in~' | '!in~' | 'has_any' | 'has_all'; left: Expr; list: Expr[] }
  | { kind: 'between'; pos: SourcePos; negated: boolean; left: Expr; low: Expr; high: Expr }
  /** `$left.X` / `$right.X` inside a join's `on` clause. */
  | { kind: 'side'; pos: SourcePos; side: 'left' | 'right'; name: string };

export type LiteralValue = string | number | boolean | null | Date | { timespanMs: number } | unknown[] | object;

export type ScalarType = 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';

export interface NamedExpr {
  pos: SourcePos;
  /** Given with `Name = expr`; otherwise derived from the expression. */
  name: string | null;
  expr: Expr;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
  nullsFirst: boolean;
}

export type Operator =
  | { kind: 'where'; pos: SourcePos; predicate: Expr }
  | { kind: 'project'; pos: SourcePos; columns: NamedExpr[] }
  | { kind: 'project-away' | 'project-reorder'; pos: SourcePos; names: { pos: SourcePos; pattern: string }[] }
  | { kind: 'project-rename'; pos: SourcePos; renames: { pos: SourcePos; to: string; from: string }[] }
  | { kind: 'extend'; pos: SourcePos; columns: NamedExpr[] }
  | { kind: 'summarize'; pos: SourcePos; aggregates: NamedExpr[]; by: NamedExpr[] }
  | {
      kind: 'mv-expand';
      pos: SourcePos;
      items: { pos: SourcePos; name: string | null; expr: Expr; toType: ScalarType | null }[];
    }
  | { kind: 'order'; pos: SourcePos; keys: SortKey[] }
  | { kind: 'take'; pos: SourcePos; count: Expr }
  | { kind: 'top'; pos: SourcePos; count: Expr; key: SortKey }
  | { kind: 'distinct'; pos: SourcePos; columns: NamedExpr[] | '*' }
  | { kind: 'count'; pos: SourcePos }
  | { kind: 'join'; pos: SourcePos; joinKind: JoinKind; right: TabularExpr; on: JoinKey[] }
  | { kind: 'union'; pos: SourcePos; tables: TabularExpr[] };

export type JoinKind = 'innerunique' | 'inner' | 'leftouter' | 'leftanti' | 'leftsemi' | 'rightanti' | 'rightsemi';

export interface JoinKey {
  pos: SourcePos;
  left: string;
  right: string;
}

export interface TabularExpr {
  pos: SourcePos;
  /** A table name or a `let` name, or a parenthesised sub-query. */
  source: { kind: 'name'; pos: SourcePos; name: string } | { kind: 'sub'; query: TabularExpr };
  operators: Operator[];
}

export type Statement =
  | { kind: 'let-scalar'; pos: SourcePos; name: string; expr: Expr }
  | { kind: 'let-tabular'; pos: SourcePos; name: string; query: TabularExpr };

export interface Query {
  lets: Statement[];
  body: TabularExpr;
}
