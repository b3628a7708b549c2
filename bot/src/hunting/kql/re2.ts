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
}

/** Compiles an RE2 pattern; throws Error with RE2's message (the caller adds the position). */
export function compileRe2(pattern: string): KqlRegex {
  const re = RE2JS.compile(pattern);
  return {
    test: (text) => re.matcher(text).find(),
    group: (text, group) => {
      const m = re.matcher(text);
      if (!m.find()) return null;
      if (!Number.isInteger(group) || group < 0 || group > m.groupCount()) return null;
      return m.group(group);
    },
    groups: (text) => {
      const m = re.matcher(text);
      if (!m.find()) return null;
      const out: (string | null)[] = [];
      for (let g = 1; g <= m.groupCount(); g += 1) out.push(m.group(g) ?? null);
      return out;
    },
  };
}
