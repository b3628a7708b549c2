import { describe, expect, it } from 'vitest';
import { BENIGN_SET, JAILBREAK_SET, loadLabelledSet, scoreLabelledSet } from '../../bot/scripts/detector-report.js';

// Quality of the jailbreak detector on the hand-written labelled set (tests/fixtures/prompts). Timing is
// reported by `npm run detector:report`, never asserted here.
//
// The set has two splits. "tuning": prompts the patterns were written and tuned against (earlier held-out
// batches were folded in after they had been measured). "holdout": the latest batch, written after the
// last change to the patterns and never used to tune them. The quality bar (TPR >= 0.9, FPR <= 0.05) is
// held on the tuning split as a regression guard. On the holdout only the false-positive bound is
// asserted: phrase patterns alone generalised poorly to reworded attacks (each fresh batch scored 27-40%
// TPR before tuning); with the lexical model the current holdout scores 80% (see `npm run detector:report`),
// a figure measured on 30 prompts and reported rather than held as a bar.

const jailbreak = loadLabelledSet(JAILBREAK_SET);
const benign = loadLabelledSet(BENIGN_SET);
const split = (s: 'tuning' | 'holdout') =>
  scoreLabelledSet(
    jailbreak.filter((p) => p.split === s),
    benign.filter((p) => p.split === s),
  );
const explain = (xs: { text: string; result: { features: { id: string }[] } }[]) =>
  xs.map((m) => `${m.text} -> ${m.result.features.map((f) => f.id).join(', ') || '(nothing)'}`).join('\n');

describe('the labelled prompt set', () => {
  it('has at least 120 prompts on each side, all distinct, and both splits', () => {
    expect(jailbreak.length).toBeGreaterThanOrEqual(120);
    expect(benign.length).toBeGreaterThanOrEqual(120);
    const texts = [...jailbreak, ...benign].map((p) => p.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(jailbreak.filter((p) => p.split === 'holdout').length).toBeGreaterThanOrEqual(20);
    expect(benign.filter((p) => p.split === 'holdout').length).toBeGreaterThanOrEqual(20);
  });

  it('covers every technique the detector claims', () => {
    const categories = new Set(jailbreak.map((p) => p.category));
    for (const c of [
      'instruction-override',
      'persona',
      'system-mode',
      'prompt-leak',
      'injection',
      'adversarial-suffix',
      'obfuscation-base64',
      'obfuscation-rot13',
      'obfuscation-reversed',
      'obfuscation-spacing',
      'obfuscation-zero-width',
      'obfuscation-homoglyph',
    ]) {
      expect(categories).toContain(c);
    }
  });
});

describe('detector quality on the labelled set', () => {
  const tuning = split('tuning');
  const holdout = split('holdout');

  it('tuning split: flags at least 90% of the jailbreak prompts', () => {
    expect(tuning.jailbreak.rate, `missed:\n${explain(tuning.jailbreak.misses)}`).toBeGreaterThanOrEqual(0.9);
  });

  it('tuning split: flags at most 5% of the benign prompts', () => {
    expect(tuning.benign.rate, `flagged:\n${explain(tuning.benign.falseAlarms)}`).toBeLessThanOrEqual(0.05);
  });

  it('holdout split: flags at most 5% of the benign prompts', () => {
    expect(holdout.benign.rate, `flagged:\n${explain(holdout.benign.falseAlarms)}`).toBeLessThanOrEqual(0.05);
  });
});
