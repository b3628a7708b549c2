import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clearJailbreakCache, detectJailbreak } from '../src/protection/jailbreak-detector.js';
import type { JailbreakResult } from '../src/protection/jailbreak-detector.js';
import type { CorpusExample } from './detection-corpora.js';
import { corporaDir, loadCorpora, loadProse } from './detection-corpora.js';
import { dataTrainingDocuments, loadInjectionCorpora } from './injection-corpora.js';
import type { InjectionExample, InjectionSplits } from './injection-corpora.js';
import {
  detectInjectionInData,
  shippedDataModel,
  trainDataModel,
} from '../src/protection/detector/injection-in-data.js';
import { loadLexicalModel } from '../src/protection/lexical-model.js';
import type { LoadedLexicalModel } from '../src/protection/lexical-model.js';
import type { Rate } from './detector-evaluation.js';
import { evaluateSources } from './detector-evaluation.js';

/**
 * `npm run detector:report`: the jailbreak detector's quality and speed on the labelled prompt set
 * (tests/fixtures/prompts/jailbreak.json and benign.json). Prints the true-positive rate on the
 * jailbreak prompts, the false-positive rate on the benign ones, per-category figures, every miss
 * and false alarm with the features that fired, and the p50/p99 time per message (cache cleared, so
 * each message is analysed from scratch). Exit code 0; the quality thresholds are enforced by
 * tests/protection/labelled-set.test.ts, not here.
 *
 * Each prompt has a split: "tuning" (the patterns were tuned on it) or "holdout" (written after the
 * last pattern change and never tuned on). The holdout rates are the honest estimate for new wordings.
 * History, as measured when each batch was still held out (before it was folded into "tuning"):
 * batch 1 TPR 40.0% / FPR 2.5%, batch 2 27.5% / 0%, batch 3 26.7% / 5.0% (patterns only); batch 4, the
 * current holdout, 33.3% / 2.5% with patterns only, then 90.0% / 5.0% once the lexical model (trained on
 * the tuning split, threshold chosen by cross-validation on it) was added, then 80.0% / 2.5% after short
 * benign follow-ups joined the tuning split and messages under 8 words stopped being weighed (a probe
 * showed "Send it now." flagged by the model).
 */

export interface LabelledPrompt {
  category: string;
  text: string;
  /**
   * "tuning": written while the patterns were being tuned; "holdout": written afterwards and not used
   * to tune, so its rates are the honest estimate for unseen prompts.
   */
  split: 'tuning' | 'holdout';
}

export interface Scored extends LabelledPrompt {
  result: JailbreakResult;
}

