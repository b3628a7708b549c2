// The names a query can read columns by: what lets the service send a query thread only the columns a query reads
// (query-columns.ts) and the engine copy only those columns from row to row (engine.ts). Conservative: a name
// counts in any case, as an identifier or a string (`column_ifexists("X", ...)`), and with the digits a join adds
// dropped (`AIAgentName1` may read `AIAgentName`); a `*` that may stand for every column reads them all.
import type { Token } from './tokenizer.js';
import { tokenize } from './tokenizer.js';

/** Words after which a `*` may stand for every column (`distinct *`, `parse ... with *`, `project-away *`...). */
const STAR_AFTER_WORD_READS_ALL = new Set([
  'distinct',
  'by',
  'with',
  'on',
  'project',
  'project-away',
  'project-keep',
  'project-reorder',
  'extend',
  'where',
  'summarize',
  'union',
  'order',
  'sort',
  'top',
]);

/**
 * A `*` that reads no column by itself: a call's `*` (`arg_max(Timestamp, *)`, `take_any(*)`: one row's columns,
 * chosen by a named one, whichever are read later are named later or are in the output), a column pattern
 * (`project-away Raw*`: what it keeps is in the output), or a multiplication of named operands.
 */
function starReadsNothing(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (!prev) return false;
  if (prev.kind === 'punct') return prev.text === ',' || prev.text === '(' || prev.text === ')' || prev.text === ']';
  if (prev.kind === 'ident') return !STAR_AFTER_WORD_READS_ALL.has(prev.text.toLowerCase());
  return prev.kind === 'number' || prev.kind === 'timespan';
}

/** The lower-cased names a query reads columns by; `everything` when a `*` may read every column. */
export class NamesRead {
  readonly names = new Set<string>();
  everything = false;

  constructor(text: string) {
    const tokens = tokenize(text);
    tokens.forEach((t, i) => {
      if (t.kind === 'ident' || t.kind === 'string') this.add(t.text);
      else if (t.kind === 'punct' && t.text === '*' && !starReadsNothing(tokens, i)) this.everything = true;
    });
  }

  /** Counts a name (a column of the output, or one the engine reads without its being written). */
  add(name: string): void {
    let n = name.toLowerCase();
    this.names.add(n);
    // A join names the right side's clashing columns Name1, Name2...: each digit dropped may name a column.
    while (/\d$/.test(n)) {
      n = n.slice(0, -1);
      this.names.add(n);
    }
  }

  /** Whether the query may read a column of this name. */
  reads(name: string): boolean {
    return this.everything || this.names.has(name.toLowerCase());
  }
}
