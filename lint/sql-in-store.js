// ESLint rule `warden/sql-in-store`: SQL is written only in bot/src/store/ (the repositories every other room
// calls, docs/architecture.md "The rooms"). A call `x.query('select ...')`, `x.exec(...)` or `x.one(...)` whose
// text is SQL, anywhere else under bot/src, is an error. It has no exceptions.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(ROOT, 'bot', 'src');
const STORE = path.join(SERVER, 'store');

const SQL_START =
  /^\s*(select|insert|update|delete|with|create|alter|drop|truncate|lock|listen|unlisten|notify|begin|commit|rollback|set|do|explain|copy|vacuum|analyze)\b/i;
const SQL_METHODS = new Set(['query', 'exec', 'one', 'many', 'execute']);

const inside = (dir, file) => {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** The text a literal or template starts with (a template's first quasi), or null. */
function leadingText(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis[0]?.value.cooked ?? '';
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const sqlInStoreRule = {
  meta: {
    type: 'problem',
    docs: { description: 'SQL is written only in bot/src/store/' },
    schema: [],
    messages: { sql: 'SQL belongs in bot/src/store/ (a repository method the {{room}} room calls)' },
  },
  create(context) {
    const file = context.filename;
    if (!inside(SERVER, file) || inside(STORE, file)) return {};
    const room = path
      .relative(SERVER, file)
      .split(path.sep)[0]
      .replace(/\.[cm]?[jt]sx?$/, '');
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        if (!SQL_METHODS.has(callee.property.name)) return;
        const text = leadingText(node.arguments[0]);
        if (text !== null && SQL_START.test(text)) context.report({ node, messageId: 'sql', data: { room } });
      },
    };
  },
};
