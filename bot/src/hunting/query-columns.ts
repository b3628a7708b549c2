// Which tables, and which of their columns, a query reads: what the service packs and sends to a query thread
// before the query runs (a first query after a start or a change then waits only for those). Conservative: a
// column is left out only when no name in the query can reach it, so an answer never changes; anything this does
// not understand keeps every column of the tables read.
import type { KqlCatalog } from './kql/engine.js';
import { compileKql } from './kql/engine.js';
import type { Token } from './kql/tokenizer.js';
import { tokenize } from './kql/tokenizer.js';

/** Table name -> the columns of it the query may read, in the table's order. */
export type ColumnsRead = Map<string, string[]>;

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

/**
 * The columns `text` reads of each table it names. A column counts when its name (any case) is written in the query
 * (as a name or a string: `column_ifexists("X", ...)`), possibly with the digits a join adds (`AIAgentName1`), or
 * when it is in the query's output (`AIAgentsInfo | take 10`, `arg_max(Timestamp, *)` left unprojected); every column
 * when a `*` may read them all. Throws what compiling throws.
 */
export function columnsRead(text: string, catalog: KqlCatalog): ColumnsRead {
  const tables = new Set<string>();
  const recording: KqlCatalog = {
    tableNames: () => catalog.tableNames(),
    schema: (name) => {
      const schema = catalog.schema(name);
      if (schema) tables.add(name);
      return schema;
    },
  };
  const compiled = compileKql(text, recording);
  const names = new Set<string>();
  const addName = (name: string) => {
    let n = name.toLowerCase();
    names.add(n);
    // A join names the right side's clashing columns Name1, Name2...: each digit dropped may name a column.
    while (/\d$/.test(n)) {
      n = n.slice(0, -1);
      names.add(n);
    }
  };
  let everything = false;
  const tokens = tokenize(text);
  tokens.forEach((t, i) => {
    if (t.kind === 'ident' || t.kind === 'string') addName(t.text);
    else if (t.kind === 'punct' && t.text === '*' && !starReadsNothing(tokens, i)) everything = true;
  });
  for (const c of compiled.schema) addName(c.name);
  const read: ColumnsRead = new Map();
  for (const table of tables) {
    const columns = catalog.schema(table) ?? [];
    read.set(
      table,
      columns.filter((c) => everything || names.has(c.name.toLowerCase())).map((c) => c.name),
    );
  }
  return read;
}

/** Every column of every table of `catalog` (what the background preparation sends). */
export function allColumns(catalog: KqlCatalog): ColumnsRead {
  return new Map(catalog.tableNames().map((t) => [t, (catalog.schema(t) ?? []).map((c) => c.name)]));
}
