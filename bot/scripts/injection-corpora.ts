import { corporaDir, readSourceFile } from './detection-corpora.js';

/**
 * Indirect prompt injection in tool data (the `injection-in-data` rule), after BIPIA (Yi et al. 2023,
 * microsoft/BIPIA, MIT): its e-mails, code answers (Stack Overflow) and tables are the benign
 * documents a tool returns, and its attack instructions are inserted into them at the start, the
 * middle or the end, as BIPIA does. BIPIA ships a train and a test split of both contexts and attack
 * texts: the data model is trained on the train split only and measured on the test split (different
 * documents, different attack wordings). Answers two models gave to the AlpacaEval instructions
 * (tatsu-lab/alpaca_eval) join the benign documents: one model's in training, another's in the test.
 * Read at run time from the snapshots, never committed.
 */

export interface InjectionExample {
  text: string;
  label: 0 | 1;
  /** "email", "code", "table", "prose" for benign documents; the attack category for attacks. */
  family: string;
  /** "bipia-email", "bipia-code", "bipia-table", "alpaca-answers". */
  source: string;
  /** For an attack, the instruction inserted into the document. */
  attack?: string;
}

export interface InjectionSplits {
  train: InjectionExample[];
  test: InjectionExample[];
  /**
   * Benign answers of other models (source "alpaca-answers-validation"), never trained on and not the test
   * split: where the request-line gates were checked for false alarms on chattier prose than the train split's.
   */
  validation: InjectionExample[];
  /** The attack instructions alone, per split (what the data model learns from, with the benign documents). */
  attacks: { train: InjectionExample[]; test: InjectionExample[] };
  skipped: string[];
}

const BIPIA = 'microsoft/BIPIA';
const ALPACA = 'tatsu-lab/alpaca_eval';
const PROSE = { train: 'results/gpt4/model_outputs.json', test: 'results/gpt4_1106_preview/model_outputs.json' };
const VALIDATION_PROSE = ['Meta-Llama-3-70B-Instruct', 'Mistral-7B-Instruct-v0.2', 'Qwen1.5-72B-Chat'].map(
  (m) => `results/${m}/model_outputs.json`,
);

export function loadInjectionCorpora(dir: string = corporaDir()): InjectionSplits {
  const out: InjectionSplits = { train: [], test: [], validation: [], attacks: { train: [], test: [] }, skipped: [] };
  for (const split of ['train', 'test'] as const) {
    try {
      const read = (f: string) => readSourceFile(dir, BIPIA, `benchmark/${f}`);
      const emails = jsonLines(read(`email/${split}.jsonl`)).map((r) => String(r.context ?? ''));
      const code = jsonLines(read(`code/${split}.jsonl`)).map((r) => codeContext(r.context));
      const tables = jsonLines(read(`table/${split}.jsonl`)).map((r) => String(r.context ?? ''));
      const textAttacks = attacks(read(`text_attack_${split}.json`));
      const codeAttacks = attacks(read(`code_attack_${split}.json`));
      const into = out[split];
      const benign = (texts: string[], family: string) =>
        texts
          .filter((t) => t.trim())
          .forEach((text) => into.push({ text, label: 0, family, source: `bipia-${family}` }));
      benign(emails, 'email');
      benign(code, 'code');
      // Tables: at most as many as e-mails, so that one kind does not dominate (the train split has 900).
      benign(tables.slice(0, Math.max(emails.length, 100)), 'table');
      const inject = (docs: string[], list: { category: string; text: string }[], kind: string) =>
        list.forEach((a, i) => {
          const doc = docs[(i * 7) % docs.length] ?? '';
          into.push({
            text: insert(doc, a.text, i % 3),
            label: 1,
            family: a.category,
            source: `bipia-${kind}`,
            attack: a.text,
          });
        });
      for (const a of textAttacks)
        out.attacks[split].push({ text: a.text, label: 1, family: a.category, source: 'bipia-text' });
      for (const a of codeAttacks)
        out.attacks[split].push({ text: a.text, label: 1, family: a.category, source: 'bipia-code' });
      inject(emails, textAttacks, 'email');
      inject(tables, textAttacks, 'table');
      inject(code, codeAttacks, 'code');
    } catch (err) {
      out.skipped.push(`bipia ${split} (${BIPIA}): skipped, ${(err as Error).message.split('\n')[0]}`);
    }
    try {
      const answers = JSON.parse(readSourceFile(dir, ALPACA, PROSE[split])) as { output?: unknown }[];
      for (const a of answers) {
        const text = String(a.output ?? '');
        if (text.trim()) out[split].push({ text, label: 0, family: 'prose', source: 'alpaca-answers' });
      }
    } catch (err) {
      out.skipped.push(`alpaca answers ${split} (${ALPACA}): skipped, ${(err as Error).message.split('\n')[0]}`);
    }
  }
  for (const file of VALIDATION_PROSE) {
    try {
      const answers = JSON.parse(readSourceFile(dir, ALPACA, file)) as { output?: unknown }[];
      for (const a of answers) {
        const text = String(a.output ?? '');
        if (text.trim()) out.validation.push({ text, label: 0, family: 'prose', source: 'alpaca-answers-validation' });
      }
    } catch (err) {
      out.skipped.push(
        `alpaca answers validation (${ALPACA} ${file}): skipped, ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  // BIPIA's splits share some e-mails, and two models gave some identical answers: a test document that is
  // also a training document is not held out, so it is dropped from the test split.
  const trained = new Set(out.train.filter((e) => e.label === 0).map((e) => e.text));
  out.test = out.test.filter((e) => e.label === 1 || !trained.has(e.text));
  return out;
}

/** BIPIA's place for an attack: 0 start, 1 middle (at a line or sentence break), 2 end. */
function insert(doc: string, attack: string, where: number): string {
  if (where === 0) return `${attack}\n${doc}`;
  if (where === 2) return `${doc}\n${attack}`;
  const mid = Math.floor(doc.length / 2);
  const br = doc.indexOf('\n', mid);
  const at = br >= 0 ? br : Math.max(0, doc.indexOf('. ', mid) + 1);
  return `${doc.slice(0, at)}\n${attack}\n${doc.slice(at)}`;
}

/** BIPIA's code contexts are Python list literals of lines; read them as the lines joined. */
function codeContext(context: unknown): string {
  const s = String(context ?? '');
  const lines = [...s.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    (m[1] ?? m[2] ?? '').replace(/\\'/g, "'").replace(/\\"/g, '"').replace(/\\\\/g, '\\'),
  );
  return lines.length ? lines.join('\n') : s;
}

function attacks(json: string): { category: string; text: string }[] {
  const data = JSON.parse(json) as Record<string, unknown>;
  return Object.entries(data).flatMap(([category, list]) =>
    Array.isArray(list) ? list.map((t) => ({ category, text: String(t) })) : [],
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records of a JSON-lines file, read field by field
function jsonLines(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l));
}

/** The data model's training documents: the train split's benign documents and its attack instructions alone. */
export function dataTrainingDocuments(s: InjectionSplits): { text: string; label: 0 | 1 }[] {
  return [...s.train.filter((e) => e.label === 0), ...s.attacks.train];
}
