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
];

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

function readSourceFile(dir: string, repository: string, file: string): string {
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
