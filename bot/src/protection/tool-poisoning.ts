import type { JailbreakFeature } from './jailbreak-detector.js';
import { detectJailbreak } from './jailbreak-detector.js';
import type { ToolDefinition } from './tool-definition.js';

/**
 * Tool poisoning: instructions to the model hidden in a tool's own definition (its description or a
 * parameter's description), which the model reads as trusted context on every turn. The known forms
 * (Invariant Labs' MCP tool-poisoning disclosure, April 2025; OWASP LLM01 indirect injection) are an
 * `<IMPORTANT>` block telling the model to read a secret file and pass it in an innocuous parameter,
 * to keep quiet about it towards the user, or to change how *other* tools behave ("when sending an
 * e-mail, always add bcc ..."), and text the user cannot see (zero-width, bidi or Unicode tag
 * characters). Each form is a feature with a weight; the score is their noisy-OR as in the jailbreak
 * detector, whose patterns also run on each text. Work is linear in the (bounded) definition.
 */

export interface ToolPoisoningFinding {
  /** "description", "parameter notes". */
  where: string;
  features: JailbreakFeature[];
}

export interface ToolPoisoningResult {
  score: number;
  flagged: boolean;
  findings: ToolPoisoningFinding[];
}

interface PoisoningPattern {
  id: string;
  weight: number;
  pattern: RegExp;
}

// Gaps between words are bounded ({0,60}) so that no pattern backtracks beyond a short window.
const PATTERNS: readonly PoisoningPattern[] = [
  {
    id: 'poisoning.hidden-block',
    weight: 0.45,
    pattern:
      /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|critical|note to (?:the )?(?:ai|model|assistant))\s*>/i,
  },
  { id: 'poisoning.html-comment', weight: 0.35, pattern: /<!--[\s\S]{8,}?-->/ },
  {
    id: 'poisoning.secret-file',
    weight: 0.6,
    pattern:
      /(?:~|\$home|%userprofile%)[\\/]\.(?:ssh|aws|azure|kube|docker|gnupg|config|cursor)\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.(?:git-credentials|npmrc|pypirc|netrc|env)\b|\bmcp\.json\b|\/etc\/(?:passwd|shadow)\b|\bcredentials\.json\b|\bprivate[ _-]?key\b/i,
  },
  {
    id: 'poisoning.read-secret',
    weight: 0.45,
    pattern:
      /\b(?:read|open|cat|load|fetch|get|collect|include|attach|send|pass|copy)\b.{0,60}\b(?:api[ _-]?keys?|access[ _-]?tokens?|secrets?|passwords?|credentials?|session cookies?|ssh keys?|conversation history|chat history|system prompt)\b/i,
  },
  {
    id: 'poisoning.smuggle-parameter',
    weight: 0.45,
    pattern:
      /\b(?:pass|put|place|include|insert|add|append|embed|encode)\b.{0,60}\b(?:as|in|into|inside|within)\b.{0,20}\b(?:the )?["'`]?[\w-]{1,40}["'`]? (?:parameter|argument|field|param)\b/i,
  },
  {
    id: 'poisoning.conceal',
    weight: 0.5,
    pattern:
      /\b(?:do not|don't|never|must not|should not)\b.{0,30}\b(?:tell|mention|inform|notify|reveal|show|alert|disclose|explain)\b.{0,40}\b(?:the )?(?:user|human|person|customer)\b|\bwithout (?:telling|informing|notifying|alerting) (?:the )?(?:user|human)\b|\b(?:user|human) (?:must|should) not (?:know|see|be told)\b/i,
  },
  {
    id: 'poisoning.before-use',
    weight: 0.3,
    pattern:
      /\bbefore (?:using|calling|invoking|running) (?:this|the|any)\b.{0,20}\b(?:tool|function|action)\b|\b(?:first|always) (?:you )?must (?:read|call|send|include)\b/i,
  },
  {
    id: 'poisoning.other-tools',
    weight: 0.45,
    pattern:
      /\b(?:when|whenever|if) (?:you |the (?:user|agent|assistant) )?(?:use|call|invoke|send|sends|uses|calls)s? (?:any|an?|the|another|other)\b.{0,40}\b(?:tool|e-?mail|message|function)\b.{0,80}\b(?:always|also|instead|must|should)\b|\ball (?:e-?mails?|messages?) (?:must|should) (?:be sent|go|be (?:copied|forwarded)) to\b|\b(?:change|replace|redirect) the recipient\b/i,
  },
];

// Zero-width spaces and joiners (not U+200D, which emoji sequences use), word joiners, the BOM,
// bidi embeddings, overrides and isolates, and the Unicode tag block (ASCII smuggling).
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069\u{E0000}-\u{E007F}]/gu;
const INVISIBLE_WEIGHT = 0.8;
const TAG_CHARS = /[\u{E0000}-\u{E007F}]/gu;

