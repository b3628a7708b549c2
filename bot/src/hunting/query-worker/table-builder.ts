// Runs in a worker thread: builds the agent snapshot tables (AIAgentsInfo, AgentsInfo) from the store's records,
// given as JSON text a page at a time, and packs their columns, so that 100,000 agents' rows are made and collected
// off the request thread (made there, their gigabytes of short-lived objects held up every request while they were
// collected). The columns a query waits for are packed first; the thread ends once it has sent them all.
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { Agent, AgentSnapshot, DirectoryUser } from '../../domain/types.js';
import { HUNTING_SCHEMAS, SNAPSHOT_COLUMNS, SnapshotTableBuilder } from '../hunting-tables.js';
import type { SnapshotTables } from '../hunting-tables.js';
import { packColumn } from './packed-tables.js';
import type { FromBuilder, ToBuilder } from './build-protocol.js';
import { runBelowRequestThread } from '../../worker-thread.js';

const port = parentPort;
if (!port) throw new Error('table-builder.ts runs in a worker thread');
// Below the query threads too: a person waits for a query; a build answers later ones.
runBelowRequestThread(os.constants.priority.PRIORITY_LOW);
const send = (message: FromBuilder) => port.postMessage(message);

const snapshots: AgentSnapshot[] = [];
let builder: SnapshotTableBuilder | null = null;
/** Columns left to pack, the next first. */
let queue: { table: string; column: string }[] = [];
let version = 0;

async function packAll(tables: SnapshotTables): Promise<void> {
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { table, column } = next;
    const schema = (HUNTING_SCHEMAS[table] ?? []).find((c) => c.name === column);
    if (!schema) continue;
    const rows = tables[table as keyof SnapshotTables];
    // packColumn yields between chunks: a query's request for another column (`want`) is read meanwhile.
    send({ type: 'column', packed: await packColumn(table, schema, rows, version) });
  }
  send({ type: 'done' });
}

port.on('message', (message: ToBuilder) => {
  try {
    if (message.type === 'snapshots') {
      for (const text of message.texts) snapshots.push(JSON.parse(text) as AgentSnapshot);
    } else if (message.type === 'users') {
      builder = new SnapshotTableBuilder(snapshots.splice(0), message.users as DirectoryUser[]);
    } else if (message.type === 'agents') {
      if (!builder) throw new Error('agents before the directory');
      for (const text of message.texts) builder.add(JSON.parse(text) as Agent);
    } else if (message.type === 'pack') {
      if (!builder) throw new Error('pack before the directory');
      version = message.version;
      const first = new Set(message.first.map((c) => `${c.table}.${c.column}`));
      queue = [...message.first, ...SNAPSHOT_COLUMNS.filter((c) => !first.has(`${c.table}.${c.column}`))];
      const tables = builder.tables();
      builder = null;
      packAll(tables).catch((error: unknown) => send({ type: 'failed', message: (error as Error).message }));
    } else if (message.type === 'want') {
      const at = queue.findIndex((c) => c.table === message.table && c.column === message.column);
      if (at > 0) queue.unshift(...queue.splice(at, 1));
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
