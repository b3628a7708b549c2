import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { looksLikeCode } from '../adversarial-suffix.js';

/**
 * A character trigram language model of ordinary requests, for adversarial suffixes and token soup
 * (GCG, random search): such text is improbable character by character ("oppositeley.]( Me
 * giving**ONE"), so a window of it has a high cross-entropy under a model of ordinary text. Trained on
 * benign text only (`npm run detector:train`), so it needs no attack examples and does not learn any
 * attack's wording. The threshold is a quantile of the benign training texts' highest window, so it
 * is set by what ordinary text does, not by the attacks measured.
 *
 * Code is left out, in training the threshold and in scoring: identifiers, escapes and operators are
 * as improbable as token soup under a model of prose, and code has other checks.
 *
 * Characters are mapped to a small alphabet (letters keep their case, digits are one symbol, every
 * whitespace one space); trigram counts are hashed into 2^16 buckets. Linear in the text.
 */

const TRIGRAM_BITS = 16;
const TRI = 1 << TRIGRAM_BITS;
/** Symbols: 0 = space, 1 = digit, 2 = other non-ASCII letter, 3 = anything else, 4.. = printable ASCII. */
const SYMBOLS = 4 + 95;
export const WINDOW = 40;
/** Spaces a window must hold to be weighed. */
const MIN_SPACES = 3;
/** At most this many characters are read: the first 3/4 and the last 1/4. */
const MAX_CHARS = 6_000;

export interface CharLmModel {
  version: 1;
  /** Mean negative log-probability (nats per character) of a window at or above which it reads as token soup. */
  threshold: number;
  /**
   * A lower bar (a lower quantile of the same windows): not evidence alone, but a window this improbable
   * after a harmful request reads as an adversarial suffix (detector/intent.ts).
   */
  softThreshold: number;
  /** Bigram-context counts, SYMBOLS^2 entries, and hashed trigram counts, each uint16 little-endian base64. */
  contexts: string;
  trigrams: string;
  trainedOn: { texts: number; characters: number; thresholdRule: string };
}

export interface LoadedCharLm {
  threshold: number;
  softThreshold: number;
  /** False while training adjusts the counts (no cached sums). */
  frozen?: boolean;
  ctx: Uint16Array;
  tri: Uint16Array;
}

function symbol(code: number): number {
  if (code === 32 || code === 9 || code === 10 || code === 13) return 0;
  if (code >= 48 && code <= 57) return 1;
  if (code > 32 && code < 127) return 4 + (code - 32);
  if (code >= 0xc0 && code <= 0x24f) return 2;
  return 3;
}

function symbols(text: string): Uint8Array {
  const t =
    text.length <= MAX_CHARS
      ? text
      : `${text.slice(0, Math.floor(MAX_CHARS * 0.75))} ${text.slice(text.length - Math.floor(MAX_CHARS * 0.25))}`;
  const out: number[] = [0, 0];
  let lastSpace = true;
  for (let i = 0; i < t.length; i++) {
    const s = symbol(t.charCodeAt(i));
    if (s === 0 && lastSpace) continue; // runs of whitespace are one space
    lastSpace = s === 0;
    out.push(s);
  }
  return Uint8Array.from(out);
}

const triBucket = (a: number, b: number, c: number) =>
  (Math.imul((a * SYMBOLS + b) * SYMBOLS + c, 0x9e3779b1) >>> (32 - TRIGRAM_BITS)) & (TRI - 1);

/** Per-character negative log-probabilities (nats), trigram interpolated with bigram and unigram estimates. */
function surprisals(model: LoadedCharLm, seq: Uint8Array): Float32Array {
  const { uni, total } = unigrams(model);
  const out = new Float32Array(Math.max(0, seq.length - 2));
  for (let i = 2; i < seq.length; i++) {
    const a = seq[i - 2]!;
    const b = seq[i - 1]!;
    const c = seq[i]!;
    const ctx = model.ctx[a * SYMBOLS + b]!;
    const p3 = ctx > 0 ? Math.min(model.tri[triBucket(a, b, c)]!, ctx) / ctx : 0;
    const ub = uni[b]!;
    const p2 = ub > 0 ? model.ctx[b * SYMBOLS + c]! / ub : 0;
    const p1 = (uni[c]! + 1) / (total + SYMBOLS);
    out[i - 2] = -Math.log(0.6 * p3 + 0.3 * p2 + 0.1 * p1);
  }
  return out;
}

const unigramCache = new WeakMap<Uint16Array, { uni: Float64Array; total: number }>();

function unigrams(model: LoadedCharLm): { uni: Float64Array; total: number } {
  const hit = model.frozen ? unigramCache.get(model.ctx) : undefined;
  if (hit) return hit;
  const uni = new Float64Array(SYMBOLS);
  let total = 0;
  for (let a = 0; a < SYMBOLS; a++) {
    for (let b = 0; b < SYMBOLS; b++) uni[a] = uni[a]! + model.ctx[a * SYMBOLS + b]!;
    total += uni[a]!;
  }
  const r = { uni, total };
  if (model.frozen) unigramCache.set(model.ctx, r);
  return r;
}

export interface SoupWindow {
  /** Mean nats per character of the most improbable window. */
  entropy: number;
  excerpt: string;
}

