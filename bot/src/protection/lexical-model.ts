import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from './text-normalize.js';

/**
 * A small logistic-regression model over words and word pairs, trained on the "tuning" split of the
 * labelled prompt set (`npm run detector:train` writes lexical-model.json; the holdout split is never
 * used). It complements the phrase patterns: they recognise known attack wordings and explain them
 * precisely, the model generalises a little to rewordings ("put your guidelines on hold") by weighing
 * the words they share. Deterministic (fixed order, fixed epochs, no randomness), offline, and
 * explained by the n-grams that pushed the score up.
 */

export interface LexicalModel {
  version: 1;
  /** Probability at or above which the detector adds the `lexical-model` feature. */
  threshold: number;
  bias: number;
  /** n-gram -> weight; n-grams seen in fewer than `minDocFreq` training prompts are left out. */
  weights: Record<string, number>;
  trainedOn: {
    jailbreak: number;
    benign: number;
    epochs: number;
    learningRate: number;
    l2: number;
    minDocFreq: number;
  };
}

export interface LexicalScore {
  probability: number;
  /** The n-grams that raised the score most, strongest first. */
  top: { ngram: string; weight: number }[];
}

const WORD = /^[a-z][a-z']{0,19}$/;

/** Distinct words and adjacent word pairs of the normalized text ("your", "your_rules"). */
export function lexicalNgrams(text: string): string[] {
  const words = normalizeText(text)
    .text.replace(/[^a-z0-9' ]/g, ' ')
    .split(' ')
    .filter((w) => WORD.test(w));
  const out = new Set(words);
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]}_${words[i + 1]}`);
  return [...out];
}

export function scoreLexical(model: LexicalModel, text: string, topN = 5): LexicalScore {
  let z = model.bias;
  const contributions: { ngram: string; weight: number }[] = [];
  for (const g of lexicalNgrams(text)) {
    const w = model.weights[g];
    if (w === undefined) continue;
    z += w;
    if (w > 0) contributions.push({ ngram: g, weight: w });
  }
  contributions.sort((a, b) => b.weight - a.weight || a.ngram.localeCompare(b.ngram));
  return { probability: 1 / (1 + Math.exp(-z)), top: contributions.slice(0, topN) };
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
  minDocFreq?: number;
  threshold?: number;
}

/** Trains by plain stochastic gradient descent in the examples' order: the same examples give the same model. */
export function trainLexicalModel(examples: readonly TrainingExample[], options: TrainingOptions = {}): LexicalModel {
  const epochs = options.epochs ?? 60;
  const learningRate = options.learningRate ?? 0.1;
  const l2 = options.l2 ?? 0.01;
  const minDocFreq = options.minDocFreq ?? 2;
  const docs = examples.map((e) => ({ grams: lexicalNgrams(e.text), label: e.label }));
  const df = new Map<string, number>();
  for (const d of docs) for (const g of d.grams) df.set(g, (df.get(g) ?? 0) + 1);
  const kept = (g: string) => (df.get(g) ?? 0) >= minDocFreq;
  const data = docs.map((d) => ({ grams: d.grams.filter(kept), label: d.label }));
  const w = new Map<string, number>();
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const { grams, label } of data) {
      let z = bias;
      for (const g of grams) z += w.get(g) ?? 0;
      const err = 1 / (1 + Math.exp(-z)) - label;
      bias -= learningRate * err;
      for (const g of grams) {
        const cur = w.get(g) ?? 0;
        w.set(g, cur - learningRate * (err + l2 * cur));
      }
    }
  }
  const weights: Record<string, number> = {};
  for (const g of [...w.keys()].sort()) {
    const v = Math.round(w.get(g)! * 1000) / 1000;
    if (v !== 0) weights[g] = v;
  }
  return {
    version: 1,
    // Chosen by 5-fold cross-validation on the tuning split: model-alone FPR 0.4%, TPR 82% at 0.75.
    threshold: options.threshold ?? 0.75,
    bias: Math.round(bias * 1000) / 1000,
    weights,
    trainedOn: {
      jailbreak: examples.filter((e) => e.label === 1).length,
      benign: examples.filter((e) => e.label === 0).length,
      epochs,
      learningRate,
      l2,
      minDocFreq,
    },
  };
}

export const LEXICAL_MODEL_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lexical-model.json');

let loaded: LexicalModel | null | undefined;

/** The shipped model, or null when lexical-model.json has not been trained yet. */
export function shippedLexicalModel(): LexicalModel | null {
  if (loaded !== undefined) return loaded;
  let text: string;
  try {
    text = readFileSync(LEXICAL_MODEL_FILE, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    loaded = null;
    return loaded;
  }
  const model = JSON.parse(text) as LexicalModel;
  if (model.version !== 1 || typeof model.bias !== 'number' || typeof model.weights !== 'object') {
    throw new Error(`${LEXICAL_MODEL_FILE}: not a lexical model (rerun npm run detector:train)`);
  }
  loaded = model;
  return loaded;
}
