/**
 * Literal prefixes of a regular expression: a set of strings such that every match of the expression starts
 * with one of them. The pattern table finds where those strings occur in a text in one pass
 * (pattern-scanner.ts) and tries the expression only there, instead of at every position of the text. When
 * the prefixes say too little ("a ", "the "), the literals every match contains somewhere say whether the
 * expression needs to run at all.
 *
 * Sound by construction for the syntax the pattern table uses (no flags: literals, `.`, classes, escapes,
 * groups, lookarounds, alternation, greedy and lazy quantifiers); anything else gives "no prefixes", which
 * only means the expression runs over the whole text as before.
 */

/** Exact sets larger than this are given up (cross products grow fast). */
const MAX_EXACT = 64;
/** More prefixes than this are not worth it: the pattern runs over the whole text. */
const MAX_PREFIXES = 512;
/** Longer literals are cut to this many characters (cut()). */
const MAX_LITERAL_LENGTH = 12;
/** Prefixes this short occur everywhere: the pattern runs over the whole text. */
const MIN_PREFIX_LENGTH = 3;

interface Info {
  /** Every string the node can match, when it is a small finite set; else null. */
  exact: Set<string> | null;
  /** Strings one of which starts every match (may hold '': then nothing is known); null when unknown. */
  prefix: Set<string> | null;
  /** Strings one of which every match contains; null when none is known. */
  required: Set<string> | null;
}

const EMPTY: Info = { exact: new Set(['']), prefix: new Set(['']), required: null };
const ANY: Info = { exact: null, prefix: null, required: null };

export interface LiteralRequirements {
  /** Strings every match starts with one of; null when none can be said or they say too little. */
  prefixes: string[] | null;
  /** Strings every match contains one of, somewhere; null likewise. */
  required: string[] | null;
}

export function literalRequirements(source: string): LiteralRequirements {
  let info: Info;
  try {
    const parser = new Parser(source);
    info = parser.alternation();
    if (parser.pos !== source.length) return { prefixes: null, required: null };
  } catch {
    return { prefixes: null, required: null };
  }
  const required = strongest([info.required, usable(info.exact)]);
  return {
    prefixes: telling(info.prefix) ? minimal(cut(info.prefix as Set<string>), (s, k) => s.startsWith(k)) : null,
    required: telling(required) ? minimal(cut(required as Set<string>), (s, k) => s.includes(k)) : null,
  };
}

/** The strings every match starts with one of, or null when none can be said (or they say too little). */
export function literalPrefixes(source: string): string[] | null {
  return literalRequirements(source).prefixes;
}

/**
 * The strings cut to their first MAX_LITERAL_LENGTH characters: a text that holds (or a match that starts with)
 * a string holds its beginning too, and "ignore all previous", "ignore previous", "ignore the previous" become
 * one "ignore a", "ignore p", "ignore t" each, which keeps the automaton small.
 */
function cut(set: Set<string>): Set<string> {
  return new Set([...set].map((s) => s.slice(0, MAX_LITERAL_LENGTH)));
}

/** A set worth looking for: not too many strings, none too short to tell texts apart. */
function telling(set: Set<string> | null): boolean {
  if (!set || set.size === 0 || set.size > MAX_PREFIXES) return false;
  for (const s of set) if (s.length < MIN_PREFIX_LENGTH) return false;
  return true;
}

/** Drops a string `implied` by a shorter one of the set (starts with it, or contains it). */
function minimal(set: Set<string>, implied: (s: string, kept: string) => boolean): string[] {
  const sorted = [...set].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const s of sorted) if (!kept.some((k) => implied(s, k))) kept.push(s);
  return kept;
}

/** An exact set as a requirement: only if it cannot match the empty string. */
function usable(exact: Set<string> | null): Set<string> | null {
  if (!exact || exact.size === 0) return null;
  for (const s of exact) if (s === '') return null;
  return exact;
}

/** The shortest string of a set: how telling the requirement is. */
function shortest(set: Set<string>): number {
  let min = Infinity;
  for (const s of set) min = Math.min(min, s.length);
  return min;
}

/**
 * The better requirement: the one whose shortest string is longest (a long word is a rare one: "unrestrained"
 * says more than "not"), then the fewest strings.
 */
function strongest(candidates: (Set<string> | null)[]): Set<string> | null {
  let best: Set<string> | null = null;
  for (const c of candidates) {
    if (!c) continue;
    if (!best) {
      best = c;
      continue;
    }
    const [qc, qb] = [shortest(c), shortest(best)];
    if (qc !== qb ? qc > qb : c.size < best.size) best = c;
  }
  return best;
}

