import { loadCharLm, trainCharLm } from '../src/protection/detector/char-lm.js';
import type { LoadedCharLm } from '../src/protection/detector/char-lm.js';
import { detectJailbreak } from '../src/protection/jailbreak-detector.js';
import { featureBuckets, loadLexicalModel, trainFeaturized } from '../src/protection/lexical-model.js';
import type { FeaturizedExample, LoadedLexicalModel, TrainingExample } from '../src/protection/lexical-model.js';
import type { CorpusExample } from './detection-corpora.js';

/**
 * The detector measured per source and per family, and leave-one-source-out: for each source, the
 * n-gram classifier and the character model are trained on every other source (the patterns are
 * fixed) and the source is scored with those models. A source's wording then never reached the model, which is the honest figure for
 * text written elsewhere.
 */

export interface Rate {
  /** "gptfuzz", "jailbreak/template", ... */
  key: string;
  label: 0 | 1;
  total: number;
  flagged: number;
}

export interface SourceEvaluation {
  /** With the shipped model, per source and per label/family. */
  shipped: { bySource: Rate[]; byFamily: Rate[] };
  /** Each source scored by a model trained without it. */
  leaveOneOut: Rate[];
  /** The same leave-one-source-out scores, per label/family. */
  leaveOneOutByFamily: Rate[];
  overall: { shipped: { tpr: number; fpr: number }; leaveOneOut: { tpr: number; fpr: number } };
}

type Scorer = (text: string) => boolean;

/** `prose`: ordinary text the character model counts in every fold (never scored; PROSE_SOURCE). */
export function evaluateSources(examples: readonly CorpusExample[], prose: readonly string[] = []): SourceEvaluation {
  const shippedScorer: Scorer = (t) => detectJailbreak(t).flagged;
  const flaggedShipped = examples.map((e) => shippedScorer(e.text));
  const sources = [...new Set(examples.map((e) => e.source))];
  const flaggedLoo = new Array<boolean>(examples.length).fill(false);
  // Featurized once, in the training order (interleaved), then trained on subsets.
  const order = interleaveIndices(examples);
  const featurized: FeaturizedExample[] = order.map((i) => ({
    buckets: featureBuckets(examples[i]!.text),
    label: examples[i]!.label,
  }));
  for (const source of sources) {
    const keep = order.map((i) => examples[i]!.source !== source);
    const model = loadLexicalModel(
      trainFeaturized(
        featurized.filter((_, k) => keep[k]),
        { sources: sourceIndices(order.filter((_, k) => keep[k]).map((i) => examples[i]!)) },
      ),
    );
    const charLm = loadCharLm(
      trainCharLm(
        order.filter((i, k) => keep[k] && examples[i]!.label === 0).map((i) => examples[i]!.text),
        {},
        prose,
      ),
    );
    examples.forEach((e, i) => {
      if (e.source === source) flaggedLoo[i] = scoreWith(model, charLm, e.text);
    });
  }
  const rates = (keyOf: (e: CorpusExample) => string, flagged: boolean[]) => {
    const m = new Map<string, Rate>();
    examples.forEach((e, i) => {
      const key = keyOf(e);
      // A source may hold both labels (the project's own set): one rate for each.
      const id = `${e.label}|${key}`;
      const r = m.get(id) ?? { key, label: e.label, total: 0, flagged: 0 };
      r.total++;
      if (flagged[i]) r.flagged++;
      m.set(id, r);
    });
    return [...m.values()];
  };
  const overall = (flagged: boolean[]) => {
    const pos = examples.map((e, i) => [e, flagged[i]] as const);
    const rate = (label: 0 | 1) => {
      const set = pos.filter(([e]) => e.label === label);
      return set.length === 0 ? 0 : set.filter(([, f]) => f).length / set.length;
    };
    return { tpr: rate(1), fpr: rate(0) };
  };
  return {
    shipped: {
      bySource: rates((e) => e.source, flaggedShipped),
      byFamily: rates((e) => `${e.label ? 'jailbreak' : 'benign'}/${e.family}`, flaggedShipped),
    },
    leaveOneOut: rates((e) => e.source, flaggedLoo),
    leaveOneOutByFamily: rates((e) => `${e.label ? 'jailbreak' : 'benign'}/${e.family}`, flaggedLoo),
    overall: { shipped: overall(flaggedShipped), leaveOneOut: overall(flaggedLoo) },
  };
}

function scoreWith(model: LoadedLexicalModel, charLm: LoadedCharLm, text: string): boolean {
  return detectJailbreak(text, { model, charLm }).flagged;
}

/** Each example's source as a number, in order of first appearance: the folds of the threshold. */
export function sourceIndices(examples: readonly { source: string }[]): number[] {
  const ids = new Map<string, number>();
  return examples.map((e) => {
    let id = ids.get(e.source);
    if (id === undefined) ids.set(e.source, (id = ids.size));
    return id;
  });
}

/** The indices of `interleave`'s order. */
export function interleaveIndices(examples: readonly { label: 0 | 1 }[]): number[] {
  const pos: number[] = [];
  const neg: number[] = [];
  examples.forEach((e, i) => (e.label === 1 ? pos : neg).push(i));
  const out: number[] = [];
  for (let i = 0; i < Math.max(pos.length, neg.length); i++) {
    if (i < pos.length) out.push(pos[i]!);
    if (i < neg.length) out.push(neg[i]!);
  }
  return out;
}

/** Jailbreak and benign examples alternating, each in its given order: deterministic training input. */
export function interleave(examples: readonly { text: string; label: 0 | 1 }[]): TrainingExample[] {
  const pos = examples.filter((e) => e.label === 1);
  const neg = examples.filter((e) => e.label === 0);
  const out: TrainingExample[] = [];
  for (let i = 0; i < Math.max(pos.length, neg.length); i++) {
    if (i < pos.length) out.push({ text: pos[i]!.text, label: 1 });
    if (i < neg.length) out.push({ text: neg[i]!.text, label: 0 });
  }
  return out;
}
