import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectJailbreak } from '../jailbreak-detector.js';
import type { JailbreakFeature, JailbreakResult } from '../jailbreak-detector.js';
import { loadLexicalModel, scoreLexical, trainFeaturized, featureBuckets } from '../lexical-model.js';
import type { LexicalModel, LoadedLexicalModel } from '../lexical-model.js';

/**
 * Instructions hidden in tool data (e-mails, documents, web pages, code answers returned by earlier
 * tools): the `injection-in-data` rule. The phrase patterns read the whole text (lexical model off: it
 * knows how people talk to an agent, not documents); the data model reads it segment by segment
 * (lines and sentences), because an injected instruction is a sentence or two addressed to the
 * assistant inside ordinary text, and a whole-document score dilutes it. The data model is the same
 * hashed n-gram classifier as the lexical model, trained (`npm run detector:train`) on BIPIA's train
 * split: its attack instructions against the segments of its benign e-mails, code answers and tables
 * and of ordinary answers (bot/scripts/injection-corpora.ts). Bounded: at most MAX_SEGMENTS segments
 * of at most MAX_SEGMENT characters are scored.
 */

const MAX_SEGMENTS = 200;
const MAX_SEGMENT = 400;
const MIN_SEGMENT = 40;
const MIN_WORDS = 4;
const MIN_DOCUMENT_SEGMENTS = 2;

/** Lines and sentences, short ones joined to the next, long ones cut; the bounded text's first MAX_SEGMENTS. */
export function segments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  const flush = () => {
    const t = current.trim();
    if (t && out.length < MAX_SEGMENTS && /(?:\S+\s+){3}\S/.test(t)) out.push(t);
    current = '';
  };
  for (const piece of text.split(/\n+|(?<=[.!?])\s+(?=[A-Z"'(\d])/)) {
    if (out.length >= MAX_SEGMENTS) break;
    current = current ? `${current} ${piece}` : piece;
    if (current.length >= MIN_SEGMENT) {
      while (current.length > MAX_SEGMENT && out.length < MAX_SEGMENTS) {
        const cut = current.lastIndexOf(' ', MAX_SEGMENT);
        const at = cut > MIN_SEGMENT ? cut : MAX_SEGMENT;
        out.push(current.slice(0, at).trim());
        current = current.slice(at);
      }
      flush();
    }
  }
  flush();
  return out.filter((s) => s.split(/\s+/).length >= MIN_WORDS);
}

export interface DataTrainingDocument {
  text: string;
  label: 0 | 1;
}

/**
 * Trains the data model: every segment of a benign document is a negative, every segment of an attack
 * instruction a positive. The threshold is the quantile of benign documents' highest out-of-fold segment
 * score (a document is flagged when any of its segments is), so it is set by whole documents.
 */
export function trainDataModel(documents: readonly DataTrainingDocument[]): LexicalModel {
  const pos: { buckets: Int32Array; label: 0 | 1; group: number }[] = [];
  const neg: typeof pos = [];
  documents.forEach((d, g) => {
    for (const s of segments(d.text))
      (d.label ? pos : neg).push({ buckets: featureBuckets(s), label: d.label, group: g });
  });
  const data: typeof pos = [];
  for (let i = 0; i < Math.max(pos.length, neg.length); i++) {
    if (i < pos.length) data.push(pos[i]!);
    if (i < neg.length) data.push(neg[i]!);
  }
  return trainFeaturized(data, { groups: data.map((d) => d.group), quantile: 0.99 });
}

/** The most suspicious segment and its probability under the data model. */
export function scoreDataSegments(
  model: LoadedLexicalModel,
  text: string,
): { probability: number; segment: string; top: { ngram: string; weight: number }[] } | null {
  let best: { probability: number; segment: string } | null = null;
  const all = segments(text);
  // An injected instruction stands out inside a document; a text of one sentence (a search query, a
  // subject line) is not a document, and questions and requests are what such inputs normally hold.
  if (all.length < MIN_DOCUMENT_SEGMENTS) return null;
  for (const segment of all) {
    const { probability } = scoreLexical(model, segment);
    if (!best || probability > best.probability) best = { probability, segment };
  }
  if (!best) return null;
  return { ...best, top: scoreLexical(model, best.segment, true, 4).top };
}

export interface InjectionOptions {
  threshold?: number;
  /** The data model to use instead of the shipped one (evaluation). */
  model?: LoadedLexicalModel | null;
}

/** Scores one text from tool data: the patterns and, when it is present, the data model. */
export function detectInjectionInData(text: string, options: InjectionOptions = {}): JailbreakResult {
  const threshold = options.threshold ?? 0.5;
  const base = detectJailbreak(text, { threshold, lexical: false });
  const model = options.model === undefined ? shippedDataModel() : options.model;
  if (!model) return base;
  const found = scoreDataSegments(
    model,
    text.length > 16_000 ? `${text.slice(0, 12_000)}\n${text.slice(-4_000)}` : text,
  );
  if (!found || found.probability < model.threshold) return base;
  const weight =
    Math.round(Math.min(0.9, 0.5 + ((found.probability - model.threshold) * 0.4) / (1 - model.threshold)) * 1000) /
    1000;
  const feature: JailbreakFeature = {
    id: 'injection-in-data.model',
    weight,
    excerpt: `p=${found.probability.toFixed(2)} (${found.top.map((t) => t.ngram).join(', ')}): ${found.segment}`.slice(
      0,
      120,
    ),
  };
  const features = [...base.features, feature].sort((a, b) => b.weight - a.weight);
  const score = Math.round((1 - (1 - base.score) * (1 - weight)) * 1000) / 1000;
  return { score, flagged: score >= threshold, features };
}

export const DATA_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data-model.json');

let loaded: LoadedLexicalModel | null | undefined;

/** The shipped data model, or null when data-model.json has not been trained (BIPIA absent at training). */
export function shippedDataModel(): LoadedLexicalModel | null {
  if (loaded !== undefined) return loaded;
  let text: string;
  try {
    text = readFileSync(DATA_MODEL_FILE, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    loaded = null;
    return loaded;
  }
  loaded = loadLexicalModel(JSON.parse(text) as LexicalModel);
  return loaded;
}
