import type { Agent, DirectoryUser } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { changeVersion } from '../store/outbox.js';
import type { OutboxTopic } from '../store/outbox.js';
import { ProtectionEventRepository } from '../store/protection-repository.js';

/** The outbox topics that mean an agent's or a user's record changed (block, revoke, approve...). */
const REGISTRY_TOPICS: OutboxTopic[] = ['agent.changed', 'user.changed', 'submission.changed'];

export interface RegistryCacheOptions {
  /** How often the change version is polled; 0 disables the timer (tests call refreshIfChanged). */
  pollMs?: number;
  /** A full reload at least this often, whatever the change version says (a change made outside the outbox). */
  maxAgeMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The agents and users the webhook decides about, held in memory so a decision never waits on the
 * database. It reloads when the store's change version moved and an agent, user or submission change
 * was announced in the outbox since the last load (decisions themselves bump the version too, and
 * must not make it reload).
 */
export class RegistryCache {
  private agents = new Map<string, Agent>();
  private users = new Map<string, DirectoryUser>();
  private seenVersion = -1;
  private seenRegistrySeq = -1;
  private loadedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly events: ProtectionEventRepository;

  constructor(
    private readonly store: Store,
    private readonly options: RegistryCacheOptions = {},
  ) {
    this.events = new ProtectionEventRepository(store.db);
  }

  /** Loads everything once and starts polling. */
  async start(): Promise<void> {
    await this.reload();
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

  agent(id: string | null): Agent | null {
    return id ? (this.agents.get(id) ?? null) : null;
  }

  /** By Entra object id, or by UPN when a caller sends that instead. */
  user(idOrUpn: string | null): DirectoryUser | null {
    if (!idOrUpn) return null;
    return this.users.get(idOrUpn) ?? this.users.get(idOrUpn.toLowerCase()) ?? null;
  }

  /** Reloads when the registry changed since the last load; concurrent calls share one reload. */
  refreshIfChanged(): Promise<void> {
    this.inFlight ??= this.check().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async check(): Promise<void> {
    const version = await changeVersion(this.store.db);
    const stale = Date.now() - this.loadedAt > (this.options.maxAgeMs ?? 60_000);
    if (version === this.seenVersion && !stale) return;
    const registrySeq = await this.lastRegistrySeq();
    if (registrySeq !== this.seenRegistrySeq || stale) await this.reload();
    else this.seenVersion = version;
  }

  private async reload(): Promise<void> {
    // Read the markers first: a change landing during the load is then seen again on the next poll.
    const version = await changeVersion(this.store.db);
    const registrySeq = await this.lastRegistrySeq();
    const [agents, users] = await Promise.all([this.store.agents.all(), this.store.users.all()]);
    this.agents = new Map(agents.map((a) => [a.id, a]));
    const byUser = new Map<string, DirectoryUser>();
    for (const u of users) {
      byUser.set(u.id, u);
      byUser.set(u.upn.toLowerCase(), u);
    }
    this.users = byUser;
    this.seenVersion = version;
    this.seenRegistrySeq = registrySeq;
    this.loadedAt = Date.now();
  }

  private lastRegistrySeq(): Promise<number> {
    return this.events.lastOutboxSeq(REGISTRY_TOPICS);
  }
}