const JAILBREAK_FEATURES_LEFT_OUT = new Set(['injection.covert']);

export const DEFAULT_POISONING_THRESHOLD = 0.5;
const EXCERPT_CHARS = 120;

/** Scans every text of a tool's definition; flagged when the combined score reaches `threshold`. */
export function detectToolPoisoning(
  definition: ToolDefinition,
  threshold: number = DEFAULT_POISONING_THRESHOLD,
): ToolPoisoningResult {
  const findings: ToolPoisoningFinding[] = [];
  const texts: [string, string | null][] = [
    ['description', definition.description],
    ...definition.parameters.map((p): [string, string | null] => [`parameter ${p.name}`, p.description]),
    ['name', definition.name],
  ];
  let keep = 1;
  for (const [where, text] of texts) {
    if (!text) continue;
    const features = scanText(text);
    if (features.length === 0) continue;
    findings.push({ where, features });
    for (const f of features) keep *= 1 - f.weight;
  }
  const score = Math.round((1 - keep) * 1000) / 1000;
  return { score, flagged: score >= threshold, findings };
}

// Every call carries its tool's definition, and a tool's definition rarely changes: remember recent
// verdicts by the definition's hash, so a large definition is scanned once, not on every call.
const CACHE_LIMIT = 1024;
const cache = new Map<string, ToolPoisoningResult>();

/** detectToolPoisoning, remembered for the last CACHE_LIMIT definitions by hash and threshold. */
export function detectToolPoisoningCached(
  definition: ToolDefinition,
  hash: string,
  threshold: number,
): ToolPoisoningResult {
  const key = `${threshold}|${hash}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = detectToolPoisoning(definition, threshold);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

function scanText(text: string): JailbreakFeature[] {
  const features: JailbreakFeature[] = [];
  const invisible = text.match(INVISIBLE);
  if (invisible) {
    const tags = text.match(TAG_CHARS);
    features.push({
      id: 'poisoning.invisible-text',
      weight: INVISIBLE_WEIGHT,
      excerpt: tags
        ? `${tags.length} Unicode tag characters reading "${decodeTags(tags).slice(0, EXCERPT_CHARS)}"`
        : `${invisible.length} invisible characters (${[...new Set(invisible)].map(codePoint).join(', ')})`,
    });
  }
  // The patterns read the text as the model would: invisible characters removed, whitespace folded.
  const visible = (invisible ? text.replace(INVISIBLE, '') : text).replace(/\s+/g, ' ');
  for (const p of PATTERNS) {
    const m = p.pattern.exec(visible);
    if (m) features.push({ id: p.id, weight: p.weight, excerpt: excerptAround(visible, m.index, m[0].length) });
  }
  // Plain injection wording ("ignore previous instructions") counts too, by the detector's own patterns,
  // except its covert-action one: "do not delete files without asking the user" is ordinary tool guidance,
  // and concealment from the user is weighed by poisoning.conceal above.
  const jailbreak = detectJailbreak(visible, { lexical: false });
  for (const f of jailbreak.features) if (!JAILBREAK_FEATURES_LEFT_OUT.has(f.id)) features.push(f);
  return features.sort((a, b) => b.weight - a.weight);
}

function excerptAround(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 20);
  return text.slice(from, Math.min(text.length, from + Math.max(length + 20, 60), from + EXCERPT_CHARS));
}

function decodeTags(tags: string[]): string {
  return tags.map((t) => String.fromCodePoint(t.codePointAt(0)! - 0xe0000)).join('');
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
