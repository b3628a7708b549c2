// The messages between the request thread and the thread that builds and packs the agent snapshot tables
// (table-builder.ts): the store's records go in as JSON text, packed columns come out in shared buffers.
import type { DirectoryUser } from '../../domain/types.js';
import type { PackedColumn } from './packed-tables.js';

export type ToBuilder =
  /** Snapshots (AgentSnapshot JSON), a page at a time; all of them before the directory. */
  | { type: 'snapshots'; texts: string[] }
  /** The directory (owners' object ids); the agents follow. */
  | { type: 'users'; users: DirectoryUser[] }
  /** Agents (Agent JSON) in id order, a page at a time. */
  | { type: 'agents'; texts: string[] }
  /** Every agent sent: finish every column under `version` and send them all. */
  | { type: 'pack'; version: number };

export type FromBuilder =
  { type: 'column'; packed: PackedColumn } | { type: 'done' } | { type: 'failed'; message: string };
