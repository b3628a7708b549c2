// KQL's regular expressions are RE2 (https://github.com/google/re2/wiki/Syntax), matched here by re2js:
// linear time in the text, so no pattern an analyst or attacker writes can backtrack exponentially
// (`(a+)+$` over 30 a's and a '!' stalled V8's RegExp for minutes). Inline flags such as `(?i)` are RE2's own.
import { RE2JS } from 're2js';

/** A compiled KQL regex: `matches regex` tests it, `extract` reads a group of the first match. */
export interface KqlRegex {
  test(text: string): boolean;
  /** The text of group `group` (0: the whole match) of the first match; null when nothing matches. */
  group(text: string, group: number): string | null;
  /** The texts of groups 1..n of the first match (null for a group that took no part); null when nothing matches. */
  groups(text: string): (string | null)[] | null;
  /** The number of capture groups in the pattern (group 0 not counted). */
  readonly groupCount: number;
  /** Named capture groups (`(?P<name>...)`) by name -> group number. */
  readonly namedGroups: Readonly<Record<string, number>>;
  /**
   * Groups 1..n of every match, left to right (null for a group that took no part). As RE2's "find all": an empty
   * match right where the previous match ended is skipped, so `x*` over "xxzx" gives "xx" and "x".
   */
  all(text: string): (string | null)[][];
}

/**
 * What a compiled regex remembers of the texts it matched: re2js takes tens of microseconds a text, and the same
 * texts come back run after run (a template's regex over every agent's instructions, tool URLs, headers). A V8
 * string caches its hash, so a hit on the same string costs little. Bounded by entries and by the characters of
 * the texts kept, so a query over millions of made-up strings cannot grow it past a few tens of MB: when full it
 * starts over.
 */
const MEMO_ENTRIES = 600_000;
const MEMO_CHARS = 48_000_000;

class Memo<T> {
  private readonly map = new Map<string, T>();
  private chars = 0;

  get(text: string): T | undefined {
    return this.map.get(text);
  }

  set(text: string, value: T): void {
    if (this.map.size >= MEMO_ENTRIES || this.chars + text.length > MEMO_CHARS) {
      this.map.clear();
      this.chars = 0;
    }
    this.map.set(text, value);
    this.chars += text.length;
  }
}

/** Compiles an RE2 pattern; throws Error with RE2's message (the caller adds the position). */
export function compileRe2(pattern: string): KqlRegex {
  const re = RE2JS.compile(pattern);
  const tests = new Memo<boolean>();
  // Groups 0..n of the first match, or null when nothing matches.
  const matches = new Memo<(string | null)[] | null>();
  const firstMatch = (text: string): (string | null)[] | null => {
    const known = matches.get(text);
    if (known !== undefined) return known;
    const m = re.matcher(text);
    let found: (string | null)[] | null = null;
    if (m.find()) {
      found = [];
      for (let g = 0; g <= m.groupCount(); g += 1) found.push(m.group(g) ?? null);
    }
    matches.set(text, found);
    return found;
  };
  return {
    test: (text) => {
      const known = tests.get(text);
      if (known !== undefined) return known;
      const found = re.matcher(text).find();
      tests.set(text, found);
      return found;
    },
    group: (text, group) => {
      const found = firstMatch(text);
      if (!found) return null;
      if (!Number.isInteger(group) || group < 0 || group >= found.length) return null;
      return found[group] ?? null;
    },
    groups: (text) => {
      const found = firstMatch(text);
      return found ? found.slice(1) : null;
    },
    groupCount: re.groupCount(),
    namedGroups: { ...re.namedGroups() },
    all: (text) => {
      const out: (string | null)[][] = [];
      const m = re.matcher(text);
      let previousEnd = -1;
      while (m.find()) {
        const start = m.start();
        const end = m.end();
        if (!(start === end && start === previousEnd)) {
          const groups: (string | null)[] = [];
          for (let g = 1; g <= m.groupCount(); g += 1) groups.push(m.group(g) ?? null);
          out.push(groups);
        }
        previousEnd = end;
      }
      return out;
    },
  };
}
