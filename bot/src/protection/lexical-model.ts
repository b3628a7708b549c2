import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from './text-normalize.js';

/**
 * A logistic-regression classifier on hashed word and character n-grams: words, adjacent word pairs
 * and character 3-, 4- and 5-grams of the normalized text, each hashed (FNV-1a) into one of 2^17
 * buckets. Trained (`npm run detector:train`) on the project's tuning split and on the public corpora
 * present (docs/detection-data.md), it carries what the phrase patterns cannot list: persuasion and
 * role-play wording, in-the-wild templates, their rewordings. Character n-grams see through
 * misspellings and glued words. Deterministic (fixed order, fixed epochs, no randomness), offline,
 * and explained: the n-grams that raised the score most are named in the feature.
 */

export const HASH_BITS = 17;
const DIM = 1 << HASH_BITS;
const MASK = DIM - 1;
/** Character n-grams are read from the first HEAD and last TAIL characters of the normalized text. */
const CHAR_HEAD = 2_000;
const CHAR_TAIL = 500;

export interface LexicalModel {
  version: 2;
  hashBits: number;
  /** Probability at or above which the detector adds the `lexical-model` feature. */
  threshold: number;
  /**
   * A lower bar (a lower quantile of the same out-of-fold benign scores): not evidence alone, but a weak
   * feature that needs another. Absent in models trained before it existed.
   */
  softThreshold?: number;
  bias: number;
  /** The weights, quantized to int16 (weight = q * scale), little-endian, base64. */
  scale: number;
  weights: string;
  trainedOn: {
    jailbreak: number;
    benign: number;
    epochs: number;
    learningRate: number;
    l2: number;
    /** How the threshold was chosen. */
    thresholdRule: string;
  };
}

/** The model with its weights decoded, ready to score. */
export interface LoadedLexicalModel {
  threshold: number;
  /** The threshold itself when the model has no soft one. */
  softThreshold: number;
  bias: number;
  w: Float32Array;
}

export interface LexicalScore {
  probability: number;
  /** The n-grams that raised the score most, strongest first (only with `explain`). */
  top: { ngram: string; weight: number }[];
}

/**
 * The words of a normalized text: its tokens, the maximal runs of /[a-z0-9']+/, that are words,
 * /^[a-z][a-z']{0,19}$/; read in one pass over the characters instead of a match and a test per token.
 */
export function words(normalized: string): string[] {
  const out: string[] = [];
  const len = normalized.length;
  let i = 0;
  while (i < len) {
    let c = normalized.charCodeAt(i);
    if (!isTokenChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let word = c >= 97 && c <= 122; // starts with a letter
    for (i++; i < len && isTokenChar((c = normalized.charCodeAt(i))); i++) if (c >= 48 && c <= 57) word = false;
    if (word && i - start <= 20) out.push(normalized.slice(start, i));
  }
  return out;
}

const isTokenChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39;

/** FNV-1a of a string with a one-character salt, so that words and character n-grams never share a bucket on purpose. */
function hashString(s: string, salt: number): number {
  return (fnv(Math.imul(0x811c9dc5 ^ salt, 16777619), s) >>> 0) & MASK;
}

/** The bucket of the word pair `${a} ${b}`, hashed without building the string (the hot loop of scoring). */
function hashPair(a: string, b: string): number {
  const h = Math.imul(fnv(Math.imul(0x811c9dc5 ^ 2, 16777619), a) ^ 0x20, 16777619);
  return (fnv(h, b) >>> 0) & MASK;
}

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

// Scratch space for de-duplicating buckets without allocating a Set per message.
const seen = new Uint32Array(DIM);
let stamp = 0;
// Distinct buckets number at most DIM, so this holds any text's.
const scratch = new Int32Array(DIM);

/**
 * At most this many characters of a text are read, in training as in scoring: its first 3/4 and last 1/4
 * (the detector bounds a message the same way, so the model sees at scoring what it saw in training).
 */
export const MAX_TEXT_CHARS = 2_000;

/** The text itself when short enough, else its first 3/4 and last 1/4 of `max` characters. */
export function boundText(text: string, max: number = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.75);
  return `${text.slice(0, head)}\n${text.slice(text.length - (max - head))}`;
}

/** The distinct buckets of a text's n-grams. Bounded: at most MAX_TEXT_CHARS characters are read. */
export function featureBuckets(text: string): Int32Array {
  return normalizedBuckets(normalizeText(boundText(text)).text);
}

