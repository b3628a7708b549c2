// A small KQL tokenizer for the editor: enough of Kusto's lexical grammar to colour a query and to tell the
// completion where the caret is (start of a pipeline, after `|`, inside an operator's arguments, in a string).

/** What a token is, as the editor colours it. */
export type KqlTokenKind =
  | 'keyword'
  | 'operator'
  | 'string'
  | 'number'
  | 'comment'
  | 'table'
  | 'column'
  | 'function'
  | 'identifier'
  | 'pipe'
  | 'punctuation'
  | 'whitespace';

export interface KqlToken {
  kind: KqlTokenKind;
  /** Offsets in the text: `text.slice(start, end)` is the token. */
  start: number;
  end: number;
  text: string;
  /** A string or comment that runs to the end of the text without being closed. */
  open?: boolean;
}

/** The tables and their columns the query may name (the schema endpoint's tables). */
export interface KqlSchema {
  tables: { name: string; columns: { name: string; type: string }[] }[];
}

/** Tabular operators, the words that may follow `|` (both spellings where Kusto has two). */
export const TABULAR_OPERATORS = [
  'as',
  'consume',
  'count',
  'distinct',
  'evaluate',
  'extend',
  'facet',
  'fork',
  'getschema',
  'invoke',
  'join',
  'limit',
  'lookup',
  'make-series',
  'mv-apply',
  'mv-expand',
  'mvexpand',
  'order',
  'parse',
  'parse-where',
  'partition',
  'project',
  'project-away',
  'project-keep',
  'project-rename',
  'project-reorder',
  'render',
  'sample',
  'sample-distinct',
  'search',
  'serialize',
  'sort',
  'summarize',
  'take',
  'top',
  'top-nested',
  'union',
  'where',
] as const;

/** Other words of the grammar: statements, clauses and the operators that start a query without a table. */
const KEYWORDS = new Set<string>([
  ...TABULAR_OPERATORS,
  'asc',
  'by',
  'datatable',
  'declare',
  'default',
  'desc',
  'false',
  'first',
  'from',
  'kind',
  'last',
  'let',
  'nulls',
  'of',
  'on',
  'print',
  'range',
  'set',
  'step',
  'to',
  'true',
  'with',
  'withsource',
]);

/** Scalar operators spelled as words (`!has` and friends are one token). */
const WORD_OPERATORS = new Set<string>([
  'and',
  'or',
  'between',
  'contains',
  'contains_cs',
  'endswith',
  'endswith_cs',
  'has',
  'has_all',
  'has_any',
  'has_cs',
  'hasprefix',
  'hasprefix_cs',
  'hassuffix',
  'hassuffix_cs',
  'in',
  'in~',
  'matches',
  'regex',
  'startswith',
  'startswith_cs',
]);
const NEGATED_OPERATORS = new Set<string>(
  [
    'between',
    'contains',
    'contains_cs',
    'endswith',
    'endswith_cs',
    'has',
    'has_cs',
    'hasprefix',
    'hasprefix_cs',
    'hassuffix',
    'hassuffix_cs',
    'in',
    'in~',
    'startswith',
    'startswith_cs',
  ].map((w) => `!${w}`),
);

/** Hyphenated words are one token only when they are one of these (`a-b` elsewhere is a subtraction). */
const HYPHENATED = [...KEYWORDS].filter((w) => w.includes('-')).sort((a, b) => b.length - a.length);

const SYMBOLS = ['==', '!=', '=~', '!~', '<=', '>=', '..', '=>', '<>', '|', '<', '>', '=', '+', '-', '*', '/', '%'];
const PUNCTUATION = '()[]{},;.:';

const isIdentifierStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentifierPart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** A quoted string from `start` (at the quote); `verbatim` strings (`@"..."`) have no escapes. */
function stringEnd(text: string, start: number, verbatim: boolean): { end: number; open: boolean } {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') return { end: i, open: true };
    if (!verbatim && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      // Verbatim strings write a quote as two.
      if (verbatim && text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return { end: i + 1, open: false };
    }
    i++;
  }
  return { end: text.length, open: true };
}

function tableNames(schema: KqlSchema | null): Set<string> {
  return new Set(schema?.tables.map((t) => t.name) ?? []);
}

function columnNames(schema: KqlSchema | null): Set<string> {
  return new Set(schema?.tables.flatMap((t) => t.columns.map((c) => c.name)) ?? []);
}

