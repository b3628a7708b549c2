import { findAdversarialSuffix, unmatchedOpeners } from './adversarial-suffix.js';
import { mostImprobableWindow, shippedCharLm } from './detector/char-lm.js';
import type { LoadedCharLm } from './detector/char-lm.js';
import { harmfulRequest } from './detector/intent.js';
import { MAX_TEXT_CHARS, boundText, scoreLexical, shippedLexicalModel } from './lexical-model.js';
import type { LoadedLexicalModel } from './lexical-model.js';
import {
  JAILBREAK_PATTERNS,
  JOINED_KEYWORDS,
  REVERSED_MARKERS,
  ROT13_MARKERS,
  type JailbreakPattern,
} from './jailbreak-patterns.js';
import { scannedTable } from './pattern-scanner.js';
import { normalizeText, rot13 } from './text-normalize.js';
import type { ChatTurn, ToolExecutionRequest } from './webhook-schema.js';

/**
 * Jailbreak and prompt-injection detector: deterministic, offline, explained.
 *
 * The text is normalized (text-normalize.ts), matched against a fixed pattern table
 * (jailbreak-patterns.ts), encoded blobs that decode to readable text are decoded and matched too,
 * and a window of adversarial token soup is looked for. Each finding is a feature with a weight;
 * the score is their noisy-OR, 1 - prod(1 - w), so independent weak signals add up and no single
 * weak one flags. Work is bounded: at most `maxChars` characters are read (head and tail of longer
 * text), at most a few blobs are decoded, and decoding does not recurse.
 */

export interface JailbreakFeature {
  /** "override.ignore-previous", "obfuscation.base64", "adversarial-suffix", ... */
  id: string;
  weight: number;
  /** The normalized text that matched, at most 120 characters. */
  excerpt: string;
}

export interface JailbreakResult {
  score: number;
  flagged: boolean;
  /** Strongest first. */
  features: JailbreakFeature[];
}

export interface JailbreakDetectorOptions {
  /** Score at or above which a text is flagged. */
  threshold?: number;
  /** Longer text is read as its first 3/4 and last 1/4 of this many characters. */
  maxChars?: number;
  /**
   * Also weigh the words with the lexical model (lexical-model.ts). It was trained on messages people
   * type to an agent, so it is on for user messages and off for tool data (e-mails, documents), whose
   * ordinary wording ("your password", "only") it was not trained on.
   */
  lexical?: boolean;
  /** The lexical model to weigh with instead of the shipped one (leave-one-source-out evaluation); bypasses the cache. */
  model?: LoadedLexicalModel;
  /** The character model to weigh with instead of the shipped one (leave-one-source-out evaluation). */
  charLm?: LoadedCharLm;
}

export const DEFAULT_JAILBREAK_THRESHOLD = 0.5;
/** The same bound as the lexical model's, so that the model reads at scoring what it read in training. */
export const DEFAULT_MAX_CHARS = MAX_TEXT_CHARS;

/** Prose (not code) leaving this many brackets open is token soup: no benign text of the corpora did. */
const MIN_UNMATCHED_OPENERS = 3;
const MAX_BLOBS = 4;
const MAX_BLOB_CHARS = 4_096;
const MIN_DECODED_SCORE = 0.3;
const BASE64_BLOB = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const HEX_BLOB = /(?:\\x[0-9a-f]{2}){8,}|(?:%[0-9a-f]{2}){8,}|\b(?:[0-9a-f]{2}[ :]?){10,}\b/gi;
const HEX_PAIR = /[0-9a-f]{2}/gi;
const PRINTABLE = /[\x20-\x7e\t\r\n]/g;

type FeatureMap = Map<string, JailbreakFeature>;

/** Scores one message. */
export function detectJailbreak(text: string, options: JailbreakDetectorOptions = {}): JailbreakResult {
  const threshold = options.threshold ?? DEFAULT_JAILBREAK_THRESHOLD;
  const { score, features } = cachedAnalysis(
    text,
    options.maxChars ?? DEFAULT_MAX_CHARS,
    options.lexical ?? true,
    options.model,
    options.charLm,
  );
  return { score, flagged: score >= threshold, features };
}

// Chat histories repeat across the tool calls of one conversation: remember recent analyses.
const CACHE_LIMIT = 512;
const CACHE_MAX_TEXT = 16_384;
const cache = new Map<string, { score: number; features: JailbreakFeature[] }>();

