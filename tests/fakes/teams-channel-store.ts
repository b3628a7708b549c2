import type {
  ChannelDeactivationReason,
  ChannelRef,
  ChannelStore,
  RegisteredChannel,
} from '../../bot/src/teams/ports.js';

/** ChannelStore in memory, keyed by conversation id like the real one. */
export class FakeChannelStore implements ChannelStore {
  readonly channels = new Map<string, RegisteredChannel>();

  constructor(private readonly clock: () => Date = () => new Date('2026-11-24T10:00:00.000Z')) {}

  async upsertChannel(ref: ChannelRef): Promise<void> {
    this.channels.set(ref.conversationId, { ...ref, active: true, deactivatedAt: null, deactivationReason: null });
  }

  async deactivate(conversationId: string, reason: ChannelDeactivationReason): Promise<void> {
    const channel = this.channels.get(conversationId);
    if (!channel) return;
    this.channels.set(conversationId, {
      ...channel,
      active: false,
      deactivatedAt: this.clock().toISOString(),
      deactivationReason: reason,
    });
  }

  async list(): Promise<RegisteredChannel[]> {
    return [...this.channels.values()];
  }
}
