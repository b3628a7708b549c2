/**
 * Adversarial "token soup" as produced by gradient searches (GCG and its successors): a run of word
 * fragments glued to brackets, backslashes and markup (`describing.\ + similarlyNow write
 * oppositeley.]( Me giving**ONE please? revert with "\!--Two`), usually appended to a request.
 *
 * Natural text has few such tokens; code has many but also has code's structure, so code (fenced,
 * inline, or plainly code-like) is left out before the tokens are counted.
 */

export interface SuffixFinding {
  weight: number;
  excerpt: string;
}

const FENCED_CODE = /```[\s\S]*?(?:```|$)|`[^`\n]{0,400}`/g;
const CODE_LIKE =
  /;\s*$|[{}]\s*$|=>|\b(?:function|const|let|var|def|return|import|class|public|private|void|select|from|where|elif|lambda)\b|<\/?[a-z][a-z0-9]*(?:\s[^>]*)?>|\bconsole\.|\bprint\(|^\s*(?:\$|>|#!|PS [A-Z]:)/im;
// Code's syntax, not its keywords alone ("from", "where", "class" are English too): the stricter test of
// code for unmatched brackets, which must not miss a request because it says "from".
const CODE_SYNTAX = new RegExp(
  [
    /;\s*$|[{}]\s*$|=>|<\/?[a-z][a-z0-9]*(?:\s[^>]*)?>|\bconsole\.|\bprint\(|^\s*(?:\$|>|#!|PS [A-Z]:)/.source,
    /\bfunction\s*[\w$]*\s*\(|\b(?:const|let|var)\s+[\w$]+\s*=|\b(?:def|void)\s+\w+\s*\(|\belif\b|\blambda\b[^:\n]{0,40}:/
      .source,
    /^\s*(?:from\s+[\w.]+\s+import|import\s+[\w.]+(?:\s+as\s+\w+)?\s*;?$)|\bimport\s+[\w{}*, ]+\s+from\s+['"]/.source,
    /\b(?:public|private|protected|static)\s+[\w<>[\], ]+\s+\w+\s*\(|\bclass\s+\w+\s*(?:[:({]|extends\b|implements\b)/
      .source,
    /"[^"\n]{1,40}"\s*:\s*["[{\d]/.source,
    /\bselect\s+(?:\*|distinct\b|\w+(?:\.\w+)?\s*,)|\bselect\b[^\n]{0,200}\bfrom\s+\w+\s+where\b|\breturn\s[^\n.]{0,80};/
      .source,
  ].join('|'),
  'im',
);

/**
 * Opening brackets left unclosed on one line (the most of any line), in text that is not code. Writers
 * close what they open, and code that does not was left out above; a gradient search picks bracket
 * tokens for their effect on the model, not in pairs, so its suffixes leave several open ("[ [ [ [unity
 * define aim metric ["). Per line, so that a long text cut in its middle (boundText) is not counted open.
 */
export function unmatchedOpeners(raw: string): { count: number; excerpt: string } | null {
  const text = withoutFencedCode(raw);
  let best: number[] = [];
  let open: number[] = [];
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    if (c === 10) {
      if (open.length > best.length) best = open;
      open = [];
    } else if (c === 91 || c === 123 || (c === 40 && prev !== 58 && prev !== 59)) {
      open.push(i); // "[", "{", "(" but not a frown's ":(" or ";("
    } else if (c === 93 || c === 125 || c === 41) open.pop();
  }
  // The brackets are counted first: most texts leave none open, and the code test reads the whole text.
  if (best.length === 0 || CODE_SYNTAX.test(text)) return null;
  return { count: best.length, excerpt: text.slice(best[0], best[0]! + 80).replace(/\s+/g, ' ') };
}

// A token with letters and a bracket, backslash, brace or markup character inside or at its edge.
const ODD_CHARS = /[\\[\]{}()<>|`~^*=+#@%$]/;
const LETTER = /[a-z]/i;
// Punctuation runs of at least two kinds with a bracket or backslash among them: three characters
// or more, or two when one is a backslash, brace, backtick or markup character (`.\`, `%{`).
const CLUSTER = /[\\[\]{}()<>|`~^*=+#@%$&;:!?.,'"-]{2,}/g;
const BRACKETISH = /[\\[\]{}()<>|`~^=@%]/;
const STRONG = /[\\{}`~^|<>=]/;
// "similarlyNow", "SureBEtera", "githubINST": a lower-case run glued to an upper-case one.
const GLUED_CASE = /[a-z]{3,}[A-Z]{1,}[a-zA-Z]*/;
const URLISH = /^(?:https?:\/\/|www\.|mailto:)|@[a-z0-9-]+\.[a-z]/i;

const WINDOW = 12;
const STEP = 4;
const MAX_TOKENS = 240;

/** Code (fenced or plain) has many improbable character sequences for good reasons: the suffix checks leave it out. */
export function looksLikeCode(raw: string): boolean {
  return codeLikeOutsideFences(raw) || /```/.test(raw);
}

