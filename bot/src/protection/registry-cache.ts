import type { Agent, DirectoryUser } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { changeVersion } from '../store/outbox.js';
import type { OutboxTopic } from '../store/outbox.js';
import { ProtectionEventRepository } from '../store/protection-repository.js';

/** The outbox topics that mean an agent's or a user's record changed (block, revoke, approve...). */
const REGISTRY_TOPICS: OutboxTopic[] = ['agent.changed', 'user.changed', 'submission.changed'];
/** Past this many registry changes between two polls, the whole cache is dropped rather than walked. */
const MAX_CHANGES_PER_POLL = 1000;

export interface RegistryCacheOptions {
  /** How often the change version is polled; 0 disables the timer (tests call refreshIfChanged). */
  pollMs?: number;
  /** An entry older than this is read again, whatever the change version says (a change made outside the outbox). */
  maxAgeMs?: number;
  /** At most this many agents (and as many users) are held; the least recently used go first. */
  maxEntries?: number;
  onError?: (err: unknown) => void;
}

interface Entry<T> {
  value: T | null;
  loadedAt: number;
}

/**
 * A bounded map, least recently used first out, of lookups by key, filled on demand: a miss reads the
 * store once (concurrent misses of one key share the read), and "not found" is remembered too, so an
 * unknown id sent again and again costs one read per `maxAgeMs`, not one per call.
 */
class OnDemand<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T | null>>();
  /** Moves on every invalidation: a read that started before one is not kept. */
  private generation = 0;

  constructor(
    private readonly read: (key: string) => Promise<T | null>,
    private readonly maxEntries: number,
    private readonly maxAgeMs: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, without reading the store (undefined: not cached or too old). */
  peek(key: string): T | null | undefined {
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.loadedAt > this.maxAgeMs()) return undefined;
    return entry.value;
  }

  get(key: string): T | null | Promise<T | null> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.loadedAt <= this.maxAgeMs()) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = this.read(key)
        .then((value) => {
          if (generation === this.generation) this.put(key, value);
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private put(key: string, value: T | null): void {
    this.entries.delete(key);
    this.entries.set(key, { value, loadedAt: Date.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/**
 * The agents and users the webhook decides about, read from the store on first use and held in a
 * bounded cache, so that a start does not read the whole tenant and a decision rarely waits on the
 * database. The store's change version is polled; when an agent, user or submission change was
 * announced in the outbox since the last poll, the entries it names are dropped (decisions bump the
 * version too, and drop nothing). This keeps instances sharing one database coherent.
 */
export class RegistryCache {
  private readonly agents: OnDemand<Agent>;
  private readonly users: OnDemand<DirectoryUser>;
  private seenVersion = -1;
  private seenRegistrySeq = -1;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly events: ProtectionEventRepository;

  constructor(
    private readonly store: Store,
    private readonly options: RegistryCacheOptions = {},
  ) {
    this.events = new ProtectionEventRepository(store.db);
    const maxEntries = options.maxEntries ?? 20_000;
    const maxAgeMs = () => this.options.maxAgeMs ?? 60_000;
    this.agents = new OnDemand((id) => store.agents.get(id), maxEntries, maxAgeMs);
    this.users = new OnDemand(
      async (idOrUpn) =>
        (await store.users.get(idOrUpn)) ??
        (idOrUpn !== idOrUpn.toLowerCase() ? await store.users.get(idOrUpn.toLowerCase()) : null),
      maxEntries,
      maxAgeMs,
    );
  }

  /** Reads where the change markers stand (nothing of the registry itself) and starts polling. */
  async start(): Promise<void> {
    this.seenVersion = await changeVersion(this.store.db);
    this.seenRegistrySeq = await this.lastRegistrySeq();
    const pollMs = this.options.pollMs ?? 250;
    if (pollMs > 0) {
      this.timer = setInterval(() => {
        this.refreshIfChanged().catch((err: unknown) => this.options.onError?.(err));
      }, pollMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The agent by id: from the cache, or read from the store on a miss. */
  async agent(id: string | null): Promise<Agent | null> {
    return id ? this.agents.get(id) : null;
  }

  /** The agent when it is cached, without reading the store (null otherwise): for answers that cannot wait. */
  cachedAgent(id: string | null): Agent | null {
    return id ? (this.agents.peek(id) ?? null) : null;
  }

  /** By Entra object id, or by UPN when a caller sends that instead. */
  async user(idOrUpn: string | null): Promise<DirectoryUser | null> {
    return idOrUpn ? this.users.get(idOrUpn) : null;
  }

  /** How many agents and users are held now (bounded by maxEntries each). */
  get size(): { agents: number; users: number } {
    return { agents: this.agents.size, users: this.users.size };
  }

  /** Drops what changed since the last poll; concurrent calls share one check. */
  refreshIfChanged(): Promise<void> {
    this.inFlight ??= this.check().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async check(): Promise<void> {
    const version = await changeVersion(this.store.db);
    if (version === this.seenVersion) return;
    // Read the changes after the version: one landing in between is then seen again on the next poll.
    const rows = await this.events.outboxSince(this.seenRegistrySeq, REGISTRY_TOPICS, MAX_CHANGES_PER_POLL);
    if (rows.length >= MAX_CHANGES_PER_POLL) {
      this.agents.clear();
      this.users.clear();
      this.seenRegistrySeq = await this.lastRegistrySeq();
    } else {
      for (const row of rows) {
        if (row.topic === 'agent.changed') this.agents.delete(row.subjectId);
        // A user is cached under the id or the UPN it was asked by; a submission may change any agent.
        else if (row.topic === 'user.changed') this.users.clear();
        else this.agents.clear();
        this.seenRegistrySeq = Math.max(this.seenRegistrySeq, row.seq);
      }
    }
    this.seenVersion = version;
  }

  private lastRegistrySeq(): Promise<number> {
    return this.events.lastOutboxSeq(REGISTRY_TOPICS);
  }
}
