/**
 * Text normalization for the jailbreak detector: undoes the cheap disguises attackers use so that
 * one set of patterns sees "ignore", whether it was typed as "ｉｇｎｏｒｅ", "іgnоrе" (Cyrillic),
 * "ig\u200Bnore" or "i g n o r e". Each undone disguise is reported, because using one is itself a
 * signal.
 */

export interface NormalizedText {
  /** Lower-case, NFKC, confusables mapped, invisible characters removed, whitespace collapsed. */
  text: string;
  /** Letters separated by single spaces or dots joined back ("i g n o r e" -> "ignore"), or null if none. */
  collapsed: string | null;
  /** The joined letters of each spaced run, in order ("ignore", "all", ...). */
  spacedRuns: string[];
  /** Digits and symbols read as letters ("1gn0r3" -> "ignore"), or null if the text has none inside words. */
  leet: string | null;
  /** Text hidden in Unicode tag characters (U+E0020..U+E007E), decoded to ASCII. */
  hiddenTagText: string;
  zeroWidthCount: number;
  /** Words mixing Latin with Cyrillic or Greek letters ("pаypal" with a Cyrillic "а"). */
  mixedScriptWords: number;
  /** Letters changed by NFKC (full-width, mathematical alphanumerics, ligatures). */
  compatibilityChars: number;
}

// Cyrillic, Greek and other letters that render like Latin ones (lower case: the text is lowered first).
const CONFUSABLE_PAIRS: [string, string][] = [
  // Cyrillic
  ['а', 'a'],
  ['в', 'b'],
  ['е', 'e'],
  ['ё', 'e'],
  ['к', 'k'],
  ['м', 'm'],
  ['н', 'h'],
  ['о', 'o'],
  ['р', 'p'],
  ['с', 'c'],
  ['т', 't'],
  ['у', 'y'],
  ['х', 'x'],
  ['ѕ', 's'],
  ['і', 'i'],
  ['ї', 'i'],
  ['ј', 'j'],
  ['ԁ', 'd'],
  ['ԛ', 'q'],
  ['ԝ', 'w'],
  ['һ', 'h'],
  ['ӏ', 'l'],
  ['ɡ', 'g'],
  ['ь', 'b'],
  ['п', 'n'],
  ['г', 'r'],
  // Greek
  ['α', 'a'],
  ['β', 'b'],
  ['ε', 'e'],
  ['η', 'n'],
  ['ι', 'i'],
  ['κ', 'k'],
  ['ν', 'v'],
  ['ο', 'o'],
  ['ρ', 'p'],
  ['τ', 't'],
  ['υ', 'u'],
  ['χ', 'x'],
  ['ζ', 'z'],
  ['μ', 'u'],
  // Latin look-alikes outside ASCII that NFKC keeps
  ['ı', 'i'],
  ['ɩ', 'i'],
  ['ɑ', 'a'],
  ['ɵ', 'o'],
  ['ø', 'o'],
  ['ʀ', 'r'],
  ['ʏ', 'y'],
  ['ᴀ', 'a'],
  ['ᴄ', 'c'],
  ['ᴅ', 'd'],
  ['ᴇ', 'e'],
  ['ɢ', 'g'],
  ['ʜ', 'h'],
  ['ɪ', 'i'],
  ['ᴊ', 'j'],
  ['ᴋ', 'k'],
  ['ʟ', 'l'],
  ['ᴍ', 'm'],
  ['ɴ', 'n'],
  ['ᴏ', 'o'],
  ['ᴘ', 'p'],
  ['ꜱ', 's'],
  ['ᴛ', 't'],
  ['ᴜ', 'u'],
  ['ᴠ', 'v'],
  ['ᴡ', 'w'],
  ['ᴢ', 'z'],
  // Armenian
  ['օ', 'o'],
  ['ս', 'u'],
  ['հ', 'h'],
  ['ց', 'g'],
  // Punctuation look-alikes
  ['\u2018', "'"],
  ['\u2019', "'"],
  ['\u201C', '"'],
  ['\u201D', '"'],
  ['\u2013', '-'],
  ['\u2014', '-'],
];
const CONFUSABLES = new Map(CONFUSABLE_PAIRS);
const CONFUSABLE_CHARS = new RegExp(`[${CONFUSABLE_PAIRS.map(([c]) => c).join('')}]`, 'gu');

const NON_ASCII = /[^\p{ASCII}]/u;
// Zero-width and invisible format characters (not the ZWJ between emoji: handled by the letter check).
const ZERO_WIDTH = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u034F\u061C\u115F\u1160\u3164]/g;
const ZERO_WIDTH_BETWEEN_LETTERS = /\p{L}[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u034F]+\p{L}/gu;
// Any of those invisible characters: without one, there is nothing between letters to count (and the letter
// classes above are slow to try at every position).
const ZERO_WIDTH_ANY = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u034F]/;
const TAG_CHARS = /[\u{E0000}-\u{E007F}]/gu;
const MIXED_SCRIPT_WORD = /(?:[a-z][\u0370-\u03FF\u0400-\u04FF]|[\u0370-\u03FF\u0400-\u04FF][a-z])/gi;
// Runs of whitespace other than one plain space (which would be replaced by itself): the same result as
// replacing every /\s+/ run with a space, with far fewer replacements.
const WHITESPACE = /(?! )\s+| \s+/g;
// A run of 4+ single letters (or short groups) separated by one separator: "i g n o r e", "i.g.n.o.r.e".
const SPACED_RUN = /(?<![\p{L}\p{N}])\p{L}(?:[ ._*|/+~-]\p{L}(?![\p{L}\p{N}])){2,}/gu;
// The same on ASCII text, where a letter is [a-z] (lower-cased) and a digit [0-9]: without Unicode properties.
const SPACED_RUN_ASCII = /(?<![a-z0-9])[a-z](?:[ ._*|/+~-][a-z](?![a-z0-9])){2,}/g;
// A possible letter for MAYBE_SPACED_RUN, in UTF-16 units: an ASCII letter, or any other character beyond ASCII.
const MAYBE_LETTER = '(?:[a-zA-Z\\u0080-\\ud7ff\\ue000-\\uffff]|[\\ud800-\\udbff][\\udc00-\\udfff])';
const SPACED_SEPARATORS = /[ ._*|/+~-]/g;
const LEET_CHARS = /[0134578@$!|]/g;
const LEET_MAP: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

