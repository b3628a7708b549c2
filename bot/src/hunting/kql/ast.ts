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
  | { kind: 'side'; pos: SourcePos; side: 'left' | 'right'; name: string }
  /** `toscalar(T | ...)`: the first column of the first row of a tabular expression. */
  | { kind: 'toscalar'; pos: SourcePos; query: TabularExpr };

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
  | { kind: 'union'; pos: SourcePos; tables: TabularExpr[] }
  /** `parse [kind=simple] Expr with * "literal" Column:type ...` (simple kind: literals match exactly). */
  | { kind: 'parse'; pos: SourcePos; expr: Expr; parts: ParsePart[] }
  /** `mv-apply Name = Expr [to typeof(T)] on (subquery)`: the subquery runs over each row's expanded values. */
  | {
      kind: 'mv-apply';
      pos: SourcePos;
      items: { pos: SourcePos; name: string | null; expr: Expr; toType: ScalarType | null }[];
      sub: TabularExpr;
    }
  /** `serialize [Name = expr, ...]`: rows keep their order (they always do here); may add columns like extend. */
  | { kind: 'serialize'; pos: SourcePos; columns: NamedExpr[] }
  /** `lookup [kind=leftouter|inner] (T) on Key`: a join whose right side's key columns are not repeated. */
  | { kind: 'lookup'; pos: SourcePos; joinKind: 'leftouter' | 'inner'; right: TabularExpr; on: JoinKey[] }
  /** `getschema`: one row per column of the input (ColumnName, ColumnOrdinal, DataType, ColumnType). */
  | { kind: 'getschema'; pos: SourcePos }
  /** `evaluate bag_unpack(Column [, 'prefix'])`. */
  | { kind: 'evaluate'; pos: SourcePos; plugin: string; args: Expr[] };

export type ParsePart =
  | { kind: 'literal'; pos: SourcePos; text: string }
  | { kind: 'star'; pos: SourcePos }
  | { kind: 'column'; pos: SourcePos; name: string; type: ScalarType };

export type JoinKind = 'innerunique' | 'inner' | 'leftouter' | 'leftanti' | 'leftsemi' | 'rightanti' | 'rightsemi';

export interface JoinKey {
  pos: SourcePos;
  left: string;
  right: string;
}

export interface TabularExpr {
  pos: SourcePos;
  /** A table name or a `let` name, or a parenthesised sub-query. */
  source:
    | { kind: 'name'; pos: SourcePos; name: string }
    | { kind: 'sub'; query: TabularExpr }
    /** The rows mv-apply hands its subquery. */
    | { kind: 'input'; pos: SourcePos }
    | { kind: 'datatable'; pos: SourcePos; columns: { name: string; type: ScalarType }[]; values: Expr[] }
    | { kind: 'range'; pos: SourcePos; name: string; from: Expr; to: Expr; step: Expr }
    /** `print a = 1, b = "x"`: one row. */
    | { kind: 'print'; pos: SourcePos; columns: NamedExpr[] };
  operators: Operator[];
}

export type Statement =
  | { kind: 'let-scalar'; pos: SourcePos; name: string; expr: Expr }
  | { kind: 'let-tabular'; pos: SourcePos; name: string; query: TabularExpr };

export interface Query {
  lets: Statement[];
  body: TabularExpr;
}
