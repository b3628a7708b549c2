// Text the store cannot hold or a reader cannot see: refused at the edge so it never reaches SQL or the audit trail.

/** Query strings and path ids: any C0 control character or DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f]/;
/** Free text in JSON bodies: the same, except tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextRule = 'line' | 'text';

/** Why a string is refused, or null: control characters, or a lone UTF-16 surrogate (PostgreSQL rejects it). */
export function textProblem(value: string, rule: TextRule): string | null {
  if ((rule === 'line' ? CONTROL_IN_LINE : CONTROL_IN_TEXT).test(value)) return 'control characters are not allowed';
  if (LONE_SURROGATE.test(value)) return 'the text is not valid Unicode';
  return null;
}

/**
 * The first string (object key or value) in a parsed input that `textProblem` refuses, with its path
 * (`body.tools.0.name`). Iterative, so a deeply nested body cannot exhaust the stack.
 */
/** Deeper JSON is refused: nothing the API takes nests this far, and recursive code downstream could overflow. */
export const MAX_INPUT_DEPTH = 32;

export function findTextProblem(
  input: unknown,
  where: string,
  rule: TextRule,
): { path: string; message: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (depth > MAX_INPUT_DEPTH) return { path, message: `nested too deeply (at most ${MAX_INPUT_DEPTH} levels)` };
    if (typeof value === 'string') {
      const message = textProblem(value, rule);
      if (message) return { path, message };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}.${i}`, depth: depth + 1 }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const message = textProblem(key, 'line');
        if (message) return { path: `${path}.${printable(key)}`, message: `a field name: ${message}` };
        stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** A field name safe to echo back: control characters shown as \uXXXX, at most 100 characters. */
function printable(key: string): string {
  return (
    key
      .slice(0, 100)
      // eslint-disable-next-line no-control-regex -- shown escaped, never echoed raw
      .replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}