function cachedAnalysis(
  text: string,
  maxChars: number,
  lexical: boolean,
  model: LoadedLexicalModel | undefined,
  charLm: LoadedCharLm | undefined,
): { score: number; features: JailbreakFeature[] } {
  const cacheable =
    text.length <= CACHE_MAX_TEXT && maxChars === DEFAULT_MAX_CHARS && model === undefined && charLm === undefined;
  const key = `${lexical ? 'L' : 'P'}${text}`;
  if (cacheable) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const map: FeatureMap = new Map();
  const bounded = boundText(text, maxChars);
  const normalized = analyze(bounded, map, true);
  if (lexical) {
    addLexical(bounded, normalized, map, model ?? shippedLexicalModel());
    addCharLmAndIntent(bounded, normalized, map, charLm ?? shippedCharLm());
  }
  const features = [...map.values()].sort((a, b) => b.weight - a.weight);
  const result = { score: noisyOr(features), features };
  if (cacheable) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
  }
  return result;
}

/**
 * The lexical model's vote: at or above its threshold it becomes a feature whose weight grows from 0.5
 * (flags alone) to 0.9 with the probability. Between its soft threshold (a lower quantile of the same
 * out-of-fold benign scores) and the threshold it is a weak feature, 0.3, that flags only with another:
 * a role-play template the model half recognises and a "stay in character" pattern are two weak signals
 * that agree.
 */
function addLexical(text: string, normalized: string, out: FeatureMap, model: LoadedLexicalModel | null): void {
  if (!model) return;
  // Short follow-ups ("Send it now.") carry too few words to weigh; the patterns still read them.
  if (countWords(text) < MIN_LEXICAL_WORDS) return;
  const { probability, top } = scoreLexical(model, text, true, 5, model.softThreshold, normalized);
  if (probability < model.softThreshold) return;
  const ngrams = `p=${probability.toFixed(2)}: ${top.map((t) => t.ngram).join(', ')}`;
  if (probability < model.threshold) {
    add(out, 'lexical-model.weak', WEAK_LEXICAL_WEIGHT, ngrams);
    return;
  }
  const weight = Math.min(0.9, 0.5 + ((probability - model.threshold) * 0.4) / (1 - model.threshold));
  add(out, 'lexical-model', Math.round(weight * 1000) / 1000, ngrams);
}

const WEAK_LEXICAL_WEIGHT = 0.3;
const CHAR_LM_WEIGHT = 0.35;

/**
 * The character model's vote: a window of the text more improbable than ordinary text gets (token soup,
 * an adversarial suffix) is a weak feature that flags only with another. Alone it flagged technical text
 * (part numbers, shell errors, Rubik's cube moves, text in capitals) from sources it was not trained on
 * far more often than attacks: at its threshold, the 99.5th percentile of ordinary text's worst window,
 * it flagged 6 % of the Arena-Hard prompts when they were left out of training.
 *
 * Then the intent structure (detector/intent.ts): a request for something harmful wrapped in two or more
 * kinds of persuasion flags; with one kind it is a weak feature that needs another; followed by a window
 * above the character model's soft threshold (98th percentile of ordinary text) it is a suffixed request.
 */
function addCharLmAndIntent(text: string, normalized: string, out: FeatureMap, model: LoadedCharLm | null): void {
  const w = model ? mostImprobableWindow(model, text) : null;
  if (model && w && w.entropy >= model.threshold) {
    add(out, 'adversarial-suffix.char-lm', CHAR_LM_WEIGHT, `${w.entropy.toFixed(2)} nats/char: ${w.excerpt}`);
  }
  const intent = harmfulRequest(normalized);
  if (!intent) return;
  if (intent.persuasion.length >= 2) {
    add(out, 'intent.persuaded-harmful-request', 0.55, `${intent.harm} + ${intent.persuasion.join(', ')}`);
  } else if (intent.persuasion.length === 1) {
    add(out, 'intent.persuaded-harmful-request', 0.3, `${intent.harm} + ${intent.persuasion[0]}`);
  }
  if (model && w && w.entropy >= model.softThreshold) {
    add(
      out,
      'adversarial-suffix.harmful-request',
      0.6,
      `${intent.harm} + ${w.entropy.toFixed(2)} nats/char: ${w.excerpt}`,
    );
  }
}

const MIN_LEXICAL_WORDS = 8;
const WORDS = /[\p{L}\p{N}'-]+/gu;

function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(WORDS)) if (++n >= MIN_LEXICAL_WORDS) break;
  return n;
}

