import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectJailbreak } from '../jailbreak-detector.js';
import type { JailbreakResult } from '../jailbreak-detector.js';
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
 * and of ordinary answers (bot/scripts/injection-corpora.ts). Beside it, request lines (requestLines
 * below): a line that asks the reader to do something the document is not about, a structural feature
 * that needs no training and on which the data model's score of the line votes. Bounded: the rule reads
 * at most 16,000 characters (head and tail), scores at most MAX_SEGMENTS segments of at most MAX_SEGMENT
 * characters, and makes two linear passes over the lines.
 */

const MAX_SEGMENTS = 200;
const MAX_SEGMENT = 400;
const MIN_SEGMENT = 40;
const MIN_WORDS = 4;
const MIN_DOCUMENT_SEGMENTS = 2;
/**
 * The data model's threshold: this quantile of benign training documents' highest out-of-fold segment
 * score. The rule's false-alarm budget is 1 %: half of it for the model alone, the rest for request lines.
 * (0.99 had the model alone at 1.4 % false alarms on the test split's answers, 0.999 lost a quarter of the
 * code attacks: docs/detection-data.md says which figures were looked at.)
 */
const DATA_MODEL_QUANTILE = 0.995;

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
  return trainFeaturized(data, { groups: data.map((d) => d.group), quantile: DATA_MODEL_QUANTILE });
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
    if (AUTHOR_OFFER.test(segment)) continue;
    const { probability } = scoreLexical(model, segment);
    if (!best || probability > best.probability) best = { probability, segment };
  }
  if (!best) return null;
  return { ...best, top: scoreLexical(model, best.segment, true, 4).top };
}

// ---- requests addressed to the reader ------------------------------------------------------------
//
// BIPIA's injections (and the e-mail and web-page injections published as examples) are a sentence on a line of its own that asks
// the reader (the assistant) to do something: answer a question, write something, change its reply
// ("Encode your response in Base64"). Documents hold requests too ("Please call me back"), but theirs are
// about the document: they share its words. So a request line is flagged when it is (1) a whole line
// shaped as a sentence, (2) a request by its form: it speaks of the reader's reply, or is a question, or
// opens with a verb followed by its object ("Write a", "Describe the", "Show me"), and (3) about
// something else: at most REQUEST_MAX_OVERLAP of its content words occur elsewhere in a document of at
// least REQUEST_MIN_CONTEXT other content words. The word lists below are closed English classes
// (determiners, pronouns, prepositions, modals) and courtesy openers, not words taken from attacks; the
// gates were chosen on BIPIA's train split, out of fold, and on other models' answers (docs/detection-data.md).

/** At most this share of a request line's content words may occur elsewhere in the document. */
export const REQUEST_MAX_OVERLAP = 0.2;
/** The rest of the document must have this many content words for "about something else" to mean anything. */
export const REQUEST_MIN_CONTEXT = 12;
const REQUEST_MIN_WORDS = 3;
const REQUEST_MAX_WORDS = 60;
/** Weight of a request line alone (flags at the default threshold 0.5); the data model's score of the line adds to it. */
const REQUEST_WEIGHT = 0.55;
const REQUEST_MODEL_SHARE = 0.35;

