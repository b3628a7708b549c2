import type { SourcePos } from './kql-error.js';
import { errorAt } from './kql-error.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'punct' | 'eof';

export interface Token extends SourcePos {
  kind: TokenKind;
  /** Offset in the query text. */
  offset: number;
  /** Identifiers and punctuation as written; strings unescaped; numbers and timespans as written. */
  text: string;
  /** Numbers: the value; timespans: milliseconds. */
  value?: number;
}

// Operators spelled with a dash are one word in KQL; "a-b" elsewhere is a subtraction.
const DASHED_WORDS = new Set([
  'project-away',
  'project-rename',
  'project-keep',
  'project-reorder',
  'mv-expand',
  'mv-apply',
  'make-series',
]);

const PUNCT = [
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '=>',
  '..',
  '|',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  ':',
  '!',
  '~',
];

const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Splits KQL text into tokens, each with its line and column; throws KqlError at the offending character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePos & { offset: number } => ({ line, column: at - lineStart + 1, offset: at });

  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    const start = pos(i);
    // Verbatim strings: @"..." or @'...' (no escapes; a doubled quote is a quote).
    if ((c === '@' || c === 'h' || c === 'H') && (text[i + 1] === '"' || text[i + 1] === "'")) {
      const verbatim = c === '@';
      const quote = text[i + 1] as string;
      const { value, end } = verbatim ? readVerbatim(text, i + 2, quote) : readString(text, i + 2, quote);
      if (end < 0) throw errorAt(start, 'unterminated string literal');
      tokens.push({ kind: 'string', text: value, ...start });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, i + 1, c);
      if (end < 0) throw errorAt(start, 'unterminated string literal');
      tokens.push({ kind: 'string', text: value, ...start });
      i = end;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (j < text.length && isDigit(text[j] as string)) j += 1;
      if (text[j] === '.' && isDigit(text[j + 1] ?? '')) {
        j += 1;
        while (j < text.length && isDigit(text[j] as string)) j += 1;
      }
      if ((text[j] === 'e' || text[j] === 'E') && /[-+0-9]/.test(text[j + 1] ?? '')) {
        j += 2;
        while (j < text.length && isDigit(text[j] as string)) j += 1;
      }
      const numberText = text.slice(i, j);
      // A unit right after the digits makes a timespan literal: 30d, 1h, 15min, 100ms.
      let k = j;
      while (k < text.length && /[A-Za-z]/.test(text[k] as string)) k += 1;
      const unit = text.slice(j, k);
      if (unit) {
        const scale = TIMESPAN_UNITS[unit.toLowerCase()];
        if (scale === undefined) throw errorAt(start, `unknown timespan unit '${unit}' in '${text.slice(i, k)}'`);
        tokens.push({ kind: 'timespan', text: text.slice(i, k), value: Number(numberText) * scale, ...start });
        i = k;
        continue;
      }
      tokens.push({ kind: 'number', text: numberText, value: Number(numberText), ...start });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j] as string)) j += 1;
      let word = text.slice(i, j);
      if (text[j] === '-' && isIdentStart(text[j + 1] ?? '')) {
        let k = j + 1;
        while (k < text.length && isIdentPart(text[k] as string)) k += 1;
        const dashed = text.slice(i, k);
        if (DASHED_WORDS.has(dashed.toLowerCase())) {
          word = dashed;
          j = k;
        }
      }
      tokens.push({ kind: 'ident', text: word, ...start });
      i = j;
      // datetime(2026-11-25T10:00:00Z): the text between the parentheses is one literal, not numbers and dashes.
      if (word === 'datetime') {
        let k = i;
        while (text[k] === ' ' || text[k] === '\t') k += 1;
        if (text[k] === '(') {
          let m = k + 1;
          while (m < text.length && text[m] === ' ') m += 1;
          if (text[m] !== '"' && text[m] !== "'") {
            const close = text.indexOf(')', m);
            if (close < 0) throw errorAt(pos(k), "datetime( is not closed with ')'");
            tokens.push({ kind: 'punct', text: '(', ...pos(k) });
            tokens.push({ kind: 'string', text: text.slice(m, close).trim(), ...pos(m) });
            tokens.push({ kind: 'punct', text: ')', ...pos(close) });
            i = close + 1;
          }
        }
      }
      continue;
    }
    // Bracketed names: ['Column name'] are parsed by the parser as an index on nothing; keep '[' as punctuation.
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    if (!punct) throw errorAt(start, `unexpected character '${c}'`);
    tokens.push({ kind: 'punct', text: punct, ...start });
    i += punct.length;
  }
  tokens.push({ kind: 'eof', text: '', ...pos(i) });
  return tokens;
}

function readString(text: string, from: number, quote: string): { value: string; end: number } {
  let out = '';
  let i = from;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') return { value: out, end: -1 };
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\\') {
      const n = text[i + 1];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
      if (n !== undefined && n in escapes) {
        out += escapes[n];
        i += 2;
        continue;
      }
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      out += n ?? '';
      i += 2;
      continue;
    }
    out += c;
    i += 1;
  }
  return { value: out, end: -1 };
}

function readVerbatim(text: string, from: number, quote: string): { value: string; end: number } {
  let out = '';
  let i = from;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') return { value: out, end: -1 };
    if (c === quote) {
      if (text[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    out += c;
    i += 1;
  }
  return { value: out, end: -1 };
}
