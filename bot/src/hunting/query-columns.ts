// Which tables, and which of their columns, a query reads: what the service packs and sends to a query thread
// before the query runs (a first query after a start or a change then waits only for those). Conservative: a
// column is left out only when no name in the query can reach it, so an answer never changes; anything this does
// not understand keeps every column of the tables read.
import type { KqlCatalog } from './kql/engine.js';
import { compileKql } from './kql/engine.js';

/** Table name -> the columns of it the query may read, in the table's order. */
export type ColumnsRead = Map<string, string[]>;

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
  // The names written in the query, those of its output, and the first column of a table it reads as a list
  // (`x in (T)`, toscalar).
  const { names } = compileKql(text, recording);
  const read: ColumnsRead = new Map();
  for (const table of tables) {
    const columns = catalog.schema(table) ?? [];
    read.set(
      table,
      columns.filter((c) => names.reads(c.name)).map((c) => c.name),
    );
  }
  return read;
}

/** Every column of every table of `catalog` (what the background preparation sends). */
export function allColumns(catalog: KqlCatalog): ColumnsRead {
  return new Map(catalog.tableNames().map((t) => [t, (catalog.schema(t) ?? []).map((c) => c.name)]));
}