/** Returns the normalized text, which the models read too. */
function analyze(raw: string, out: FeatureMap, decodeBlobs: boolean): string {
  const n = normalizeText(raw);
  matchPatterns(n.text, out);

  if (n.collapsed !== null) {
    const found = matchPatterns(n.collapsed, out);
    const joined = n.spacedRuns.join('');
    const keyword = JOINED_KEYWORDS.exec(joined);
    if (keyword) add(out, 'obfuscation.spaced-keywords', 0.75, keyword[0]);
    else if (found > 0) add(out, 'obfuscation.spaced-letters', 0.25, n.spacedRuns.join(' '));
  }
  if (n.leet !== null && matchPatterns(n.leet, out) > 0) add(out, 'obfuscation.leetspeak', 0.2, '');
  if (n.zeroWidthCount >= 2)
    add(out, 'obfuscation.zero-width', 0.2, `${n.zeroWidthCount} invisible characters inside words`);
  if (n.mixedScriptWords >= 1) add(out, 'obfuscation.homoglyphs', 0.25, `${n.mixedScriptWords} words mix alphabets`);
  if (n.compatibilityChars >= 6) add(out, 'obfuscation.compatibility-letters', 0.1, `${n.compatibilityChars} letters`);
  if (n.hiddenTagText.length >= 8) {
    add(out, 'obfuscation.unicode-tags', 0.5, n.hiddenTagText);
    analyze(n.hiddenTagText, out, false);
  }

  const suffix = findAdversarialSuffix(raw);
  if (suffix) add(out, 'adversarial-suffix', suffix.weight, suffix.excerpt);
  const open = unmatchedOpeners(raw);
  if (open && open.count >= MIN_UNMATCHED_OPENERS) {
    add(out, 'adversarial-suffix.unmatched-brackets', 0.5, `${open.count} left open: ${open.excerpt}`);
  }

  if (!decodeBlobs) return n.text;
  for (const decoded of decodedBlobs(raw)) decodeAndMatch(decoded.text, decoded.kind, out);
  if (countDistinct(n.text, ROT13_MARKERS) >= 2) decodeAndMatch(rot13(n.text), 'rot13', out);
  if (countDistinct(n.text, REVERSED_MARKERS) >= 2) decodeAndMatch([...n.text].reverse().join(''), 'reversed', out);
  return n.text;
}

/** The pattern table, tried only where a pattern's literal prefixes occur (one pass over the text). */
const PATTERN_TABLE = scannedTable(JAILBREAK_PATTERNS.map((p) => p.re));

/** Matches the pattern table; returns how many features were new or stronger. */
function matchPatterns(text: string, out: FeatureMap): number {
  let found = 0;
  const starts = PATTERN_TABLE.starts(text);
  for (let i = 0; i < JAILBREAK_PATTERNS.length; i++) {
    const pattern = JAILBREAK_PATTERNS[i] as JailbreakPattern;
    // Already found at this weight (an earlier pass over the same text's other form): add() would keep the old one.
    if ((out.get(pattern.id)?.weight ?? -1) >= pattern.weight) continue;
    const m = PATTERN_TABLE.exec(i, text, starts);
    if (m && add(out, pattern.id, pattern.weight, m[0])) found++;
  }
  return found;
}

/** Scores decoded text on its own; when it reads as an attack, its features and the encoding join the result. */
function decodeAndMatch(decoded: string, kind: string, out: FeatureMap): void {
  const inner: FeatureMap = new Map();
  analyze(decoded, inner, false);
  const innerScore = noisyOr([...inner.values()]);
  if (innerScore < MIN_DECODED_SCORE) return;
  for (const f of inner.values()) add(out, f.id, f.weight, f.excerpt);
  add(out, `obfuscation.${kind}`, 0.6, decoded);
}

/** Whether the text has a run of 20 characters of BASE64_BLOB's class, as every match of it has. */
function hasBase64Run(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const inClass =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 47 ||
      c === 95 ||
      c === 45;
    run = inClass ? run + 1 : 0;
    if (run >= 20) return true;
  }
  return false;
}

