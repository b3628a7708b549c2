import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LEXICAL_MODEL_FILE, trainLexicalModel } from '../src/protection/lexical-model.js';
import type { LexicalModel, TrainingExample } from '../src/protection/lexical-model.js';
import { BENIGN_SET, JAILBREAK_SET, loadLabelledSet } from './detector-report.js';

/**
 * `npm run detector:train`: trains the jailbreak detector's lexical model on the "tuning" split of the
 * labelled set and writes bot/src/protection/lexical-model.json. The holdout split is left out, so
 * `npm run detector:report` measures the model on prompts it has not seen.
 */

/** The tuning split, jailbreak and benign prompts alternating, in file order. */
export function trainingExamples(): TrainingExample[] {
  const jailbreak = loadLabelledSet(JAILBREAK_SET).filter((p) => p.split === 'tuning');
  const benign = loadLabelledSet(BENIGN_SET).filter((p) => p.split === 'tuning');
  const out: TrainingExample[] = [];
  for (let i = 0; i < Math.max(jailbreak.length, benign.length); i++) {
    if (i < jailbreak.length) out.push({ text: jailbreak[i]!.text, label: 1 });
    if (i < benign.length) out.push({ text: benign[i]!.text, label: 0 });
  }
  return out;
}

export function trainShippedModel(): LexicalModel {
  return trainLexicalModel(trainingExamples());
}

function main(): void {
  const model = trainShippedModel();
  writeFileSync(LEXICAL_MODEL_FILE, `${JSON.stringify(model, null, 2)}\n`);
  console.log(
    `Trained on ${model.trainedOn.jailbreak} jailbreak and ${model.trainedOn.benign} benign prompts (tuning split): ` +
      `${Object.keys(model.weights).length} n-grams -> ${LEXICAL_MODEL_FILE}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