const STOP_WORDS = new Set(
  (
    'the a an and or but of to in on for with at by from as is are was were be been this that these those it its ' +
    'you your yours me my we our us they their them he she his her i not no do does did can could would should ' +
    'will shall may might have has had there here what which who whom how why when where than then so if into ' +
    'about over under also just very more most some any all each every such only own same too out up down off'
  ).split(' '),
);
/** Words that open a sentence without making it a request: closed classes and courtesy openers. */
const NOT_A_VERB = new Set(
  (
    'the a an this that these those i we you he she it they my our your his her its their there here if when ' +
    'while as at in on for to of from by with and but or so because although though since after before during ' +
    'however also then thus therefore yes no hi hello dear thanks thank regards best sincerely note please let ' +
    'may might must remember keep feel enjoy see given amongst among against despite throughout within without ' +
    'upon across along around behind beyond toward towards near like unlike via per through beside besides over ' +
    'under above below between beneath inside outside onto until till what how who which why where whose know'
  ).split(' '),
);
/** Openers after which "your reply" is the author's ("Thank you, I await your reply"), not an instruction. */
const AUTHOR_OPENERS = new Set(
  'i we my our thank thanks regards best sincerely dear hi hello let feel enjoy remember note keep see'.split(' '),
);
const QUESTION_OPENERS = new Set(
  "what how who which why where when can could would will is are do does should may did was were has have what's how's who's where's".split(
    ' ',
  ),
);
/** What follows an imperative verb: its object or particle. */
const OBJECT_OPENERS = new Set(
  'a an the me this these that those all some any each every it them him her up out down how what why which where whether'.split(
    ' ',
  ),
);
const ADDRESSED =
  /\byour (?:response|reply|answer|output|message|replies|responses|answers)\b|\b(?:response|reply|answer)'s\b/i;
/**
 * A question about the reader's own wishes or situation ("Would you like me to...", "Do you have...",
 * "Are you...", "Is there anything else..."): conversation with the reader, not a task for them.
 */
const QUESTION_TO_CONVERSE = /^(?:would|do|did|does|are|were|have|has|is there)\s+(?:you|anything|any other)\b/i;
/**
 * The author speaking of what they will do ("..., and I'll be happy to help", "Let me explain what this
 * does:"): the document's own voice, not an instruction to its reader.
 */
