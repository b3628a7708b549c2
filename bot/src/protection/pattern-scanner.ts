/**
 * Where a table of regular expressions can match, found in one pass: every expression's literal prefixes
 * (regex-literals.ts) go into one Aho-Corasick automaton, and a scan of the text lists, for each expression,
 * the positions where one of its prefixes starts. The expression is then tried only there (a sticky
 * regular expression at each position, leftmost first), which finds the same first match as running it
 * over the whole text, at a cost that grows with the text once instead of once per expression. An
 * expression whose prefixes say too little runs over the whole text, and only if the text holds one of the
 * literals every match of it contains.
 */
import { literalRequirements } from './regex-literals.js';

export interface ScannedTable {
  /** The first match of expression `index` in `text`, the same as `expressions[index].exec(text)`. */
  exec(index: number, text: string, starts: readonly (readonly number[] | null)[]): RegExpExecArray | null;
  /**
   * For each expression, where one of its prefixes starts in the text (ascending; null: it has none), then for
   * each, where one of the literals every match of it holds starts (only whether there is one matters).
   */
  starts(text: string): (number[] | null)[];
}

export function scannedTable(expressions: readonly RegExp[]): ScannedTable {
  const asciiOnly = (list: string[] | null) => (list?.every(isAscii) ? list : null);
  const needs = expressions.map((re) => {
    const found = re.flags === '' ? literalRequirements(re.source) : { prefixes: null, required: null };
    const prefixes = asciiOnly(found.prefixes);
    return { prefixes, required: prefixes ? null : asciiOnly(found.required) };
  });
  const sticky = expressions.map((re, i) => (needs[i]?.prefixes ? new RegExp(re.source, 'y') : null));
  // Owners 0..n-1 are the expressions' prefixes (where they start), n..2n-1 their required literals (whether any occurs).
  const n = expressions.length;
  const automaton = new Automaton([...needs.map((x) => x.prefixes), ...needs.map((x) => x.required)]);
  return {
    starts: (text) => automaton.scan(text),
    exec(index, text, starts) {
      const at = starts[index];
      const re = sticky[index];
      if (at && re) {
        for (const position of at) {
          re.lastIndex = position;
          const m = re.exec(text);
          if (m) return m;
        }
        return null;
      }
      const somewhere = starts[n + index];
      if (somewhere && somewhere.length === 0) return null; // none of the literals every match holds
      return (expressions[index] as RegExp).exec(text);
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
  /** The (length, owner) pairs of the prefixes that end at each state, its own and its suffixes': state s's are at
   * outFrom[s] to outFrom[s + 1] of outLength and outOwner. */
  private readonly outFrom: Uint32Array;
  private readonly outLength: Uint16Array;
  private readonly outOwner: Uint16Array;
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
    // Each state's outputs: its own, then its failure state's (already complete, breadth first).
    const found: { length: number; owner: number }[][] = new Array(states);
    found[0] = [];
    for (const state of order) {
      const own = [...(ends[state] as Map<number, number[]>)].flatMap(([length, owners]) =>
        owners.map((owner) => ({ length, owner })),
      );
      found[state] = [...own, ...(found[fail[state] as number] as { length: number; owner: number }[])];
    }
    this.outFrom = new Uint32Array(states + 1);
    let total = 0;
    for (let st = 0; st < states; st++) {
      this.outFrom[st] = total;
      total += (found[st] ?? []).length;
    }
    this.outFrom[states] = total;
    this.outLength = new Uint16Array(total);
    this.outOwner = new Uint16Array(total);
    for (let st = 0; st < states; st++) {
      (found[st] ?? []).forEach((f, k) => {
        this.outLength[(this.outFrom[st] as number) + k] = f.length;
        this.outOwner[(this.outFrom[st] as number) + k] = f.owner;
      });
    }
  }

  scan(text: string): (number[] | null)[] {
    const out: (number[] | null)[] = this.filtered.map((f) => (f ? NOTHING : null));
    const { classOf, next, classes, outFrom, outLength, outOwner } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? (classOf[c] as number) : 0;
      state = k === 0 ? 0 : (next[state * classes + k] as number);
      for (let f = outFrom[state] as number, end = outFrom[state + 1] as number; f < end; f++) {
        const owner = outOwner[f] as number;
        const list = out[owner] as number[];
        if (list === NOTHING) out[owner] = [i - (outLength[f] as number) + 1];
        else list.push(i - (outLength[f] as number) + 1);
      }
    }
    // Prefixes of different lengths end in order but may start out of it.
    for (const list of out) if (list && list.length > 1) sortUnique(list);
    return out;
  }
}

/** An owner with prefixes none of which occurs (shared, never written). */
const NOTHING: number[] = Object.freeze([]) as unknown as number[];

function sortUnique(list: number[]): void {
  list.sort((a, b) => a - b);
  let w = 1;
  for (let r = 1; r < list.length; r++) if (list[r] !== list[w - 1]) list[w++] = list[r] as number;
  list.length = w;
}