/** The buckets of text already normalized (and bounded) by the caller: the detector normalizes once. */
export function normalizedBuckets(
  normalized: string,
  ws: readonly string[] = words(normalized),
  /** When given, receives each word's bucket at 2i and its pair's with the next word at 2i + 1. */
  wordBuckets?: Int32Array,
): Int32Array {
  stamp = (stamp + 1) >>> 0;
  if (stamp === 0) {
    seen.fill(0);
    stamp = 1;
  }
  // Written into a scratch array, copied out once: no closure or growing array per n-gram.
  let n = 0;
  for (let i = 0; i < ws.length; i++) {
    let b = hashString(ws[i]!, 1);
    if (wordBuckets) wordBuckets[i * 2] = b;
    if (seen[b] !== stamp) {
      seen[b] = stamp;
      scratch[n++] = b;
    }
    if (i + 1 < ws.length) {
      b = hashPair(ws[i]!, ws[i + 1]!);
      if (wordBuckets) wordBuckets[i * 2 + 1] = b;
      if (seen[b] !== stamp) {
        seen[b] = stamp;
        scratch[n++] = b;
      }
    }
  }
  const chars = boundChars(normalized);
  for (let i = 0; i + 3 <= chars.length; i++) {
    let h = Math.imul(0x811c9dc5 ^ 3, 16777619);
    for (let k = 0; k < 5 && i + k < chars.length; k++) {
      h = Math.imul(h ^ chars.charCodeAt(i + k), 16777619);
      if (k >= 2) {
        const b = (Math.imul(h ^ k, 16777619) >>> 0) & MASK;
        if (seen[b] !== stamp) {
          seen[b] = stamp;
          scratch[n++] = b;
        }
      }
    }
  }
  return scratch.slice(0, n);
}

function boundChars(normalized: string): string {
  const s = ` ${normalized.replace(/[0-9]/g, '0')} `;
  return s.length <= CHAR_HEAD + CHAR_TAIL ? s : `${s.slice(0, CHAR_HEAD)} ${s.slice(s.length - CHAR_TAIL)}`;
}

