/**
 * Literal prefixes of a regular expression: a set of strings such that every match of the expression starts
 * with one of them. The pattern table finds where those strings occur in a text in one pass
 * (pattern-scanner.ts) and tries the expression only there, instead of at every position of the text.
 *
 * Sound by construction for the syntax the pattern table uses (no flags: literals, `.`, classes, escapes,
 * groups, lookarounds, alternation, greedy and lazy quantifiers); anything else gives "no prefixes", which
 * only means the expression runs over the whole text as before.
 */

/** Exact sets larger than this are given up (cross products grow fast). */
const MAX_EXACT = 64;
/** More prefixes than this are not worth it: the pattern runs over the whole text. */
const MAX_PREFIXES = 512;
/** Prefixes this short occur everywhere: the pattern runs over the whole text. */
const MIN_PREFIX_LENGTH = 3;

interface Info {
  /** Every string the node can match, when it is a small finite set; else null. */
  exact: Set<string> | null;
  /** Strings one of which starts every match (may hold '': then nothing is known); null when unknown. */
  prefix: Set<string> | null;
}

const EMPTY: Info = { exact: new Set(['']), prefix: new Set(['']) };
const ANY: Info = { exact: null, prefix: null };

/** The strings every match starts with one of, or null when none can be said (or they say too little). */
export function literalPrefixes(source: string): string[] | null {
  let info: Info;
  try {
    const parser = new Parser(source);
    info = parser.alternation();
    if (parser.pos !== source.length) return null;
  } catch {
    return null;
  }
  const prefix = info.prefix;
  if (!prefix || prefix.size === 0 || prefix.size > MAX_PREFIXES) return null;
  for (const s of prefix) if (s.length < MIN_PREFIX_LENGTH) return null;
  return minimal(prefix);
}

/** Drops a string that starts with another of the set: a match starting with it starts with the shorter one. */
function minimal(set: Set<string>): string[] {
  const sorted = [...set].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const s of sorted) if (!kept.some((k) => s.startsWith(k))) kept.push(s);
  return kept;
}

function cross(a: Set<string>, b: Set<string>): Set<string> | null {
  if (a.size * b.size > MAX_EXACT) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

/** A sequence: its leading exact items spelled out while they stay few, then the next item's prefixes. */
function concat(items: Info[]): Info {
  let run = new Set(['']);
  for (const item of items) {
    const joined = item.exact ? cross(run, item.exact) : null;
    if (joined) {
      run = joined;
      continue;
    }
    const next = item.prefix ? cross(run, item.prefix) : null;
    return { exact: null, prefix: next ?? run };
  }
  return { exact: run, prefix: run };
}

function alternate(branches: Info[]): Info {
  let exact: Set<string> | null = new Set();
  let prefix: Set<string> | null = new Set();
  for (const b of branches) {
    if (exact && b.exact && exact.size + b.exact.size <= MAX_EXACT) for (const s of b.exact) exact.add(s);
    else exact = null;
    if (prefix && b.prefix && prefix.size + b.prefix.size <= MAX_PREFIXES) for (const s of b.prefix) prefix.add(s);
    else prefix = null;
  }
  return { exact, prefix };
}

function repeat(item: Info, min: number, max: number): Info {
  if (max === 0) return EMPTY;
  if (min === 1 && max === 1) return item;
  if (min === 0) {
    if (max === 1 && item.exact && item.exact.size < MAX_EXACT) {
      const exact = new Set([...item.exact, '']);
      return { exact, prefix: exact };
    }
    return { exact: null, prefix: new Set(['']) };
  }
  return { exact: null, prefix: item.prefix };
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
    return { exact: new Set([c]), prefix: new Set([c]) };
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
    return { exact: new Set([ch]), prefix: new Set([ch]) };
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
    return plain && chars.size > 0 && chars.size <= 4 ? { exact: chars, prefix: chars } : ANY;
  }
}