export function normalizeText(raw: string): NormalizedText {
  let text = raw;
  let zeroWidthCount = 0;
  let mixedScriptWords = 0;
  let compatibilityChars = 0;
  let hiddenTagText = '';
  const ascii = !NON_ASCII.test(text);
  if (!ascii) {
    if (TAG_CHARS.test(text)) {
      TAG_CHARS.lastIndex = 0;
      hiddenTagText = decodeTags(text);
      text = text.replace(TAG_CHARS, '');
    }
    const nfkc = text.normalize('NFKC');
    if (nfkc !== text) compatibilityChars = countDifferences(text, nfkc);
    text = nfkc;
    zeroWidthCount = ZERO_WIDTH_ANY.test(text) ? (text.match(ZERO_WIDTH_BETWEEN_LETTERS)?.length ?? 0) : 0;
    text = text.replace(ZERO_WIDTH, '');
    mixedScriptWords = text.match(MIXED_SCRIPT_WORD)?.length ?? 0;
    text = text.toLowerCase().replace(CONFUSABLE_CHARS, (c) => CONFUSABLES.get(c) ?? c);
  } else {
    text = text.toLowerCase();
  }
  // Spaced letters are joined before whitespace is collapsed, so a double space stays a word break.
  const spacedRuns: string[] = [];
  const collapsed = collapseSpacedLetters(text, spacedRuns, ascii);
  text = text.replace(WHITESPACE, ' ');
  return {
    text,
    collapsed: collapsed?.replace(WHITESPACE, ' ') ?? null,
    spacedRuns,
    leet: hasLeetHint(text) ? text.replace(LEET_CHARS, (c) => LEET_MAP[c] ?? c) : null,
    hiddenTagText,
    zeroWidthCount,
    mixedScriptWords,
    compatibilityChars,
  };
}

/**
 * Whether the text holds a digit or symbol read as a letter inside or at the edge of a word, as
 * /[a-z][0134578@$][a-z]|\b[0134578@$][a-z]{2,}|[a-z]{2,}[0134578@$]\b/ finds it, but read at each such character
 * instead of tried at every position: a letter on both sides; a word boundary before and two letters after; two
 * letters before and a word boundary after.
 */
function hasLeetHint(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || LEET_DIGIT[c] !== 1) continue;
    const b1 = i >= 1 ? text.charCodeAt(i - 1) : -1;
    const a1 = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (isLower(b1) && isLower(a1)) return true;
    if (isWordChar(b1) !== isWordChar(c) && isLower(a1) && i + 2 < n && isLower(text.charCodeAt(i + 2))) return true;
    if (i >= 2 && isLower(text.charCodeAt(i - 2)) && isLower(b1) && isWordChar(c) !== isWordChar(a1)) return true;
  }
  return false;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** \w: what a word boundary separates from the rest. */
function isWordChar(c: number): boolean {
  return isLower(c) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

const LEET_DIGIT = new Uint8Array(128);
for (const ch of '0134578@$') LEET_DIGIT[ch.charCodeAt(0)] = 1;

/**
 * Whether the text may hold a SPACED_RUN (non-ASCII text; ASCII text runs the ASCII expression itself): three
 * single letters with one separator between each, the first not after a letter or digit and the last not
 * before one, with every non-ASCII character taken for a possible letter and never for a sure one, so that it
 * only says "no" when the Unicode expression would find nothing. It has no Unicode classes, which are slow to
 * try at every position, and ordinary prose has no "x y z".
 */
const MAYBE_SPACED_RUN = new RegExp(
  `(?<![a-zA-Z0-9])${MAYBE_LETTER}[ ._*|/+~-]${MAYBE_LETTER}[ ._*|/+~-]${MAYBE_LETTER}(?![a-zA-Z0-9])`,
);

/** Joins "i g n o r e  a l l" back into words; two separators in a row stay a word break. */
function collapseSpacedLetters(text: string, runs: string[], ascii: boolean): string | null {
  if (!ascii && !MAYBE_SPACED_RUN.test(text)) return null;
  const out = text.replace(ascii ? SPACED_RUN_ASCII : SPACED_RUN, (run) => {
    const joined = run.replace(SPACED_SEPARATORS, '');
    runs.push(joined);
    return joined;
  });
  return runs.length > 0 ? out : null;
}

function decodeTags(text: string): string {
  let out = '';
  for (const ch of text.matchAll(TAG_CHARS)) {
    const cp = (ch[0].codePointAt(0) ?? 0xe0000) - 0xe0000;
    if (cp >= 0x20 && cp < 0x7f) out += String.fromCharCode(cp);
  }
  return out;
}

function countDifferences(before: string, after: string): number {
  // NFKC may change lengths (ligatures); an estimate is enough for a signal.
  let n = 0;
  const len = Math.min(before.length, after.length);
  for (let i = 0; i < len; i++) if (before.charCodeAt(i) !== after.charCodeAt(i)) n++;
  return n + Math.abs(before.length - after.length);
}

/** ROT13 of ASCII letters. */
export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}
