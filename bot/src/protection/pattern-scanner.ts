/**
 * Where a table of regular expressions can match, found in one pass: every expression's literal prefixes
 * (regex-literals.ts) go into one Aho-Corasick automaton, and a scan of the text lists, for each expression,
 * the positions where one of its prefixes starts. The expression is then tried only there (a sticky
 * regular expression at each position, leftmost first), which finds the same first match as running it
 * over the whole text, at a cost that grows with the text once instead of once per expression.
 */
import { literalPrefixes } from './regex-literals.js';

export interface ScannedTable {
  /** The first match of expression `index` in `text`, the same as `expressions[index].exec(text)`. */
  exec(index: number, text: string, starts: readonly (readonly number[] | null)[]): RegExpExecArray | null;
  /** For each expression, where one of its prefixes starts in the text (ascending); null: try it everywhere. */
  starts(text: string): (number[] | null)[];
}

export function scannedTable(expressions: readonly RegExp[]): ScannedTable {
  const prefixes = expressions.map((re) => {
    const found = re.flags === '' ? literalPrefixes(re.source) : null;
    return found?.every(isAscii) ? found : null;
  });
  const sticky = expressions.map((re, i) => (prefixes[i] ? new RegExp(re.source, 'y') : null));
  const automaton = new Automaton(prefixes);
  return {
    starts: (text) => automaton.scan(text),
    exec(index, text, starts) {
      const at = starts[index];
      const re = sticky[index];
      if (!at || !re) return (expressions[index] as RegExp).exec(text);
      for (const position of at) {
        re.lastIndex = position;
        const m = re.exec(text);
        if (m) return m;
      }
      return null;
    },
  };
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A deterministic Aho-Corasick automaton over ASCII (any other character leads back to the root, since no
 * prefix holds one), with the characters that occur in prefixes as its alphabet.
 */
class Automaton {
  /** Character code (< 128) -> its class; 0 for a character no prefix holds. */
  private readonly classOf = new Uint8Array(128);
  private readonly classes: number;
  /** state * classes + class -> next state. */
  private readonly next: Uint32Array;
  /** For each state, the (length, owner) pairs of the prefixes that end there, its own and its suffixes'. */
  private readonly found: (readonly { length: number; owners: readonly number[] }[])[];
  /** Which owners have prefixes (the others are tried everywhere). */
  private readonly filtered: boolean[];

  constructor(prefixes: readonly (readonly string[] | null)[]) {
    this.filtered = prefixes.map((list) => list !== null);
    let classes = 1;
    for (const list of prefixes) {
      for (const s of list ?? []) {
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (this.classOf[c] === 0) this.classOf[c] = classes++;
        }
      }
    }
    this.classes = classes;
    // The trie, then the failure links breadth first, which complete it into a DFA.
    const children: Map<number, number>[] = [new Map()];
    const ends: Map<number, number[]>[] = [new Map()]; // state -> length -> owners
    prefixes.forEach((list, owner) => {
      for (const s of list ?? []) {
        let state = 0;
        for (let i = 0; i < s.length; i++) {
          const k = this.classOf[s.charCodeAt(i)] as number;
          let child = children[state]?.get(k);
          if (child === undefined) {
            child = children.push(new Map()) - 1;
            ends.push(new Map());
            children[state]?.set(k, child);
          }
          state = child;
        }
        const here = ends[state] as Map<number, number[]>;
        const list2 = here.get(s.length) ?? [];
        if (!list2.includes(owner)) list2.push(owner);
        here.set(s.length, list2);
      }
    });
    const states = children.length;
    this.next = new Uint32Array(states * classes);
    const fail = new Uint32Array(states);
    const order: number[] = [];
    for (let k = 1; k < classes; k++) {
      const child = children[0]?.get(k);
      if (child !== undefined) {
        this.next[k] = child;
        order.push(child);
      }
    }
    for (let q = 0; q < order.length; q++) {
      const state = order[q] as number;
      for (let k = 1; k < classes; k++) {
        const child = children[state]?.get(k);
        const viaFail = this.next[(fail[state] as number) * classes + k] as number;
        if (child !== undefined) {
          fail[child] = viaFail;
          this.next[state * classes + k] = child;
          order.push(child);
        } else {
          this.next[state * classes + k] = viaFail;
        }
      }
    }
    this.found = new Array(states);
    this.found[0] = [];
    for (const state of order) {
      const own = [...(ends[state] as Map<number, number[]>)].map(([length, owners]) => ({ length, owners }));
      this.found[state] = [...own, ...(this.found[fail[state] as number] ?? [])];
    }
  }

  scan(text: string): (number[] | null)[] {
    const out = this.filtered.map((f) => (f ? [] : null));
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? (this.classOf[c] as number) : 0;
      state = k === 0 ? 0 : (this.next[state * this.classes + k] as number);
      const found = this.found[state] as { length: number; owners: readonly number[] }[];
      for (let f = 0; f < found.length; f++) {
        const { length, owners } = found[f] as { length: number; owners: readonly number[] };
        for (let o = 0; o < owners.length; o++) {
          const owner = owners[o] as number;
          (out[owner] as number[]).push(i - length + 1);
        }
      }
    }
    // Prefixes of different lengths end in order but may start out of it.
    for (const list of out) if (list && list.length > 1) sortUnique(list);
    return out;
  }
}

function sortUnique(list: number[]): void {
  list.sort((a, b) => a - b);
  let w = 1;
  for (let r = 1; r < list.length; r++) if (list[r] !== list[w - 1]) list[w++] = list[r] as number;
  list.length = w;
}
