import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { words } from '../../bot/src/protection/lexical-model.js';
import { normalizeText } from '../../bot/src/protection/text-normalize.js';

// normalizeText skips its slow regular expressions when a cheap pass over the characters shows they cannot
// match. These properties hold it to the plain expressions on random text made of the characters those
// shortcuts look at: letters in and beyond the BMP, separators, digits, whitespace.

const SPACED_RUN = /(?<![\p{L}\p{N}])\p{L}(?:[ ._*|/+~-]\p{L}(?![\p{L}\p{N}])){2,}/u;
// NFKC and the confusable map leave these alone, so the text before whitespace is collapsed is the lower-cased input.
const PIECES = ['a', 'b', 'Z', 'é', 'ж', '\u{10437}', '1', '7', ' ', '  ', '.', '-', '_', '*', '\n', '\t', '!', ','];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

describe('normalizeText against the plain regular expressions', () => {
  it('collapses whitespace as /\\s+/ -> " " does', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(normalizeText(s).text).toBe(s.toLowerCase().replace(/\s+/g, ' '));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds spaced letters exactly when the Unicode expression does', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(normalizeText(s).collapsed !== null).toBe(SPACED_RUN.test(s.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads leetspeak where /[a-z][0134578@$][a-z]|\\b[0134578@$][a-z]{2,}|[a-z]{2,}[0134578@$]\\b/ finds it', () => {
    const leet = fc
      .array(fc.constantFrom('a', 'b', 'X', '0', '1', '3', '@', '$', '2', '_', ' ', '-', '!'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    const hint = /[a-z][0134578@$][a-z]|\b[0134578@$][a-z]{2,}|[a-z]{2,}[0134578@$]\b/;
    fc.assert(
      fc.property(leet, (s) => {
        const lower = s.toLowerCase().replace(/\s+/g, ' ');
        expect(normalizeText(s).leet !== null).toBe(hint.test(lower));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts invisible characters between letters as the Unicode expression does', () => {
    const invisible = fc
      .array(fc.constantFrom('a', 'ж', '\u{10437}', '\u200b', '\u00ad', ' ', '1'), { maxLength: 20 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(invisible, (s) => {
        const expected = s.match(/\p{L}[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u034F]+\p{L}/gu)?.length ?? 0;
        expect(normalizeText(s).zeroWidthCount).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the lexical model reads words as its regular expressions define them', () => {
  it("keeps the tokens /[a-z0-9']+/ that are /^[a-z][a-z']{0,19}$/", () => {
    const pieces = fc.constantFrom('a', 'z', "'", '0', '9', ' ', '-', 'é', 'abcdefghij', 'k', '.');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        const expected = (s.match(/[a-z0-9']+/g) ?? []).filter((w) => /^[a-z][a-z']{0,19}$/.test(w));
        expect(words(s)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