export interface LabelledSetReport {
  jailbreak: { total: number; flagged: number; rate: number; misses: Scored[] };
  benign: { total: number; flagged: number; rate: number; falseAlarms: Scored[] };
  byCategory: { label: 'jailbreak' | 'benign'; category: string; total: number; flagged: number }[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const JAILBREAK_SET = path.join(ROOT, 'tests/fixtures/prompts/jailbreak.json');
export const BENIGN_SET = path.join(ROOT, 'tests/fixtures/prompts/benign.json');

export function loadLabelledSet(file: string): LabelledPrompt[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected an array of {category, text}`);
  return data.map((d: unknown, i) => {
    const p = d as Partial<LabelledPrompt> | null;
    if (!p || typeof p.text !== 'string' || typeof p.category !== 'string' || p.text.length === 0) {
      throw new Error(`${file}: [${i}]: expected {category: string, text: non-empty string, split?}`);
    }
    if (p.split !== undefined && p.split !== 'tuning' && p.split !== 'holdout') {
      throw new Error(`${file}: [${i}].split: expected "tuning" or "holdout"`);
    }
    return { category: p.category, text: p.text, split: p.split ?? 'tuning' };
  });
}

/** Scores both sets with the detector's default threshold. */
export function scoreLabelledSet(jailbreak: LabelledPrompt[], benign: LabelledPrompt[]): LabelledSetReport {
  const score = (ps: LabelledPrompt[]): Scored[] => ps.map((p) => ({ ...p, result: detectJailbreak(p.text) }));
  const j = score(jailbreak);
  const b = score(benign);
  const byCategory = new Map<string, LabelledSetReport['byCategory'][number]>();
  for (const [label, set] of [
    ['jailbreak', j],
    ['benign', b],
  ] as const) {
    for (const s of set) {
      const key = `${label}/${s.category}`;
      const row = byCategory.get(key) ?? { label, category: s.category, total: 0, flagged: 0 };
      row.total++;
      if (s.result.flagged) row.flagged++;
      byCategory.set(key, row);
    }
  }
  const jf = j.filter((s) => s.result.flagged).length;
  const bf = b.filter((s) => s.result.flagged).length;
  return {
    jailbreak: { total: j.length, flagged: jf, rate: jf / j.length, misses: j.filter((s) => !s.result.flagged) },
    benign: { total: b.length, flagged: bf, rate: bf / b.length, falseAlarms: b.filter((s) => s.result.flagged) },
    byCategory: [...byCategory.values()],
  };
}

/**
 * Time per message in microseconds: each message is analysed from scratch `rounds` times and its
 * median kept (the machine is shared, so a single run can be stretched by a collection or another
 * process); the percentiles are over messages.
 */
export function timeDetector(texts: string[], rounds = 7): { p50: number; p99: number; max: number; messages: number } {
  for (const t of texts) detectJailbreak(t); // warm up the JIT
  const perMessage = texts.map((t) => {
    const runs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      clearJailbreakCache();
      const start = performance.now();
      detectJailbreak(t);
      runs.push((performance.now() - start) * 1000);
    }
    return runs.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  });
  perMessage.sort((a, b) => a - b);
  const at = (q: number) => perMessage[Math.min(perMessage.length - 1, Math.floor(q * perMessage.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: perMessage[perMessage.length - 1]!, messages: perMessage.length };
}

function main(argv: readonly string[] = process.argv.slice(2)): void {
  const missesArg = argv.find((a) => a === '--misses' || a.startsWith('--misses='));
  const misses = missesArg ? (missesArg === '--misses=test' ? 'test' : 'train') : null;
  if (missesArg && !['--misses', '--misses=train', '--misses=test'].includes(missesArg)) {
    throw new Error(`${missesArg}: expected --misses, --misses=train or --misses=test`);
  }
  const jailbreak = loadLabelledSet(JAILBREAK_SET);
  const benign = loadLabelledSet(BENIGN_SET);
  const report = scoreLabelledSet(jailbreak, benign);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const clip = (s: string) => (s.length > 100 ? `${s.slice(0, 97)}...` : s).replace(/\s+/g, ' ');
  const why = (s: Scored) =>
    `score ${s.result.score}${s.result.features.length ? ` [${s.result.features.map((f) => `${f.id} ${f.weight}`).join(', ')}]` : ''}`;

  console.log('Jailbreak detector on the labelled set (tests/fixtures/prompts; holdout = never used for tuning)');
  console.log(
    `  true-positive rate : ${pct(report.jailbreak.rate)} (${report.jailbreak.flagged}/${report.jailbreak.total} jailbreak prompts flagged)`,
  );
  console.log(
    `  false-positive rate: ${pct(report.benign.rate)} (${report.benign.flagged}/${report.benign.total} benign prompts flagged)`,
  );
  for (const split of ['tuning', 'holdout'] as const) {
    const r = scoreLabelledSet(
      jailbreak.filter((p) => p.split === split),
      benign.filter((p) => p.split === split),
    );
    console.log(
      `  ${split.padEnd(8)} split: TPR ${pct(r.jailbreak.rate)} (${r.jailbreak.flagged}/${r.jailbreak.total}), FPR ${pct(r.benign.rate)} (${r.benign.flagged}/${r.benign.total})`,
    );
  }
  console.log('\n  by category:');
  for (const c of report.byCategory) {
    console.log(`    ${`${c.label}/${c.category}`.padEnd(36)} ${String(c.flagged).padStart(3)}/${c.total} flagged`);
  }
  if (report.jailbreak.misses.length > 0) {
    console.log('\n  missed jailbreak prompts:');
    for (const s of report.jailbreak.misses)
      console.log(`    - (${s.split}/${s.category}) ${clip(s.text)}  -> ${why(s)}`);
  }
  if (report.benign.falseAlarms.length > 0) {
    console.log('\n  benign prompts flagged:');
    for (const s of report.benign.falseAlarms)
      console.log(`    - (${s.split}/${s.category}) ${clip(s.text)}  -> ${why(s)}`);
  }
  printPublicCorpora(jailbreak, benign);
  printInjection(misses);

  const show = (what: string, t: ReturnType<typeof timeDetector>) =>
    console.log(
      `  ${what} (median of 7 uncached runs each, ${t.messages} messages): p50 ${t.p50.toFixed(1)} µs, p99 ${t.p99.toFixed(1)} µs, max ${t.max.toFixed(1)} µs`,
    );
  console.log('\nTime per message (aim: p99 < 1 ms)');
  show('project set', timeDetector([...jailbreak, ...benign].map((p) => p.text)));
  const corpora = loadCorpora().examples.map((e) => e.text);
  if (corpora.length > 0) {
    show('public corpora, all', timeDetector(corpora));
    show('public corpora, texts up to 1,000 characters', timeDetector(corpora.filter((t) => t.length <= 1_000)));
  }
}

/** The public corpora (read from the mirror, never committed) with the project's own set as one more source. */
function printPublicCorpora(jailbreak: LabelledPrompt[], benign: LabelledPrompt[]): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const dir = corporaDir();
  const { examples, skipped } = loadCorpora(dir);
  console.log(`\nPublic corpora (${dir}; sources and licences: docs/detection-data.md)`);
  for (const line of skipped) console.log(`  ${line}`);
  if (examples.length === 0) {
    console.log('  no public corpus found: nothing more to report');
    return;
  }
  const own: CorpusExample[] = [
    ...jailbreak.map((p) => ({ text: p.text, label: 1 as const, family: p.category, source: 'agent-warden' })),
    ...benign.map((p) => ({ text: p.text, label: 0 as const, family: p.category, source: 'agent-warden' })),
  ];
  const r = evaluateSources([...own, ...examples], loadProse(dir));
  const show = (x: Rate) => `${x.label ? 'TPR' : 'FPR'} ${pct(x.flagged / x.total)} (${x.flagged}/${x.total})`;
  console.log(
    `  overall, shipped model       : TPR ${pct(r.overall.shipped.tpr)}, FPR ${pct(r.overall.shipped.fpr)}` +
      `\n  overall, leave-one-source-out: TPR ${pct(r.overall.leaveOneOut.tpr)}, FPR ${pct(r.overall.leaveOneOut.fpr)}`,
  );
  console.log('\n  per source: shipped model | model trained without the source (leave-one-source-out)');
  for (const s of r.shipped.bySource) {
    const loo = r.leaveOneOut.find((x) => x.key === s.key && x.label === s.label)!;
    console.log(`    ${s.key.padEnd(16)} ${show(s).padEnd(26)} | ${show(loo)}`);
  }
  console.log('\n  per family: shipped model | leave-one-source-out');
  for (const f of r.shipped.byFamily) {
    const loo = r.leaveOneOutByFamily.find((x) => x.key === f.key && x.label === f.label)!;
    console.log(`    ${f.key.padEnd(40)} ${show(f).padEnd(26)} | ${show(loo)}`);
  }
  const publicOnly = (rates: Rate[], label: 0 | 1) => {
    const rs = rates.filter((x) => x.key !== 'agent-warden' && x.label === label);
    const total = rs.reduce((n, x) => n + x.total, 0);
    return { flagged: rs.reduce((n, x) => n + x.flagged, 0), total };
  };
  const tp = publicOnly(r.leaveOneOut, 1);
  const fp = publicOnly(r.leaveOneOut, 0);
  console.log(
    `\n  public corpora only, leave-one-source-out: TPR ${pct(tp.flagged / tp.total)} (${tp.flagged}/${tp.total}), ` +
      `FPR ${pct(fp.flagged / fp.total)} (${fp.flagged}/${fp.total}) (aim: TPR >= 90%, FPR <= 1%, every family >= 75%)`,
  );
}

/**
 * Item 4: the injection-in-data rule on BIPIA's test split, with a data model trained on its train split,
 * and on the train split out of fold. With `--misses` (or `--misses=train`) it lists the train split's
 * missed attacks and false alarms, out of fold: what to work on without looking at the test split.
 * `--misses=test` lists the test split's instead; the figures of a rule tuned on those are not held out.
 */
function printInjection(misses: 'train' | 'test' | null): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const s = loadInjectionCorpora();
  console.log('\nInjection in tool data (injection-in-data rule; BIPIA test split, model trained on its train split)');
  for (const line of s.skipped) console.log(`  ${line}`);
  if (s.test.length === 0 || s.attacks.train.length === 0) {
    console.log('  BIPIA absent: nothing to report');
    return;
  }
  const model = loadLexicalModel(trainDataModel(dataTrainingDocuments(s)));
  const shipped = shippedDataModel();
  const rows = new Map<string, { label: 0 | 1; total: number; retrained: number; shipped: number; patterns: number }>();
  const tally = (key: string, label: 0 | 1, f: { r: boolean; s: boolean; p: boolean }) => {
    const row = rows.get(`${label}|${key}`) ?? { label, total: 0, retrained: 0, shipped: 0, patterns: 0 };
    row.total++;
    if (f.r) row.retrained++;
    if (f.s) row.shipped++;
    if (f.p) row.patterns++;
    rows.set(`${label}|${key}`, row);
  };
  const testErrors: Judged[] = [];
  for (const e of s.test) {
    const result = detectInjectionInData(e.text, { model });
    const f = {
      r: result.flagged,
      s: detectInjectionInData(e.text, { model: shipped }).flagged,
      p: detectInjectionInData(e.text, { model: null }).flagged,
    };
    if (f.r !== (e.label === 1)) testErrors.push({ ...e, result });
    tally(e.label ? 'all attacks' : 'all benign', e.label, f);
    tally(e.source, e.label, f);
  }
  for (const e of s.test) {
    if (!e.label) continue;
    tally(`attack/${e.family}`, 1, {
      r: detectInjectionInData(e.text, { model }).flagged,
      s: detectInjectionInData(e.text, { model: shipped }).flagged,
      p: detectInjectionInData(e.text, { model: null }).flagged,
    });
  }
  console.log('  held-out (test split) | shipped data model | patterns and request lines, no data model');
  for (const [key, row] of rows) {
    const name = key.split('|')[1]!;
    const what = row.label ? 'TPR' : 'FPR';
    const cell = (n: number) => `${what} ${pct(n / row.total)} (${n}/${row.total})`;
    console.log(
      `    ${name.padEnd(44)} ${cell(row.retrained).padEnd(24)} | ${cell(row.shipped).padEnd(24)} | ${cell(row.patterns)}`,
    );
  }
  console.log(
    '  (aim: TPR >= 90% at FPR <= 1%; the shipped model is trained on the train split only, so both columns are held out)',
  );
  const oof = trainOutOfFold(s);
  const tp = oof.filter((j) => j.label === 1);
  const fp = oof.filter((j) => j.label === 0);
  const n = (js: Judged[]) => js.filter((j) => j.result.flagged).length;
  console.log(
    `  train split, ${FOLDS}-fold out of fold (what the rule's gates were chosen on): TPR ${pct(n(tp) / tp.length)} ` +
      `(${n(tp)}/${tp.length}), FPR ${pct(n(fp) / fp.length)} (${n(fp)}/${fp.length})`,
  );
  const validation = s.validation.map((e) => ({ ...e, result: detectInjectionInData(e.text, { model }) }));
  if (validation.length > 0) {
    console.log(
      `  validation, benign answers of other models (never trained on, not the test split): FPR ` +
        `${pct(n(validation) / validation.length)} (${n(validation)}/${validation.length})`,
    );
  }
  if (!misses) return;
  const errors =
    misses === 'train' ? [...oof, ...validation].filter((j) => j.result.flagged !== (j.label === 1)) : testErrors;
  const clip = (t: string) => t.replace(/\s+/g, ' ').slice(0, 160);
  const why = (j: Judged) =>
    `score ${j.result.score}${j.result.features.length ? ` [${j.result.features.map((f) => `${f.id} ${f.weight}: ${clip(f.excerpt)}`).join('; ')}]` : ''}`;
  console.log(`\n  ${misses} split, missed attacks${misses === 'train' ? ' (out of fold)' : ''}:`);
  for (const j of errors.filter((x) => x.label === 1))
    console.log(`    - (${j.source}/${j.family}) ${clip(j.attack ?? j.text)}  -> ${why(j)}`);
  console.log(
    `\n  ${misses} split, benign documents flagged${misses === 'train' ? ' (out of fold, then the validation answers)' : ''}:`,
  );
  for (const j of errors.filter((x) => x.label === 0)) console.log(`    - (${j.source}) ${clip(j.text)}  -> ${why(j)}`);
}

interface Judged extends InjectionExample {
  result: JailbreakResult;
}

const FOLDS = 4;

/**
 * The train split scored out of fold: attack instructions and benign documents are dealt into FOLDS
 * folds (by position), and each document is scored with a data model trained on the other folds. A
 * document that carries an attack is in its attack's fold; its host document may be in training (as a
 * benign document), so the figure is a little optimistic for those.
 */
export function trainOutOfFold(s: InjectionSplits): Judged[] {
  const attackFold = new Map(s.attacks.train.map((a, i) => [a.text, i % FOLDS]));
  const benign = s.train.filter((e) => e.label === 0);
  const benignFold = new Map(benign.map((e, i) => [e.text, i % FOLDS]));
  const foldOf = (e: InjectionExample) => (e.label ? attackFold.get(e.attack ?? '') : benignFold.get(e.text)) ?? 0;
  const out: Judged[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const docs = [
      ...benign.filter((e) => benignFold.get(e.text) !== f),
      ...s.attacks.train.filter((a) => attackFold.get(a.text) !== f),
    ];
    const model: LoadedLexicalModel = loadLexicalModel(trainDataModel(docs));
    for (const e of s.train) if (foldOf(e) === f) out.push({ ...e, result: detectInjectionInData(e.text, { model }) });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