function dot(w: Float32Array | Float64Array, buckets: Int32Array, bias: number): number {
  if (buckets.length === 0) return bias;
  let z = 0;
  for (let i = 0; i < buckets.length; i++) z += w[buckets[i]!]!;
  return bias + z / Math.sqrt(buckets.length);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** `explainAbove`: explain only when the probability reaches it (the detector explains what it flags). */
export function scoreLexical(
  model: LoadedLexicalModel,
  text: string,
  explain = false,
  topN = 5,
  explainAbove = 0,
  /** The bounded text's normalized form when the caller has it already. */
  normalized?: string,
): LexicalScore {
  const norm = normalized ?? normalizeText(boundText(text)).text;
  // The words are split once, for the buckets and for the explanation.
  const ws = words(norm);
  const wordBuckets = explain ? new Int32Array(ws.length * 2) : undefined;
  const buckets = normalizedBuckets(norm, ws, wordBuckets);
  const probability = sigmoid(dot(model.w, buckets, model.bias));
  const top =
    wordBuckets && probability >= explainAbove
      ? explainLexical(model, norm, ws, wordBuckets, buckets.length, topN)
      : [];
  return { probability, top };
}

/** A weight as the explanation shows it. */
function rounded(w: number): number {
  return Math.round(w * 1000) / 1000;
}

/** Names the words, word pairs and character n-grams that pushed the score up most (by their bucket's weight). */
function explainLexical(
  model: LoadedLexicalModel,
  normalized: string,
  ws: readonly string[],
  /** normalizedBuckets' word and pair buckets. */
  wordBuckets: Int32Array,
  bucketCount: number,
  topN: number,
): { ngram: string; weight: number }[] {
  const norm = 1 / Math.sqrt(Math.max(1, bucketCount));
  const best = new Map<string, number>();
  // Words and pairs that raise the score, as numbers first (weight, word index * 2 + 1 for a pair): most never
  // make the top, so their strings are never built.
  const weights: number[] = [];
  const refs: number[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = model.w[wordBuckets[i * 2]!]! * norm;
    if (w > 0) {
      weights.push(w);
      refs.push(i * 2);
    }
    if (i + 1 < ws.length) {
      const pair = model.w[wordBuckets[i * 2 + 1]!]! * norm;
      if (pair > 0) {
        weights.push(pair);
        refs.push(i * 2 + 1);
      }
    }
  }
  // The topN-th largest weight over distinct buckets: no larger than over distinct n-grams (an n-gram has one
  // bucket), so every n-gram of the top, ties included, weighs at least that much once rounded.
  const topBuckets: number[] = [];
  const topWeights: number[] = [];
  for (let k = 0; k < weights.length; k++) {
    const i = refs[k]! >> 1;
    const bucket = wordBuckets[refs[k]! & 1 ? i * 2 + 1 : i * 2]!;
    if (topBuckets.includes(bucket)) continue;
    if (topWeights.length < topN) {
      topBuckets.push(bucket);
      topWeights.push(weights[k]!);
      continue;
    }
    let min = 0;
    for (let t = 1; t < topWeights.length; t++) if (topWeights[t]! < topWeights[min]!) min = t;
    if (weights[k]! > topWeights[min]!) {
      topBuckets[min] = bucket;
      topWeights[min] = weights[k]!;
    }
  }
  const cutoff = topWeights.length < topN ? -Infinity : rounded(Math.min(...topWeights));
  for (let k = 0; k < weights.length; k++) {
    if (rounded(weights[k]!) < cutoff) continue;
    const i = refs[k]! >> 1;
    const ngram = refs[k]! & 1 ? `${ws[i]} ${ws[i + 1]}` : ws[i]!;
    if (!best.has(ngram)) best.set(ngram, weights[k]!);
  }
  // Character n-grams only when no word explains the score (glued or misspelt words).
  if (best.size === 0) {
    const consider = (ngram: string, bucket: number) => {
      const w = model.w[bucket]! * norm;
      if (w > 0 && !best.has(ngram)) best.set(ngram, w);
    };
    const chars = boundChars(normalized);
    for (let i = 0; i + 5 <= chars.length; i++) {
      let h = Math.imul(0x811c9dc5 ^ 3, 16777619);
      for (let k = 0; k < 5; k++) h = Math.imul(h ^ chars.charCodeAt(i + k), 16777619);
      consider(`"${chars.slice(i, i + 5)}"`, (Math.imul(h ^ 4, 16777619) >>> 0) & MASK);
    }
  }
  return [...best.entries()]
    .map(([ngram, weight]) => ({ ngram, weight: Math.round(weight * 1000) / 1000 }))
    .sort((a, b) => b.weight - a.weight || a.ngram.localeCompare(b.ngram))
    .slice(0, topN);
}

export interface TrainingExample {
  text: string;
  /** 1 = jailbreak or injection, 0 = benign. */
  label: 0 | 1;
}

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** The learning rate in epoch e is learningRate / (1 + decay * e). */
  decay?: number;
  /** Out-of-fold benign scores decide the threshold: the `quantile` of them, at least `minThreshold`. */
  folds?: number;
  quantile?: number;
  /** The quantile of the same scores that is the soft threshold. */
  softQuantile?: number;
  minThreshold?: number;
  /**
   * The document each example belongs to (segments of one text): folds keep a document together, and
   * the threshold is the quantile of each benign document's highest out-of-fold score.
   */
  groups?: readonly number[];
  /**
   * The source of each example (any number): when given, folds are made of whole sources (source modulo
   * `folds`), so the threshold is set by scores of benign text from sources the fold's model never saw,
   * which is what a deployment meets.
   */
  sources?: readonly number[];
}

const DEFAULTS: Required<Omit<TrainingOptions, 'groups' | 'sources'>> = {
  epochs: 20,
  learningRate: 2,
  l2: 1e-4,
  folds: 4,
  quantile: 0.995,
  softQuantile: 0.95,
  minThreshold: 0.1,
  decay: 0,
};

/** A training example already turned into buckets (featurize once, train many times in evaluations). */
export interface FeaturizedExample {
  buckets: Int32Array;
  label: 0 | 1;
}

export function featurize(examples: readonly TrainingExample[]): FeaturizedExample[] {
  return examples.map((e) => ({ buckets: featureBuckets(e.text), label: e.label }));
}

/**
 * Plain stochastic gradient descent in the examples' order, each class weighted to half of the loss
 * (benign text outnumbers attacks several times): the same examples give the same weights.
 */
function fit(
  data: readonly FeaturizedExample[],
  o: Required<Omit<TrainingOptions, 'groups' | 'sources'>>,
): { w: Float64Array; bias: number } {
  const w = new Float64Array(DIM);
  let bias = 0;
  const pos = data.filter((d) => d.label === 1).length;
  const neg = data.length - pos;
  const weightOf = (label: 0 | 1) => data.length / (2 * Math.max(1, label ? pos : neg));
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const lr = o.learningRate / (1 + o.decay * epoch);
    for (const { buckets, label } of data) {
      const n = buckets.length;
      if (n === 0) continue;
      const scale = 1 / Math.sqrt(n);
      const g = (sigmoid(dot(w, buckets, bias)) - label) * weightOf(label);
      // The bias moves on every example: a tenth of the rate keeps it from swinging.
      bias -= 0.1 * lr * g;
      for (let i = 0; i < n; i++) {
        const b = buckets[i]!;
        w[b] = w[b]! - lr * (g * scale + o.l2 * w[b]!);
      }
    }
  }
  return { w, bias };
}