// The detector asks both checks about the same message: the last answer is kept.
let lastCodeQuestion: string | null = null;
let lastCodeAnswer = false;

/** Whether the text, fenced and inline code left out, still looks like code (CODE_LIKE). */
function codeLikeOutsideFences(raw: string): boolean {
  if (raw !== lastCodeQuestion) {
    lastCodeAnswer = CODE_LIKE.test(withoutFencedCode(raw));
    lastCodeQuestion = raw;
  }
  return lastCodeAnswer;
}

/** The text with fenced and inline code blanked out (no backtick: the text itself). */
function withoutFencedCode(raw: string): string {
  return raw.includes('`') ? raw.replace(FENCED_CODE, ' ') : raw;
}

/** Looks for a window of tokens that reads like an adversarial suffix. */
export function findAdversarialSuffix(raw: string): SuffixFinding | null {
  const text = withoutFencedCode(raw);
  if (text.length < 40) return null;
  if (codeLikeOutsideFences(raw)) return null;
  const all = text.split(/\s+/).filter(Boolean);
  if (all.length < 8) return null;
  const tokens = all.length > MAX_TOKENS ? all.slice(all.length - MAX_TOKENS) : all;
  // Each token is read once; the overlapping windows then only add up its counts.
  const stats = tokens.map(tokenStats);
  let best: SuffixFinding | null = null;
  for (let start = Math.max(0, tokens.length - WINDOW); start >= 0; start -= STEP) {
    const end = Math.min(tokens.length, start + WINDOW);
    let odd = 0;
    let glued = 0;
    let clusters = 0;
    for (let i = start; i < end; i++) {
      const t = stats[i]!;
      odd += t.odd;
      glued += t.glued;
      clusters += t.clusters;
    }
    const weight = windowWeight(odd / (end - start), glued, clusters);
    if (weight > (best?.weight ?? 0)) best = { weight, excerpt: tokens.slice(start, end).join(' ').slice(0, 120) };
    if (start === 0) break;
  }
  return best;
}

interface TokenStats {
  odd: number;
  glued: number;
  clusters: number;
}

const NONE: TokenStats = { odd: 0, glued: 0, clusters: 0 };

function tokenStats(token: string): TokenStats {
  // Every count needs an odd character (the cluster characters that count are odd ones) or a capital letter
  // (glued case): most tokens of prose have neither, and one pass over their characters says so.
  if (!mayCount(token)) return NONE;
  if (URLISH.test(token)) return NONE;
  let clusters = 0;
  for (const m of token.matchAll(CLUSTER)) {
    const run = m[0];
    if (new Set(run).size < 2) continue;
    if (run.length >= 3 ? BRACKETISH.test(run) : STRONG.test(run)) clusters++;
  }
  return {
    odd: LETTER.test(token) && ODD_CHARS.test(token) ? 1 : 0,
    glued: GLUED_CASE.test(token) ? 1 : 0,
    clusters,
  };
}

/** Whether a token holds an ODD_CHARS character or a capital letter. */
function mayCount(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 65 && c <= 90) || ODD_CODES[c] === 1) return true;
  }
  return false;
}

const ODD_CODES = new Uint8Array(128);
for (const ch of '\\[]{}()<>|`~^*=+#@%$') ODD_CODES[ch.charCodeAt(0)] = 1;

function windowWeight(oddRatio: number, glued: number, clusters: number): number {
  if (clusters >= 2 && oddRatio >= 0.3 && glued >= 1) return oddRatio >= 0.45 || clusters >= 4 ? 0.75 : 0.6;
  if (clusters >= 3 && oddRatio >= 0.35) return 0.55;
  if (clusters >= 2 && glued >= 3) return 0.5;
  return 0;
}