function* decodedBlobs(raw: string): Generator<{ kind: 'base64' | 'hex'; text: string }> {
  let seen = 0;
  // Prose has no run of 20 base64 characters: one pass over the characters says so before the regex does.
  for (const m of hasBase64Run(raw) ? raw.matchAll(BASE64_BLOB) : []) {
    if (seen >= MAX_BLOBS) return;
    const blob = m[0];
    if (!/[0-9+/=]/.test(blob) && !/[a-z][A-Z]|[A-Z]{2}[a-z]/.test(blob)) continue; // a long plain word
    seen++;
    const text = readable(Buffer.from(blob.slice(0, MAX_BLOB_CHARS).replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (text) yield { kind: 'base64', text };
  }
  for (const m of raw.matchAll(HEX_BLOB)) {
    if (seen >= MAX_BLOBS) return;
    seen++;
    const pairs = m[0].slice(0, MAX_BLOB_CHARS).replace(/\\x|%/gi, '').match(HEX_PAIR) ?? [];
    const text = readable(Buffer.from(pairs.map((h) => parseInt(h, 16))));
    if (text) yield { kind: 'hex', text };
  }
}

/** The bytes as text when they are mostly printable ASCII words; null for binary, hashes and keys. */
function readable(bytes: Buffer): string | null {
  if (bytes.length < 12) return null;
  const text = bytes.toString('latin1');
  const printable = text.match(PRINTABLE)?.length ?? 0;
  if (printable / text.length < 0.9 || !text.includes(' ')) return null;
  return text;
}

function countDistinct(text: string, markers: RegExp): number {
  const found = text.match(markers);
  return found ? new Set(found).size : 0;
}

function add(out: FeatureMap, id: string, weight: number, excerpt: string): boolean {
  const existing = out.get(id);
  if (existing && existing.weight >= weight) return false;
  out.set(id, { id, weight, excerpt: excerpt.trim().slice(0, 120) });
  return true;
}

function noisyOr(features: Iterable<JailbreakFeature>): number {
  let keep = 1;
  for (const f of features) keep *= 1 - f.weight;
  return Math.round((1 - keep) * 1000) / 1000;
}

// ---- a whole request -----------------------------------------------------------------------------

export interface ScoredTurn {
  id: string | null;
  timestamp: string | null;
  result: JailbreakResult;
}

export interface RequestJailbreakResult {
  /** The highest score among the user message and the user turns read. */
  score: number;
  flagged: boolean;
  /** The current user message alone: what the persistent-jailbreak window counts. Null when there is none. */
  message: JailbreakResult | null;
  /** Flagged user turns of the chat history, oldest first. */
  flaggedTurns: ScoredTurn[];
  turnsScored: number;
}

export interface RequestJailbreakOptions extends JailbreakDetectorOptions {
  /** How many of the most recent user turns of the chat history to read. */
  maxTurns?: number;
}

export const DEFAULT_MAX_TURNS = 20;
const USER_ROLES = new Set(['user', 'human', 'enduser', 'customer']);

/** Scores the user's message and the user turns of the chat history (the assistant's own turns are not read). */
export function scoreRequestJailbreak(
  request: Pick<ToolExecutionRequest, 'userMessage' | 'chatHistory'>,
  options: RequestJailbreakOptions = {},
): RequestJailbreakResult {
  const threshold = options.threshold ?? DEFAULT_JAILBREAK_THRESHOLD;
  const message = request.userMessage ? detectJailbreak(request.userMessage, options) : null;
  let score = message?.score ?? 0;
  const flaggedTurns: ScoredTurn[] = [];
  const turns = recentUserTurns(request.chatHistory, options.maxTurns ?? DEFAULT_MAX_TURNS, request.userMessage);
  for (const turn of turns) {
    const result = detectJailbreak(turn.content, options);
    if (result.score > score) score = result.score;
    if (result.flagged) flaggedTurns.push({ id: turn.id, timestamp: turn.timestamp, result });
  }
  return { score, flagged: score >= threshold, message, flaggedTurns, turnsScored: turns.length };
}

function recentUserTurns(history: ChatTurn[], max: number, userMessage: string | null): ChatTurn[] {
  const picked: ChatTurn[] = [];
  for (let i = history.length - 1; i >= 0 && picked.length < max; i--) {
    const turn = history[i];
    if (!turn || !turn.role || !USER_ROLES.has(turn.role) || !turn.content) continue;
    if (turn.content === userMessage) continue;
    picked.push(turn);
  }
  return picked.reverse();
}

/** Exposed for tests: forget cached analyses. */
export function clearJailbreakCache(): void {
  cache.clear();
}