const AUTHOR_OFFER = /\b(?:I(?:'ll|'d|'m| will| would| am)|[Ll]et me)\b/;

function lowerWords(s: string): string[] {
  return s.toLowerCase().match(/[a-z][a-z']*/g) ?? [];
}

function contentWords(ws: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of ws) if (w.length >= 4 && !STOP_WORDS.has(w)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

export interface RequestLine {
  line: string;
  /** "addressed" (speaks of the reader's reply), "question" or "imperative". */
  kind: 'addressed' | 'question' | 'imperative';
  /** Share of the line's content words found elsewhere in the document. */
  overlap: number;
}

/** The form of a line if it is a request to its reader, else null. */
function requestKind(line: string): RequestLine['kind'] | null {
  const n = line.split(/\s+/).length;
  if (n < REQUEST_MIN_WORDS || n > REQUEST_MAX_WORDS) return null;
  // A sentence: capital first, terminal punctuation last, not a table row, a label ("Phone: ...") or a form.
  if (!/^[A-Z"'(]/.test(line) || !/[.?!]["')]?$/.test(line)) return null;
  if (line.includes('|') || /^\S+[,:;]/.test(line) || /\[[^\]]*\]/.test(line)) return null;
  // An option of a list or a multiple-choice question ("B. The ...", "D) ...").
  if (/^[A-Z][.)]\s/.test(line)) return null;
  const ws = lowerWords(line);
  const at = ws[0] === 'please' ? 1 : 0;
  const first = ws[at] ?? '';
  const second = ws[at + 1] ?? '';
  if (AUTHOR_OFFER.test(line)) return null;
  if (ADDRESSED.test(line)) return AUTHOR_OPENERS.has(first) ? null : 'addressed';
  if (line.endsWith('?') && QUESTION_OPENERS.has(first))
    return QUESTION_TO_CONVERSE.test(line.replace(/^please\s+/i, '')) ? null : 'question';
  if (!NOT_A_VERB.has(first) && OBJECT_OPENERS.has(second) && !/(?:ing|ed|s)$/.test(first)) return 'imperative';
  return null;
}

/**
 * Lines of the text that are requests to the reader about something the document is not about, in
 * order. Linear in the text's length: one pass to count the document's content words, one over its lines.
 */
export function requestLines(text: string, doc: DocumentWords = documentWords(text)): RequestLine[] {
  const lines = text.split('\n');
  // Verse (a poem or lyrics in an answer) asks rhetorical questions: lines of a few words ending in a comma.
  let verse = 0;
  for (const l of lines) if (/^\s*[A-Z].{8,80},\s*$/.test(l)) verse++;
  const out: RequestLine[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const kind = requestKind(line);
    if (!kind || (kind === 'question' && verse >= 3)) continue;
    const overlap = overlapWith(doc, line);
    if (overlap !== null && overlap <= REQUEST_MAX_OVERLAP) out.push({ line, kind, overlap });
  }
  return out;
}

/** The content words of a document, counted. */
export interface DocumentWords {
  counts: Map<string, number>;
  total: number;
}

export function documentWords(text: string): DocumentWords {
  const counts = contentWords(lowerWords(text));
  let total = 0;
  for (const c of counts.values()) total += c;
  return { counts, total };
}

/**
 * The share of a passage's content words that occur elsewhere in the document (rounded to hundredths),
 * or null when the rest of the document is too short to say (fewer than REQUEST_MIN_CONTEXT content words).
 */
export function overlapWith(doc: DocumentWords, passage: string): number | null {
  const own = contentWords(lowerWords(passage));
  let shared = 0;
  let mine = 0;
  for (const [w, c] of own) {
    mine += c;
    if ((doc.counts.get(w) ?? 0) > c) shared++;
  }
  if (doc.total - mine < REQUEST_MIN_CONTEXT) return null;
  return own.size ? Math.round((shared / own.size) * 100) / 100 : 1;
}

export interface InjectionOptions {
  threshold?: number;
  /** The data model to use instead of the shipped one (evaluation). */
  model?: LoadedLexicalModel | null;
}

/** The text the rule reads: at most 16,000 characters, head and tail. */
function boundData(text: string): string {
  return text.length > 16_000 ? `${text.slice(0, 12_000)}\n${text.slice(-4_000)}` : text;
}

/**
 * Scores one text from tool data: the patterns, request lines addressed to the reader (weighted up by
 * the data model's score of the line, when it is present), and the data model on every segment.
 */
export function detectInjectionInData(text: string, options: InjectionOptions = {}): JailbreakResult {
  const threshold = options.threshold ?? 0.5;
  const base = detectJailbreak(text, { threshold, lexical: false });
  const model = options.model === undefined ? shippedDataModel() : options.model;
  const bounded = boundData(text);
  const features = [...base.features];
  const doc = documentWords(bounded);
  const requests = requestLines(bounded, doc);
  if (requests.length > 0) {
    let best: { r: RequestLine; p: number } | null = null;
    for (const r of requests) {
      const p = model ? scoreLexical(model, r.line).probability : 0;
      if (!best || p > best.p) best = { r, p };
    }
    const { r, p } = best!;
    features.push({
      id: 'injection-in-data.request',
      weight: Math.round((REQUEST_WEIGHT + REQUEST_MODEL_SHARE * p) * 1000) / 1000,
      excerpt:
        `${r.kind}, ${Math.round(r.overlap * 100)}% of its words in the document${model ? `, p=${p.toFixed(2)}` : ''}: ${r.line}`.slice(
          0,
          120,
        ),
    });
  }
  const found = model ? scoreDataSegments(model, bounded) : null;
  if (model && found && found.probability >= model.threshold) {
    const weight =
      Math.round(Math.min(0.9, 0.5 + ((found.probability - model.threshold) * 0.4) / (1 - model.threshold)) * 1000) /
      1000;
    features.push({
      id: 'injection-in-data.model',
      weight,
      excerpt:
        `p=${found.probability.toFixed(2)}, ov=${overlapWith(doc, found.segment)} (${found.top.map((t) => t.ngram).join(', ')}): ${found.segment}`.slice(
          0,
          120,
        ),
    });
  }
  if (features.length === base.features.length) return base;
  features.sort((a, b) => b.weight - a.weight);
  // Noisy-OR, as the detector combines its features: the patterns' score, then each of this rule's.
  let keep = 1 - base.score;
  for (const f of features) if (f.id.startsWith('injection-in-data.')) keep *= 1 - f.weight;
  const score = Math.round((1 - keep) * 1000) / 1000;
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
