// Regular expressions given as arguments (matches regex, extract, trim, ...): constant patterns compiled once with
// RE2 semantics (re2.ts), and their errors reported at the pattern's place.
import type { Expr } from './ast.js';
import type { ExprScope } from './expression-types.js';
import { errorAt } from './kql-error.js';
import type { KqlRegex } from './re2.js';
import { compileRe2 } from './re2.js';

export function constantRegex(expr: Expr, scope: ExprScope): KqlRegex {
  if (expr.kind !== 'literal' && !(expr.kind === 'column' && scope.scalars.has(expr.name))) {
    throw errorAt(expr.pos, 'the pattern of matches regex must be a string literal');
  }
  const value = expr.kind === 'literal' ? expr.value : scope.scalars.get(expr.name)?.fn({}, { now: new Date() });
  try {
    return compileRe2(String(value ?? ''));
  } catch (error) {
    throw errorAt(expr.pos, `invalid regular expression: ${(error as Error).message}`);
  }
}

export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function constantRegexText(expr: Expr, scope: ExprScope): string {
  if (expr.kind === 'literal') return String(expr.value ?? '');
  return String(scope.scalars.get((expr as { name: string }).name)?.fn({}, { now: new Date() }) ?? '');
}

export function safeCompile<T>(f: () => T, at: Expr): T {
  try {
    return f();
  } catch (error) {
    throw errorAt(at.pos, `invalid regular expression: ${(error as Error).message}`);
  }
}
