import type { ToolDefinition, ToolDefinitionChange, ToolDefinitionVersion } from '../domain/tool-definitions.js';
import type { ToolDefinitionRepository } from '../store/tool-definition-repository.js';
import { diffToolDefinitions } from './tool-definition.js';

/** What the rug-pull rule knows about the definition a call carries. */
export interface ToolDefinitionObservation {
  toolKey: string;
  hash: string;
  /** Its version number for this agent's tool; null when the tool's history is full and it was not stored. */
  version: number | null;
  /** The first definition seen for this agent and tool. */
  baseline: { hash: string; firstSeenAt: string };
  /** Changes from the baseline; empty when the call carries the baseline definition. */
  changes: ToolDefinitionChange[];
}

export interface ToolDefinitionRegistryOptions {
  /** Versions stored per agent and tool; later ones are still compared with the baseline but not stored. */
  maxVersionsPerTool?: number;
  /** Tools tracked per agent; calls of further tools are not tracked. */
  maxToolsPerAgent?: number;
  /** Tools whose history is kept in memory, the most recently called; the others are read again when called. */
  maxCachedTools?: number;
}

export interface SeenToolDefinition {
  agentId: string;
  toolKey: string;
  hash: string;
  definition: ToolDefinition;
  /** ISO time of the call. */
  at: string;
  eventId: string | null;
}

/** A tool of an agent that already has `maxToolsPerAgent` others: its calls are not tracked. */
const UNTRACKED = 'untracked';

interface ToolEntry {
  baseline: { hash: string; firstSeenAt: string };
  baselineDefinition: ToolDefinition;
  /** Stored versions: hash -> version and its changes from the baseline. */
  versions: Map<string, { version: number; changes: ToolDefinitionChange[] }>;
}

const DEFAULT_MAX_VERSIONS = 20;
const DEFAULT_MAX_TOOLS = 500;
const DEFAULT_MAX_CACHED_TOOLS = 10_000;

/**
 * The tool definitions seen per agent, for the rug-pull rule. In memory only hashes and version
 * numbers are kept, for the `maxCachedTools` tools called most recently: a tool is read from the store
 * the first time it is called after a start (or after it fell out of memory), so a start reads nothing
 * and memory does not grow with the tenant; a call with a known definition is then answered without
 * the database. A definition not seen before is stored, with its diff from the previous version, before
 * the decision is made: nothing the rule relies on exists only in memory, and if the store fails the
 * decision fails (fail mode) and the next call tries again. A tool's history holds at most
 * `maxVersionsPerTool` versions; further definitions are compared with the baseline but not stored, so
 * a caller cycling through definitions cannot grow the table or the memory without bound. An agent's
 * tools are counted in the store before a new one is tracked (instances adding tools of one agent at
 * the same moment can each add one past `maxToolsPerAgent`).
 */
export class ToolDefinitionRegistry {
  /** Least recently called first (a Map keeps insertion order; a call moves its tool to the end). */
  private readonly tools = new Map<string, ToolEntry | typeof UNTRACKED>();
  /** One store round trip at a time per agent and tool; concurrent calls wait for it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly maxVersions: number;
  private readonly maxTools: number;
  private readonly maxCached: number;

  constructor(
    private readonly repository: ToolDefinitionRepository,
    options: ToolDefinitionRegistryOptions = {},
  ) {
    this.maxVersions = options.maxVersionsPerTool ?? DEFAULT_MAX_VERSIONS;
    this.maxTools = options.maxToolsPerAgent ?? DEFAULT_MAX_TOOLS;
    this.maxCached = options.maxCachedTools ?? DEFAULT_MAX_CACHED_TOOLS;
  }

  /** How many tools are in memory (at most `maxCachedTools`). */
  get cachedTools(): number {
    return this.tools.size;
  }

  /**
   * Where this definition stands against the first one seen for the agent's tool; stores it when new.
   * Null when the tool is not tracked (the agent already has `maxToolsPerAgent` tools).
   */
  async observe(seen: SeenToolDefinition): Promise<ToolDefinitionObservation | null> {
    const key = keyOf(seen.agentId, seen.toolKey);
    for (;;) {
      if (this.touch(key) === UNTRACKED) return null;
      const known = this.fromMemory(key, seen);
      if (known) return known;
      const pending = this.inFlight.get(key);
      if (!pending) break;
      // Another call is storing or reading this tool: wait, then look again (it may be this very definition).
      await pending.catch(() => undefined);
    }
    const work = this.readOrStore(key, seen);
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The tool's entry, now the most recently called. */
  private touch(key: string): ToolEntry | typeof UNTRACKED | undefined {
    const entry = this.tools.get(key);
    if (entry !== undefined) {
      this.tools.delete(key);
      this.tools.set(key, entry);
    }
    return entry;
  }

  private keep(key: string, entry: ToolEntry | typeof UNTRACKED): void {
    this.tools.delete(key);
    this.tools.set(key, entry);
    for (const oldest of this.tools.keys()) {
      if (this.tools.size <= this.maxCached) break;
      this.tools.delete(oldest);
    }
  }

  private fromMemory(key: string, seen: SeenToolDefinition): ToolDefinitionObservation | null {
    const entry = this.tools.get(key);
    if (!entry || entry === UNTRACKED) return null;
    const stored = entry.versions.get(seen.hash);
    if (stored) return observation(seen, entry, stored.version, stored.changes);
    if (entry.versions.size >= this.maxVersions) {
      return observation(seen, entry, null, diffToolDefinitions(entry.baselineDefinition, seen.definition));
    }
    return null;
  }

  private async readOrStore(key: string, seen: SeenToolDefinition): Promise<ToolDefinitionObservation | null> {
    let versions = await this.repository.ofTool(seen.agentId, seen.toolKey);
    if (versions.length === 0 && (await this.repository.toolCount(seen.agentId)) >= this.maxTools) {
      this.keep(key, UNTRACKED);
      return null;
    }
    if (!versions.some((v) => v.hash === seen.hash) && versions.length < this.maxVersions) {
      const previous = versions.at(-1);
      versions = await this.repository.add({
        agentId: seen.agentId,
        toolKey: seen.toolKey,
        hash: seen.hash,
        definition: seen.definition,
        diff: previous ? diffToolDefinitions(previous.definition, seen.definition) : [],
        firstSeenAt: seen.at,
        eventId: seen.eventId,
      });
    }
    this.remember(key, versions);
    return this.fromMemory(key, seen);
  }

  private remember(key: string, versions: ToolDefinitionVersion[]): void {
    const baseline = versions[0]!;
    const entry: ToolEntry = {
      baseline: { hash: baseline.hash, firstSeenAt: baseline.firstSeenAt },
      baselineDefinition: baseline.definition,
      versions: new Map(),
    };
    for (const v of versions) {
      const changes = v.hash === baseline.hash ? [] : diffToolDefinitions(baseline.definition, v.definition);
      entry.versions.set(v.hash, { version: v.version, changes });
    }
    this.keep(key, entry);
  }
}

function observation(
  seen: SeenToolDefinition,
  entry: ToolEntry,
  version: number | null,
  changes: ToolDefinitionChange[],
): ToolDefinitionObservation {
  return { toolKey: seen.toolKey, hash: seen.hash, version, baseline: { ...entry.baseline }, changes };
}

const keyOf = (agentId: string, toolKey: string) => `${agentId}\u0000${toolKey}`;