/** The most improbable window of WINDOW characters, or null for text shorter than a window or code. */
export function mostImprobableWindow(model: LoadedCharLm, text: string): SoupWindow | null {
  if (looksLikeCode(text)) return null;
  const seq = symbols(text);
  const s = surprisals(model, seq);
  if (s.length < WINDOW) return null;
  // A window counts only when it holds several words: one long token (base64, a hash, a URL, an id) is
  // improbable too, but it is data, not token soup.
  const space = (i: number) => (seq[i + 2] === 0 ? 1 : 0);
  let sum = 0;
  let spaces = 0;
  for (let i = 0; i < WINDOW; i++) {
    sum += s[i]!;
    spaces += space(i);
  }
  let best = spaces >= MIN_SPACES ? sum : -1;
  let at = 0;
  for (let i = WINDOW; i < s.length; i++) {
    sum += s[i]! - s[i - WINDOW]!;
    spaces += space(i) - space(i - WINDOW);
    if (spaces >= MIN_SPACES && sum > best) {
      best = sum;
      at = i - WINDOW + 1;
    }
  }
  if (best < 0) return null;
  return { entropy: best / WINDOW, excerpt: excerptAt(text, at) };
}

/** Maps a window's position among the symbols back to the text, approximately (runs of spaces were collapsed). */
function excerptAt(text: string, at: number): string {
  let seen = 0;
  let lastSpace = true;
  for (let i = 0; i < text.length; i++) {
    const space = /\s/.test(text[i]!);
    if (space && lastSpace) continue;
    lastSpace = space;
    if (seen++ === at) return text.slice(i, i + WINDOW + 16).replace(/\s+/g, ' ');
  }
  return text.slice(-WINDOW - 16);
}

export interface CharLmOptions {
  /** The quantile of benign texts' highest-window entropy used as the threshold. */
  quantile?: number;
  /** The quantile used as the soft threshold. */
  softQuantile?: number;
}

/**
 * Counts trigrams of the benign texts and of `prose` (ordinary text only counted, not used for the
 * threshold) in order; the same texts give the same model.
 */
export function trainCharLm(
  benign: readonly string[],
  options: CharLmOptions = {},
  prose: readonly string[] = [],
): CharLmModel {
  const quantile = options.quantile ?? 0.995;
  const softQuantile = options.softQuantile ?? 0.98;
  const ctx32 = new Uint32Array(SYMBOLS * SYMBOLS);
  const tri32 = new Uint32Array(TRI);
  let characters = 0;
  for (const text of [...prose, ...benign]) {
    const seq = symbols(text);
    characters += seq.length;
    for (let i = 2; i < seq.length; i++) {
      ctx32[seq[i - 2]! * SYMBOLS + seq[i - 1]!]!++;
      tri32[triBucket(seq[i - 2]!, seq[i - 1]!, seq[i]!)]!++;
    }
  }
  const cap = (a: Uint32Array) => Uint16Array.from(a, (v) => Math.min(v, 65535));
  const ctx = cap(ctx32);
  const tri = cap(tri32);
  // The threshold: how improbable the worst window of ordinary text gets. Scored in-sample (the
  // trigrams of each text are in the counts), so each text's own counts are taken out first.
  const loaded: LoadedCharLm = { threshold: 0, softThreshold: 0, ctx, tri };
  const highs: number[] = [];
  for (const text of benign) {
    if (looksLikeCode(text)) continue;
    const seq = symbols(text);
    adjust(loaded, seq, -1);
    const w = mostImprobableWindow(loaded, text);
    adjust(loaded, seq, +1);
    if (w) highs.push(w.entropy);
  }
  highs.sort((a, b) => a - b);
  const at = (q: number, none: number) =>
    highs.length ? highs[Math.min(highs.length - 1, Math.floor(q * highs.length))]! : none;
  const threshold = at(quantile, 4);
  const softThreshold = at(softQuantile, 3);
  const b64 = (a: Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    version: 1,
    threshold: Math.round(threshold * 1000) / 1000,
    softThreshold: Math.round(softThreshold * 1000) / 1000,
    contexts: b64(ctx),
    trigrams: b64(tri),
    trainedOn: {
      texts: benign.length + prose.length,
      characters,
      thresholdRule: `${quantile * 100}th (soft: ${softQuantile * 100}th) percentile of the benign texts' most improbable ${WINDOW}-character window, code left out (each text scored without its own counts)`,
    },
  };
}

function adjust(model: LoadedCharLm, seq: Uint8Array, by: 1 | -1): void {
  for (let i = 2; i < seq.length; i++) {
    const c = seq[i - 2]! * SYMBOLS + seq[i - 1]!;
    const t = triBucket(seq[i - 2]!, seq[i - 1]!, seq[i]!);
    if (model.ctx[c]! < 65535) model.ctx[c] = model.ctx[c]! + by;
    if (model.tri[t]! < 65535) model.tri[t] = model.tri[t]! + by;
  }
}

export function loadCharLm(model: CharLmModel): LoadedCharLm {
  if (model.version !== 1) throw new Error('not a version 1 character model (rerun npm run detector:train)');
  const u16 = (b64: string, n: number) => {
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length !== n * 2) throw new Error('character model: wrong table size');
    return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  };
  return {
    threshold: model.threshold,
    softThreshold: model.softThreshold ?? model.threshold,
    frozen: true,
    ctx: u16(model.contexts, SYMBOLS * SYMBOLS),
    tri: u16(model.trigrams, TRI),
  };
}

export const CHAR_LM_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'char-lm.json');

let loaded: LoadedCharLm | null | undefined;

/** The shipped model, or null when char-lm.json has not been trained yet. */
export function shippedCharLm(): LoadedCharLm | null {
  if (loaded !== undefined) return loaded;
  let text: string;
  try {
    text = readFileSync(CHAR_LM_FILE, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    loaded = null;
    return loaded;
  }
  loaded = loadCharLm(JSON.parse(text) as CharLmModel);
  return loaded;
}