function cross(a: Set<string>, b: Set<string>): Set<string> | null {
  if (a.size * b.size > MAX_EXACT) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

/**
 * A sequence: its leading exact items spelled out while they stay few, then the next item's prefixes. What it
 * requires: the best of its items' requirements and of the runs of exact items it spells (each run is a
 * contiguous part of every match).
 */
function concat(items: Info[]): Info {
  let prefix: Set<string> | null = null;
  const candidates: (Set<string> | null)[] = [];
  let run = new Set(['']);
  let whole = true;
  for (const item of items) {
    candidates.push(item.required, usable(item.exact));
    const joined = item.exact ? cross(run, item.exact) : null;
    if (joined) {
      run = joined;
      continue;
    }
    if (whole) prefix = (item.prefix ? cross(run, item.prefix) : null) ?? run;
    whole = false;
    candidates.push(usable(run));
    run = item.exact ? new Set(item.exact) : new Set(['']);
  }
  candidates.push(usable(run));
  return { exact: whole ? run : null, prefix: whole ? run : prefix, required: strongest(candidates) };
}

function alternate(branches: Info[]): Info {
  let exact: Set<string> | null = new Set();
  let prefix: Set<string> | null = new Set();
  let required: Set<string> | null = new Set();
  for (const b of branches) {
    if (exact && b.exact && exact.size + b.exact.size <= MAX_EXACT) for (const s of b.exact) exact.add(s);
    else exact = null;
    if (prefix && b.prefix && prefix.size + b.prefix.size <= MAX_PREFIXES) for (const s of b.prefix) prefix.add(s);
    else prefix = null;
    const need = strongest([b.required, usable(b.exact)]);
    if (required && need && required.size + need.size <= MAX_PREFIXES) for (const s of need) required.add(s);
    else required = null;
  }
  return { exact, prefix, required };
}

function repeat(item: Info, min: number, max: number): Info {
  if (max === 0) return EMPTY;
  if (min === 1 && max === 1) return item;
  if (min === 0) {
    if (max === 1 && item.exact && item.exact.size < MAX_EXACT) {
      const exact = new Set([...item.exact, '']);
      return { exact, prefix: exact, required: null };
    }
    return { exact: null, prefix: new Set(['']), required: null };
  }
  return { exact: null, prefix: item.prefix, required: strongest([item.required, usable(item.exact)]) };
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  alternation(): Info {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? (branches[0] as Info) : alternate(branches);
  }

  private sequence(): Info {
    const items: Info[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      items.push(this.quantified(this.atom()));
    }
    return concat(items);
  }

  private quantified(atom: Info): Info {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) throw new Error('a brace that is not a quantifier');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: the same strings
    return repeat(atom, min, max);
  }

  private atom(): Info {
    const c = this.src[this.pos++] as string;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    if (c === '.') return ANY;
    if (c === '^' || c === '$') return EMPTY;
    if ('*+?{}]'.includes(c)) throw new Error(`unexpected ${c}`);
    return { exact: new Set([c]), prefix: new Set([c]), required: null };
  }

  private group(): Info {
    let lookaround = false;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?<?[=!]/.test(this.src.slice(this.pos, this.pos + 3))) {
      lookaround = true;
      this.pos += this.src[this.pos + 1] === '<' ? 3 : 2;
    } else if (this.src.startsWith('?<', this.pos)) {
      const end = this.src.indexOf('>', this.pos);
      if (end < 0) throw new Error('bad group name');
      this.pos = end + 1;
    } else if (this.peek() === '?') throw new Error('unknown group');
    const inner = this.alternation();
    if (this.src[this.pos++] !== ')') throw new Error('unclosed group');
    // A lookaround consumes nothing: the match does not start with what it tests.
    return lookaround ? EMPTY : inner;
  }

  private escape(): Info {
    const c = this.src[this.pos++];
    if (c === undefined) throw new Error('trailing backslash');
    if (c === 'b' || c === 'B') return EMPTY;
    if (/[1-9kpPuxc]/.test(c)) throw new Error(`unsupported escape \\${c}`);
    if (/[wWsSdDfv0]/.test(c)) return ANY;
    const ch = c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
    return { exact: new Set([ch]), prefix: new Set([ch]), required: null };
  }

  /** A class of a few plain characters (`[sz]`, `['"]`) is a small exact set; anything else matches too much. */
  private charClass(): Info {
    const chars = new Set<string>();
    let plain = true;
    if (this.peek() === '^') {
      plain = false;
      this.pos++;
    }
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) throw new Error('unclosed class');
      if (c === ']') break; // as in JavaScript, even first: `[]` matches nothing
      let ch = c;
      if (c === '\\') {
        const e = this.src[this.pos++];
        if (e === undefined) throw new Error('trailing backslash');
        if (/[wWsSdDbBpPuxck0-9fv]/.test(e)) {
          plain = false;
          continue;
        }
        ch = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      }
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && this.src[this.pos + 1] !== undefined) {
        plain = false; // a range: skip its end
        this.pos += 2;
        if (this.src[this.pos - 1] === '\\') this.pos++;
        continue;
      }
      chars.add(ch);
    }
    return plain && chars.size > 0 && chars.size <= 4 ? { exact: chars, prefix: chars, required: null } : ANY;
  }
}