/** Trains and chooses the threshold from out-of-fold benign scores (fold = position modulo `folds`). */
export function trainFeaturized(data: readonly FeaturizedExample[], options: TrainingOptions = {}): LexicalModel {
  const o = { ...DEFAULTS, ...options };
  const groups = options.groups;
  const sources = options.sources;
  const foldOf = (i: number) => (sources ? sources[i]! : groups ? groups[i]! : i) % o.folds;
  const groupMax = new Map<number, number>();
  for (let f = 0; f < o.folds; f++) {
    const train = data.filter((_, i) => foldOf(i) !== f);
    const { w, bias } = fit(train, o);
    data.forEach((d, i) => {
      if (foldOf(i) !== f || d.label !== 0) return;
      const g = groups ? groups[i]! : i;
      groupMax.set(g, Math.max(groupMax.get(g) ?? 0, sigmoid(dot(w, d.buckets, bias))));
    });
  }
  const benignOof = [...groupMax.values()];
  benignOof.sort((a, b) => a - b);
  const at = (quantile: number) =>
    benignOof.length ? benignOof[Math.min(benignOof.length - 1, Math.floor(quantile * benignOof.length))]! : 0;
  const threshold = Math.min(Math.round(Math.max(o.minThreshold, at(o.quantile)) * 1000) / 1000, 0.99);
  // At least half the threshold: the low quantiles sit on the floor, where role-play wording alone reaches.
  const softThreshold = Math.min(Math.round(Math.max(threshold / 2, at(o.softQuantile)) * 1000) / 1000, threshold);
  const { w, bias } = fit(data, o);
  let max = 0;
  for (let i = 0; i < DIM; i++) max = Math.max(max, Math.abs(w[i]!));
  const scale = max > 0 ? max / 32767 : 1;
  const q16 = new Int16Array(DIM);
  for (let i = 0; i < DIM; i++) q16[i] = Math.round(w[i]! / scale);
  return {
    version: 2,
    hashBits: HASH_BITS,
    threshold,
    softThreshold,
    bias: Math.round(bias * 1e6) / 1e6,
    scale,
    weights: Buffer.from(q16.buffer).toString('base64'),
    trainedOn: {
      jailbreak: data.filter((d) => d.label === 1).length,
      benign: data.filter((d) => d.label === 0).length,
      epochs: o.epochs,
      learningRate: o.learningRate,
      l2: o.l2,
      thresholdRule: `${o.quantile * 100}th (soft: ${o.softQuantile * 100}th, at least half the threshold) percentile of ${o.folds}-fold out-of-fold benign ${groups ? 'documents (highest segment)' : 'scores'}${sources ? ' (folds of whole sources)' : ''}, at least ${o.minThreshold}`,
    },
  };
}

export function trainLexicalModel(examples: readonly TrainingExample[], options: TrainingOptions = {}): LexicalModel {
  return trainFeaturized(featurize(examples), options);
}

export function loadLexicalModel(model: LexicalModel): LoadedLexicalModel {
  if (model.version !== 2 || model.hashBits !== HASH_BITS || typeof model.weights !== 'string') {
    throw new Error('not a version 2 lexical model (rerun npm run detector:train)');
  }
  const bytes = Buffer.from(model.weights, 'base64');
  if (bytes.length !== DIM * 2) throw new Error('lexical model: wrong number of weights');
  const q16 = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const w = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) w[i] = q16[i]! * model.scale;
  return { threshold: model.threshold, softThreshold: model.softThreshold ?? model.threshold, bias: model.bias, w };
}

export const LEXICAL_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lexical-model.json');

let loaded: LoadedLexicalModel | null | undefined;

/** The shipped model, or null when lexical-model.json has not been trained yet. */
export function shippedLexicalModel(): LoadedLexicalModel | null {
  if (loaded !== undefined) return loaded;
  let text: string;
  try {
    text = readFileSync(LEXICAL_MODEL_FILE, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    loaded = null;
    return loaded;
  }
  try {
    loaded = loadLexicalModel(JSON.parse(text) as LexicalModel);
  } catch (err) {
    throw new Error(`${LEXICAL_MODEL_FILE}: ${(err as Error).message}`, { cause: err });
  }
  return loaded;
}
