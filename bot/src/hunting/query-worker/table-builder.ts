// Runs in a worker thread: builds the agent snapshot tables (AIAgentsInfo, AgentsInfo) from the store's records,
// given as JSON text a page at a time, and packs their columns, so that 100,000 agents' rows are made and collected
// off the request thread (made there, their gigabytes of short-lived objects held up every request while they were
// collected). Each row's cells are packed as the row is made (ColumnPacker): the thread holds the packed bytes, not
// the rows, so every column is finished at once, after the last agent; the thread ends once it has sent them.
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { Agent, AgentSnapshot, DirectoryUser } from '../../domain/types.js';
import { HUNTING_SCHEMAS, SnapshotTableBuilder } from '../hunting-tables.js';
import type { SnapshotTable } from '../hunting-tables.js';
import type { Row } from '../kql/values.js';
import { ColumnPacker } from './packed-tables.js';
import type { FromBuilder, ToBuilder } from './build-protocol.js';
import { runBelowRequestThread } from '../../worker-thread.js';

const port = parentPort;
if (!port) throw new Error('table-builder.ts runs in a worker thread');
// Below the query threads too: a person waits for a query; a build answers later ones.
runBelowRequestThread(os.constants.priority.PRIORITY_LOW);
const send = (message: FromBuilder) => port.postMessage(message);

const snapshots: AgentSnapshot[] = [];
let builder: SnapshotTableBuilder | null = null;
/** A packer per column of both tables, given each row's cell as the row is made. */
let packers: ColumnPacker[] = [];

/** The packers of a table's columns, and a sink that gives each its cell of a row. */
function packersOf(table: SnapshotTable): { packers: ColumnPacker[]; add: (row: Row) => void } {
  const mine = (HUNTING_SCHEMAS[table] ?? []).map((column) => new ColumnPacker(table, column));
  const names = mine.map((p) => p.column.name);
  return {
    packers: mine,
    add: (row) => {
      for (let i = 0; i < mine.length; i += 1) (mine[i] as ColumnPacker).add(row[names[i] as string]);
    },
  };
}

port.on('message', (message: ToBuilder) => {
  try {
    if (message.type === 'snapshots') {
      for (const text of message.texts) snapshots.push(JSON.parse(text) as AgentSnapshot);
    } else if (message.type === 'users') {
      const ai = packersOf('AIAgentsInfo');
      const info = packersOf('AgentsInfo');
      packers = [...ai.packers, ...info.packers];
      builder = new SnapshotTableBuilder(snapshots.splice(0), message.users as DirectoryUser[], (rows) => {
        ai.add(rows.aiAgentsInfo);
        info.add(rows.agentsInfo);
      });
    } else if (message.type === 'agents') {
      if (!builder) throw new Error('agents before the directory');
      for (const text of message.texts) builder.add(JSON.parse(text) as Agent);
    } else if (message.type === 'pack') {
      if (!builder) throw new Error('pack before the directory');
      builder = null;
      for (const packer of packers.splice(0)) send({ type: 'column', packed: packer.finish(message.version) });
      send({ type: 'done' });
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