/** The last token that is not whitespace or a comment. */
export function lastSignificant(tokens: KqlToken[], before = tokens.length): KqlToken | undefined {
  for (let k = before - 1; k >= 0; k--) {
    const t = tokens[k] as KqlToken;
    if (t.kind !== 'whitespace' && t.kind !== 'comment') return t;
  }
  return undefined;
}

/** Splits `text` into tokens that cover it exactly (whitespace included), classified with the schema's names. */
export function tokenizeKql(text: string, schema: KqlSchema | null = null): KqlToken[] {
  const tables = tableNames(schema);
  const columns = columnNames(schema);
  const tokens: KqlToken[] = [];
  const push = (kind: KqlTokenKind, start: number, end: number, open?: boolean) =>
    tokens.push(
      open
        ? { kind, start, end, text: text.slice(start, end), open }
        : { kind, start, end, text: text.slice(start, end) },
    );

  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1] ?? '';
    const start = i;

    if (/\s/.test(c)) {
      while (i < text.length && /\s/.test(text[i] as string)) i++;
      push('whitespace', start, i);
      continue;
    }
    if (c === '/' && next === '/') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline;
      push('comment', start, i);
      continue;
    }
    if (c === '`' && text.startsWith('```', i)) {
      const close = text.indexOf('```', i + 3);
      i = close < 0 ? text.length : close + 3;
      push('string', start, i, close < 0);
      continue;
    }
    // "..." '...', verbatim @"...", obfuscated h"..." and both together.
    const prefix = /^(?:[hH]@?|@)?(?=["'])/.exec(text.slice(i, i + 3))?.[0];
    if (prefix !== undefined && (prefix === '' ? c === '"' || c === "'" : true)) {
      const quoteAt = i + prefix.length;
      const { end, open } = stringEnd(text, quoteAt, prefix.includes('@'));
      i = end;
      push('string', start, i, open);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(next))) {
      if (c === '0' && (next === 'x' || next === 'X')) {
        i += 2;
        while (i < text.length && /[0-9a-fA-F]/.test(text[i] as string)) i++;
      } else {
        while (i < text.length && isDigit(text[i] as string)) i++;
        if (text[i] === '.' && text[i + 1] !== '.') {
          i++;
          while (i < text.length && isDigit(text[i] as string)) i++;
        }
        if ((text[i] === 'e' || text[i] === 'E') && /^[eE][+-]?\d/.test(text.slice(i, i + 3))) {
          i += 2;
          while (i < text.length && isDigit(text[i] as string)) i++;
        }
        // Timespan units (30d, 1h, 5min, 10ms, 2microseconds): the letters belong to the number.
        while (i < text.length && /[A-Za-z]/.test(text[i] as string)) i++;
      }
      push('number', start, i);
      continue;
    }
    if (c === '!' && isIdentifierStart(next)) {
      let j = i + 1;
      while (j < text.length && isIdentifierPart(text[j] as string)) j++;
      if (text[j] === '~') j++;
      const word = text.slice(i, j);
      if (NEGATED_OPERATORS.has(word)) {
        i = j;
        push('operator', start, i);
        continue;
      }
    }
    if (isIdentifierStart(c)) {
      const hyphenated = HYPHENATED.find(
        (w) => text.startsWith(w, i) && !isIdentifierPart(text[i + w.length] ?? '') && text[i + w.length] !== '-',
      );
      if (hyphenated) {
        i += hyphenated.length;
      } else {
        while (i < text.length && isIdentifierPart(text[i] as string)) i++;
        if (text.slice(start, i) === 'in' && text[i] === '~') i++;
      }
      const word = text.slice(start, i);
      const before = lastSignificant(tokens);
      const afterDot = before?.text === '.';
      const operatorPlace = !before || before.kind === 'pipe' || before.text === ';';
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      const call = text[j] === '(';
      let kind: KqlTokenKind;
      if (afterDot)
        kind = 'identifier'; // a member of a dynamic value (`action.operationId`), not a keyword
      else if (WORD_OPERATORS.has(word)) kind = 'operator';
      else if (KEYWORDS.has(word) && (operatorPlace || !call)) kind = 'keyword';
      else if (tables.has(word)) kind = 'table';
      else if (call) kind = 'function';
      else if (columns.has(word)) kind = 'column';
      else kind = 'identifier';
      push(kind, start, i);
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol) {
      i += symbol.length;
      push(symbol === '|' ? 'pipe' : 'operator', start, i);
      continue;
    }
    i++;
    push(PUNCTUATION.includes(c) ? 'punctuation' : 'identifier', start, i);
  }
  return tokens;
}
