import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { pathToFileURL } from 'node:url';
import { CHAR_LM_FILE, trainCharLm } from '../src/protection/detector/char-lm.js';
import { DATA_MODEL_FILE, trainDataModel } from '../src/protection/detector/injection-in-data.js';
import type { CharLmModel } from '../src/protection/detector/char-lm.js';
import { LEXICAL_MODEL_FILE, trainLexicalModel } from '../src/protection/lexical-model.js';
import type { LexicalModel, TrainingExample } from '../src/protection/lexical-model.js';
import type { CorpusExample } from './detection-corpora.js';
import { loadCorpora, loadProse } from './detection-corpora.js';
import { dataTrainingDocuments, loadInjectionCorpora } from './injection-corpora.js';
import { interleave, interleaveIndices, sourceIndices } from './detector-evaluation.js';
import { BENIGN_SET, JAILBREAK_SET, loadLabelledSet } from './detector-report.js';

/**
 * `npm run detector:train`: trains the jailbreak detector's two models and writes them beside it:
 * the n-gram classifier (bot/src/protection/lexical-model.json) on the "tuning" split of the project's
 * labelled set and on every public corpus present (bot/scripts/detection-corpora.ts; read at run time,
 * never committed), and the character model (bot/src/protection/detector/char-lm.json) on the benign
 * texts of the same (plus ordinary prose, PROSE_SOURCE), and the data model of the injection-in-data
 * rule (bot/src/protection/detector/data-model.json) on BIPIA's train split. The project's holdout
 * split and BIPIA's test split are left out. Which sources were present is written
 * into the model, and tests/protection/detector-lexical.test.ts retrains and compares when they are.
 */

/** The project's tuning split as corpus examples (source "agent-warden"). */
export function ownTuningExamples(): CorpusExample[] {
  const tuning = (file: string, label: 0 | 1) =>
    loadLabelledSet(file)
      .filter((p) => p.split === 'tuning')
      .map((p) => ({ text: p.text, label, family: p.category, source: 'agent-warden' }));
  return [...tuning(JAILBREAK_SET, 1), ...tuning(BENIGN_SET, 0)];
}

export interface TrainingSet {
  examples: CorpusExample[];
  sources: string[];
  skipped: string[];
}

export function trainingSet(dir?: string): TrainingSet {
  const corpora = loadCorpora(dir);
  const examples = [...ownTuningExamples(), ...corpora.examples];
  return { examples, sources: [...new Set(examples.map((e) => e.source))], skipped: corpora.skipped };
}

/** Jailbreak and benign examples alternating, in source order: deterministic training input. */
export function trainingExamples(set: TrainingSet = trainingSet()): TrainingExample[] {
  return interleave(set.examples);
}

export interface ShippedModels {
  lexical: LexicalModel & { sources: string[] };
  charLm: CharLmModel & { sources: string[] };
  /** Null when BIPIA is absent: the data model is then left as it is. */
  data: (LexicalModel & { sources: string[] }) | null;
}

export function trainShippedModels(set: TrainingSet = trainingSet(), dir?: string): ShippedModels {
  const lexical = trainLexicalModel(trainingExamples(set), {
    sources: sourceIndices(interleaveIndices(set.examples).map((i) => set.examples[i]!)),
  });
  const prose = loadProse(dir);
  const charLm = trainCharLm(
    set.examples.filter((e) => e.label === 0).map((e) => e.text),
    {},
    prose,
  );
  const injection = loadInjectionCorpora(dir);
  const docs = dataTrainingDocuments(injection);
  const data = injection.attacks.train.length > 0 ? trainDataModel(docs) : null;
  const charSources = prose.length ? [...set.sources, 'alpaca-eval answers (prose)'] : set.sources;
  return {
    lexical: { ...lexical, sources: set.sources },
    charLm: { ...charLm, sources: charSources },
    data: data && { ...data, sources: [...new Set(docs.map((d) => ('source' in d ? String(d.source) : '')))] },
  };
}

/** Written as the repository's formatter would, so that `npm run lint` passes on a freshly trained model. */
async function writeJson(file: string, value: unknown): Promise<void> {
  const config = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(JSON.stringify(value), { ...config, filepath: file }));
}

async function main(): Promise<void> {
  const set = trainingSet();
  for (const line of set.skipped) console.log(line);
  const { lexical, charLm, data } = trainShippedModels(set);
  await writeJson(LEXICAL_MODEL_FILE, lexical);
  await writeJson(CHAR_LM_FILE, charLm);
  console.log(
    `n-gram classifier: ${lexical.trainedOn.jailbreak} jailbreak and ${lexical.trainedOn.benign} benign texts from ` +
      `${set.sources.join(', ')}; threshold ${lexical.threshold} -> ${LEXICAL_MODEL_FILE}`,
  );
  console.log(
    `character model: ${charLm.trainedOn.texts} benign texts, threshold ${charLm.threshold} nats/char -> ${CHAR_LM_FILE}`,
  );
  if (data) {
    await writeJson(DATA_MODEL_FILE, data);
    console.log(
      `data model (injection-in-data): ${data.trainedOn.jailbreak} attack and ${data.trainedOn.benign} benign segments, ` +
        `threshold ${data.threshold} -> ${DATA_MODEL_FILE}`,
    );
  } else console.log(`data model: BIPIA absent, ${DATA_MODEL_FILE} left as it is`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
