// What the editor offers at the caret: tables where a query (or a join's subquery) starts, tabular operators after
// `|`, and the columns of the pipeline's table (and the ones it has added) inside an operator's arguments.
import { TABULAR_OPERATORS, lastSignificant, tokenizeKql, type KqlSchema, type KqlToken } from './kql-tokens.js';

export type KqlCompletionKind = 'table' | 'operator' | 'column';

export interface KqlCompletionItem {
  label: string;
  kind: KqlCompletionKind;
  /** Shown beside the label: a column's type, "table", "operator". */
  detail: string;
  /** The text put in place of the word at the caret. */
  insert: string;
}

export interface KqlCompletion {
  /** The word being completed: `text.slice(from, to)` is replaced on accept. */
  from: number;
  to: number;
  context: KqlCompletionKind;
  items: KqlCompletionItem[];
}

/** At most this many suggestions are listed (the rest narrow down as one types). */
export const MAX_ITEMS = 50;

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SUBQUERY_AFTER = new Set(['join', 'lookup', 'union', ';']);

/** Whether the `(` at `k` opens a subquery (`join (T | ...)`), not a call or a grouping (`strlen(x)`). */
function opensSubquery(tokens: KqlToken[], k: number): boolean {
  const before = lastSignificant(tokens, k);
  if (!before || SUBQUERY_AFTER.has(before.text)) return true;
  // `join kind=inner (`, `union withsource=T (`
  const equals = lastSignificant(tokens, tokens.indexOf(before));
  if (equals?.text === '=') {
    const name = lastSignificant(tokens, tokens.indexOf(equals));
    return name?.text === 'kind' || name?.text === 'withsource';
  }
  return false;
}

/** Where the pipeline around `index` starts: after the subquery's `(` it sits in, the `;` before it, or 0. */
function pipelineStart(tokens: KqlToken[], index: number): number {
  let depth = 0;
  for (let k = index - 1; k >= 0; k--) {
    const t = tokens[k] as KqlToken;
    if (t.kind !== 'punctuation') continue;
    if (CLOSERS.has(t.text)) depth++;
    else if (OPENERS.has(t.text)) {
      if (depth > 0) depth--;
      else if (t.text === '(' && opensSubquery(tokens, k)) return k + 1;
    } else if (depth === 0 && t.text === ';') return k + 1;
  }
  return 0;
}

function significantBetween(tokens: KqlToken[], from: number, to: number): KqlToken[] {
  return tokens.slice(from, to).filter((t) => t.kind !== 'whitespace' && t.kind !== 'comment');
}

/** Names the pipeline adds with `extend X =`, `summarize X =`, `project X =` before the caret. */
function addedColumns(segment: KqlToken[]): string[] {
  const names: string[] = [];
  for (let k = 0; k + 1 < segment.length; k++) {
    const t = segment[k] as KqlToken;
    const next = segment[k + 1] as KqlToken;
    if (next.text !== '=' || !IDENTIFIER.test(t.text)) continue;
    const before = segment[k - 1];
    // `kind=inner` and named arguments are not columns.
    if (t.text === 'kind' || t.text === 'withsource') continue;
    if (!before || before.text === ',' || before.kind === 'keyword' || before.text === '(') names.push(t.text);
  }
  return names;
}

/** A column name as KQL writes it: bare when it is an identifier, `['...']` otherwise. */
function columnText(name: string): string {
  return IDENTIFIER.test(name) ? name : `['${name.replace(/'/g, "\\'")}']`;
}

/** Best first: names that start with the typed word, then names that contain it; at most MAX_ITEMS. */
function narrow(items: KqlCompletionItem[], word: string): KqlCompletionItem[] {
  const w = word.toLowerCase();
  const starts = items.filter((i) => i.label.toLowerCase().startsWith(w));
  const contains = w
    ? items.filter((i) => !i.label.toLowerCase().startsWith(w) && i.label.toLowerCase().includes(w))
    : [];
  return [...starts, ...contains].slice(0, MAX_ITEMS);
}

/** The suggestions at `caret` in `text`, or null where none make sense (inside a string or a comment). */
export function completeKql(text: string, caret: number, schema: KqlSchema | null): KqlCompletion | null {
  const tokens = tokenizeKql(text, schema);
  // The token the caret is in or at the end of.
  const at = tokens.findIndex((t) => t.start < caret && caret <= t.end);
  const current = at >= 0 ? tokens[at] : undefined;
  if (current && (current.kind === 'string' || current.kind === 'comment')) {
    // At the end of a closed string the caret is outside it.
    if (current.open || caret < current.end || current.kind === 'comment') return null;
  }
  // The word at the caret, `project-re` included when it may still become a hyphenated operator.
  const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);
  let from = caret;
  while (isWordChar(text[from - 1])) from--;
  let hyphenated = false;
  for (let k = from; text[k - 1] === '-' && isWordChar(text[k - 2]);) {
    let s = k - 1;
    while (isWordChar(text[s - 1])) s--;
    const candidate = text.slice(s, caret);
    if (!TABULAR_OPERATORS.some((op) => op.startsWith(candidate))) break;
    from = s;
    k = s;
    hyphenated = true;
  }
  let to = caret;
  while (isWordChar(text[to]) || (hyphenated && text[to] === '-')) to++;
  if (from < caret && isWordChar(text[from]) && !/[A-Za-z_$]/.test(text[from] as string)) return null; // a number
  const word = text.slice(from, caret);
  let index = tokens.findIndex((t) => t.end > from);
  if (index < 0) index = tokens.length;

  const start = pipelineStart(tokens, index);
  const before = significantBetween(tokens, start, index);
  const previous = lastSignificant(tokens, index);

  let context: KqlCompletionKind;
  let items: KqlCompletionItem[];
  if (before.length === 0 || (before.length === 3 && before[0]?.text === 'let' && before[2]?.text === '=')) {
    // Where a query starts: a table. (After `let name =` too.)
    context = 'table';
    items = (schema?.tables ?? []).map((t) => ({ label: t.name, kind: 'table', detail: 'table', insert: t.name }));
  } else if (previous?.kind === 'pipe') {
    context = 'operator';
    items = TABULAR_OPERATORS.map((op) => ({ label: op, kind: 'operator', detail: 'operator', insert: `${op} ` }));
  } else {
    context = 'column';
    // The pipeline's tables: its source, and any it joins, looks up or unions (their subqueries included).
    const names = new Set(before.filter((t) => t.kind === 'table').map((t) => t.text));
    const tables = schema?.tables.filter((t) => names.has(t.name)) ?? [];
    const columns = (tables.length ? tables : (schema?.tables ?? [])).flatMap((t) => t.columns);
    const seen = new Set<string>();
    items = [];
    for (const name of addedColumns(before)) {
      if (!seen.has(name)) items.push({ label: name, kind: 'column', detail: 'added', insert: name });
      seen.add(name);
    }
    for (const c of columns) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      items.push({ label: c.name, kind: 'column', detail: c.type, insert: columnText(c.name) });
    }
  }
  const narrowed = narrow(items, word);
  return { from, to, context, items: narrowed };
}
