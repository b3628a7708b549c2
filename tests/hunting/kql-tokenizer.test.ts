import { describe, expect, it } from 'vitest';
import { KqlError, tokenize } from '../../bot/src/hunting/kql/index.js';

const brief = (text: string) => tokenize(text).map((t) => [t.kind, t.text, t.line, t.column]);

describe('KQL tokenizer', () => {
  it.each([
    [
      'T | where A == "x"',
      [
        ['ident', 'T', 1, 1],
        ['punct', '|', 1, 3],
        ['ident', 'where', 1, 5],
        ['ident', 'A', 1, 11],
        ['punct', '==', 1, 13],
        ['string', 'x', 1, 16],
        ['eof', '', 1, 19],
      ],
    ],
    [
      "'it\\'s'",
      [
        ['string', "it's", 1, 1],
        ['eof', '', 1, 8],
      ],
    ],
    [
      '@"C:\\path"',
      [
        ['string', 'C:\\path', 1, 1],
        ['eof', '', 1, 11],
      ],
    ],
    [
      'project-away A',
      [
        ['ident', 'project-away', 1, 1],
        ['ident', 'A', 1, 14],
        ['eof', '', 1, 15],
      ],
    ],
    [
      'A-B',
      [
        ['ident', 'A', 1, 1],
        ['punct', '-', 1, 2],
        ['ident', 'B', 1, 3],
        ['eof', '', 1, 4],
      ],
    ],
    [
      'mv-expand X',
      [
        ['ident', 'mv-expand', 1, 1],
        ['ident', 'X', 1, 11],
        ['eof', '', 1, 12],
      ],
    ],
    [
      'a =~ b !~ c != d',
      [
        ['ident', 'a', 1, 1],
        ['punct', '=~', 1, 3],
        ['ident', 'b', 1, 6],
        ['punct', '!~', 1, 8],
        ['ident', 'c', 1, 11],
        ['punct', '!=', 1, 13],
        ['ident', 'd', 1, 16],
        ['eof', '', 1, 17],
      ],
    ],
    [
      'x // comment\n  | take 5',
      [
        ['ident', 'x', 1, 1],
        ['punct', '|', 2, 3],
        ['ident', 'take', 2, 5],
        ['number', '5', 2, 10],
        ['eof', '', 2, 11],
      ],
    ],
    [
      '$left.A',
      [
        ['ident', '$left', 1, 1],
        ['punct', '.', 1, 6],
        ['ident', 'A', 1, 7],
        ['eof', '', 1, 8],
      ],
    ],
    [
      'datetime(2026-11-25T10:00:00Z)',
      [
        ['ident', 'datetime', 1, 1],
        ['punct', '(', 1, 9],
        ['string', '2026-11-25T10:00:00Z', 1, 10],
        ['punct', ')', 1, 30],
        ['eof', '', 1, 31],
      ],
    ],
  ])('%j', (text, expected) => {
    expect(brief(text)).toEqual(expected);
  });

  it.each([
    ['30d', 30 * 86_400_000],
    ['1h', 3_600_000],
    ['15min', 900_000],
    ['2.5s', 2500],
    ['100ms', 100],
  ])('reads the timespan %s', (text, ms) => {
    const [t] = tokenize(text);
    expect(t).toMatchObject({ kind: 'timespan', value: ms });
  });

  it.each([
    ['1.5e3', 1500],
    ['42', 42],
    ['.5', 0.5],
  ])('reads the number %s', (text, value) => {
    expect(tokenize(text)[0]).toMatchObject({ kind: 'number', value });
  });

  it.each([
    ['T | where A == "open', 1, 16, 'unterminated string literal'],
    ['T\n| where A == 3x', 2, 14, "unknown timespan unit 'x' in '3x'"],
    ['T\n  | where A # 1', 2, 13, "unexpected character '#'"],
  ])('fails on %j at line %i, column %i', (text, line, column, detail) => {
    let error: unknown;
    try {
      tokenize(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect(error).toMatchObject({ line, column, detail, message: `line ${line}, column ${column}: ${detail}` });
  });
});
