import type { Expr } from './ast.js';

/** The column name KQL gives an unnamed expression: the column, or the path of a member access. */
export function derivedName(expr: Expr): string | null {
  switch (expr.kind) {
    case 'column':
      return expr.name;
    case 'member': {
      const base = derivedName(expr.target);
      return base ? `${base}_${expr.name}` : null;
    }
    case 'index': {
      const base = derivedName(expr.target);
      if (!base) return null;
      if (expr.index.kind === 'literal') return `${base}_${String(expr.index.value).replace(/[^\w]/g, '')}`;
      return base;
    }
    case 'call':
      return expr.args.length >= 1 &&
        [
          'tostring',
          'toint',
          'tolong',
          'todouble',
          'toreal',
          'tobool',
          'todatetime',
          'parse_json',
          'todynamic',
          'tolower',
          'toupper',
          'bin',
        ].includes(expr.name)
        ? derivedName(expr.args[0] as Expr)
        : null;
    default:
      return null;
  }
}
