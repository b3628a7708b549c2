// The notifier against Teams' refusals, its limits, and crashes: retries persisted in the outbox, Retry-After
// honoured, removed bots deactivating channels, and the documented outcome of a crash between send and record.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEAMS_THREAD_LIMITS } from '../../bot/src/teams/notifier/rate-limiter.js';
import { BACKENDS } from '../support/test-db.js';
import type { NotifierWorld } from './notifier-world.js';
import { IT, SOC, createNotifierWorld } from './notifier-world.js';

const outboxRow = async (world: NotifierWorld) =>
  (
    await world.db.query<{ attempts: number; due_in_ms: number; last_error: string | null; done: boolean }>(
      `select attempts, (extract(epoch from (available_at - now())) * 1000)::int as due_in_ms, last_error,
              done_at is not null as done
       from outbox order by seq desc limit 1`,
    )
  )[0]!;

const cardRow = async (world: NotifierWorld, conversationId: string) =>
  (
    await world.db.query<{ state: string; activity_id: string | null; reposted: boolean; send_count: number }>(
      `select state, activity_id, reposted, send_count from card_posts where conversation_id = $1`,
      [conversationId],
    )
  )[0];

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`notifier resilience (${backend.name})`, () => {
    let world: NotifierWorld;

    beforeAll(async () => {
      world = await createNotifierWorld(backend.name);
    });
    afterAll(async () => world.close());
    beforeEach(async () => {
      await world.reset();
      await world.registerChannel(SOC);
      await world.registerChannel(IT);
    });

    it('keeps every conversation within Teams per-thread limits (fake clock, no 429 from the connector)', async () => {
      for (let i = 1; i <= 40; i++) await world.incident(`inc-${i}`, 'critical');
      await world.notifier({ concurrency: 4 }).drain();
      for (const conversationId of [SOC, IT]) {
        expect(world.connector.threads(conversationId)).toHaveLength(40);
        const times = world.connector.acceptedWrites(conversationId);
        for (const { limit, windowMs } of TEAMS_THREAD_LIMITS) {
          for (const t of times)
            expect(times.filter((u) => u >= t && u < t + windowMs).length).toBeLessThanOrEqual(limit);
        }
      }
      expect(world.connector.requests.filter((r) => r.status === 429)).toHaveLength(0);
      // 40 posts at 8 per 2 s cannot take less than 8 s of (virtual) time: the limiter paced them.
      const soc = world.connector.acceptedWrites(SOC);
      expect(soc[soc.length - 1]! - soc[0]!).toBeGreaterThanOrEqual(8_000);
    });

    it('retries a 429 no sooner than Retry-After, persisting attempts and the next attempt time', async () => {
      world.connector.failNext({ status: 429, retryAfterSeconds: 7, conversationId: SOC, op: 'post' });
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();

      expect(world.connector.threads(SOC)).toHaveLength(0);
      expect(world.connector.threads(IT)).toHaveLength(1);
      const waiting = await outboxRow(world);
      expect(waiting).toMatchObject({ attempts: 1, done: false });
      expect(waiting.due_in_ms).toBeGreaterThanOrEqual(6_500);
      expect(waiting.last_error).toContain('429');
      expect((await cardRow(world, SOC))!.state).toBe('pending');

      const refusedAt = world.now();
      // Due again in the outbox, but Teams' Retry-After (held by the limiter) has not passed: not sent yet.
      await world.makeRetriesDue();
      await notifier.drain();
      expect(world.connector.threads(SOC)).toHaveLength(0);
      expect((await outboxRow(world)).due_in_ms).toBeGreaterThan(0);

      world.advance(7_000);
      await world.makeRetriesDue();
      await notifier.drain();
      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect(world.connector.threads(IT)).toHaveLength(1);
      expect(world.connector.threads(SOC)[0]!.postedAt - refusedAt).toBeGreaterThanOrEqual(7_000);
      expect(await outboxRow(world)).toMatchObject({ attempts: 3, done: true });
    });

    it.each([
      [429, 'update'],
      [503, 'update'],
      [429, 'reply'],
      [503, 'reply'],
    ] as const)(
      'a %i answering a card %s (through the adapter and its onTurnError) is retried after Retry-After, not taken as done',
      async (status, op) => {
        await world.incident('inc-1', 'high');
        const notifier = world.notifier();
        await notifier.drain();
        world.connector.failNext({ status, retryAfterSeconds: 3, conversationId: SOC, op });
        await world.addAlert('inc-1', 'Mass download');
        await notifier.drain();
        const [root] = world.connector.threads(SOC);
        const waiting = await outboxRow(world);
        expect(waiting).toMatchObject({ done: false });
        expect(waiting.due_in_ms).toBeGreaterThanOrEqual(2_500);
        expect(waiting.last_error).toContain(String(status));

        world.advance(3_000);
        await world.makeRetriesDue();
        await notifier.drain();
        expect(root!.versions).toHaveLength(2);
        expect(world.connector.repliesTo(SOC, root!.activityId)).toHaveLength(1);
        expect(world.connector.threads(SOC)).toHaveLength(1);
        expect(await notifier.outbox.backlog()).toBe(0);
      },
    );

    it('a post Teams answers without an activity id is never recorded as posted: it is posted again, marked', async () => {
      world.connector.omitIdOfNext({ conversationId: SOC, op: 'post' });
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      expect(await cardRow(world, SOC)).toMatchObject({ state: 'sending', activity_id: null });
      await world.makeRetriesDue();
      await notifier.drain();
      const [, kept] = world.connector.threads(SOC);
      expect(await cardRow(world, SOC)).toMatchObject({ state: 'posted', activity_id: kept!.activityId });
      expect(JSON.stringify(kept!.card)).toContain('Posted again');
      const unrecorded = await world.db.query(
        `select 1 from card_posts where state = 'posted' and activity_id is null`,
      );
      expect(unrecorded).toHaveLength(0);
    });

    it.each([412, 502, 503, 504])('retries %i with exponential back-off and posts once', async (status) => {
      world.connector.failNext({ status, conversationId: SOC, op: 'post' }, 2);
      await world.incident('inc-1', 'high');
      const notifier = world.notifier({ backoffBaseMs: 1_000 });
      const delays: number[] = [];
      for (let i = 0; i < 3; i++) {
        await notifier.drain();
        const row = await outboxRow(world);
        if (!row.done) delays.push(row.due_in_ms);
        await world.makeRetriesDue();
      }
      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect(world.connector.threads(IT)).toHaveLength(1);
      // random() = 0.5: 750 ms then 1,500 ms (equal jitter over 1 s, 2 s).
      expect(delays).toHaveLength(2);
      expect(delays[1]!).toBeGreaterThan(delays[0]!);
      expect(await outboxRow(world)).toMatchObject({ attempts: 3, done: true });
    });

    it.each([
      ['BotNotInConversationRoster', (w: NotifierWorld) => w.connector.removeBot(SOC)],
      ['MessageWritesBlocked', (w: NotifierWorld) => w.connector.blockWrites(SOC)],
    ])('a 403 %s deactivates the channel and posting goes on elsewhere', async (_code, refuse) => {
      refuse(world);
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      const soc = (await world.channels.list()).find((c) => c.conversationId === SOC)!;
      expect(soc.active).toBe(false);
      expect(soc.deactivationReason).toBe('botRemoved');
      expect(world.connector.threads(IT)).toHaveLength(1);
      expect(await outboxRow(world)).toMatchObject({ done: true });

      const before = world.connector.requests.filter((r) => r.conversationId === SOC).length;
      await world.incident('inc-2', 'high');
      await notifier.drain();
      expect(world.connector.requests.filter((r) => r.conversationId === SOC)).toHaveLength(before);
      expect(world.connector.threads(IT)).toHaveLength(2);
    });

    it('a 413 marks that card failed instead of retrying forever', async () => {
      world.connector.failNext({ status: 413, conversationId: SOC, op: 'post' });
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      expect((await cardRow(world, SOC))!.state).toBe('failed');
      expect(await outboxRow(world)).toMatchObject({ done: true });
      expect(world.connector.threads(IT)).toHaveLength(1);
    });

    it('crash between send and record: on restart the card is posted again, marked, and only the new copy is kept up to date', async () => {
      // One channel, so that the dead instance has exactly one send in flight.
      await world.channels.deactivate(IT, 'uninstalled');
      await world.incident('inc-1', 'high');
      const accepted = deferred();
      const crashed = world.notifier(
        { workerId: 'crashing' },
        {
          afterSend: async (e) => {
            if (e.op === 'post' && e.conversationId === SOC) {
              accepted.resolve();
              await new Promise(() => {}); // the process dies here: nothing after the send runs
            }
          },
        },
      );
      void crashed.runOnce();
      await accepted.promise;
      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect((await cardRow(world, SOC))!.state).toBe('sending');

      // Restart: a new instance, once the dead one's leases ran out.
      await world.expireLeases();
      const restarted = world.notifier({ workerId: 'restarted' });
      await restarted.drain();

      // Documented outcome: Teams cannot tell whether the first copy exists, so it is posted again, says so,
      // and is the one tracked from then on.
      const [orphan, kept] = world.connector.threads(SOC);
      expect(world.connector.threads(SOC)).toHaveLength(2);
      expect(JSON.stringify(kept!.card)).toContain('Posted again');
      expect(JSON.stringify(orphan!.card)).not.toContain('Posted again');
      expect(await cardRow(world, SOC)).toMatchObject({
        state: 'posted',
        activity_id: kept!.activityId,
        reposted: true,
      });
      expect(await restarted.outbox.backlog()).toBe(0);

      await world.addAlert('inc-1', 'Mass download');
      await restarted.drain();
      expect(kept!.versions).toHaveLength(2);
      expect(JSON.stringify(kept!.card)).toContain('Posted again');
      expect(orphan!.versions).toHaveLength(1);
      expect(world.connector.repliesTo(SOC, kept!.activityId)).toHaveLength(1);
      expect(world.connector.repliesTo(SOC, orphan!.activityId)).toHaveLength(0);
    });

    it('crash after a thread reply was sent: on restart the reply is not repeated', async () => {
      await world.incident('inc-1', 'high');
      await world.notifier().drain();
      await world.addAlert('inc-1', 'Mass download');
      const replied = deferred();
      const crashed = world.notifier(
        {},
        {
          afterSend: async (e) => {
            if (e.op === 'reply' && e.conversationId === SOC) {
              replied.resolve();
              await new Promise(() => {});
            }
          },
        },
      );
      void crashed.runOnce();
      await replied.promise;
      await world.expireLeases();
      const restarted = world.notifier();
      await restarted.drain();
      const [root] = world.connector.threads(SOC);
      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect(world.connector.repliesTo(SOC, root!.activityId)).toHaveLength(1);
      expect(root!.versions).toHaveLength(2);
      expect(await restarted.outbox.backlog()).toBe(0);
    });

    it('an answer lost on the way back counts as unknown: the card is posted again, once', async () => {
      world.connector.dropAnswerOfNext({ conversationId: SOC, op: 'post' });
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      expect((await cardRow(world, SOC))!.state).toBe('sending');
      await world.makeRetriesDue();
      await notifier.drain();
      expect(world.connector.threads(SOC)).toHaveLength(2);
      expect(await cardRow(world, SOC)).toMatchObject({ state: 'posted', reposted: true, send_count: 2 });
      await world.announce('incident.changed', 'inc-1');
      await notifier.drain();
      expect(world.connector.threads(SOC)).toHaveLength(2);
    });

    it('a post Teams never answers times out as unknown, frees the conversation, and is posted again once', async () => {
      world.connector.stallAnswerOfNext({ conversationId: SOC, op: 'post' });
      await world.incident('inc-1', 'high');
      await world.incident('inc-2', 'high');
      const notifier = world.notifier({}, {}, 300);
      await notifier.drain();
      // One post hung and timed out (its outcome unknown); the other still went out in the same conversation.
      const states = await world.db.query<{ state: string }>(
        'select state from card_posts where conversation_id = $1 order by state',
        [SOC],
      );
      expect(states.map((r) => r.state)).toEqual(['posted', 'sending']);
      await world.makeRetriesDue();
      await notifier.drain();
      const titles = world.connector.threads(SOC).map((m) => /\((inc-\d)\)/.exec(JSON.stringify(m.card))![1]);
      expect(titles.sort()).toSatisfy(
        (t: string[]) =>
          JSON.stringify(t) === '["inc-1","inc-1","inc-2"]' || JSON.stringify(t) === '["inc-1","inc-2","inc-2"]',
      );
      expect(await notifier.outbox.backlog()).toBe(0);
    });

    it('a maker message whose answer was lost is sent again, says so, and is recorded as sent', async () => {
      world.personalChats.set('maker@zava.example', 'a:personal-maker');
      world.connector.dropAnswerOfNext({ conversationId: 'a:personal-maker', op: 'post' });
      await world.announce('maker.notify', 'maker@zava.example', { message: 'Your version 1.1.0 was approved.' });
      const notifier = world.notifier();
      await notifier.drain();
      expect((await notifier.store.notifications.notices())[0]!.state).toBe('sending');
      await world.makeRetriesDue();
      await notifier.drain();
      const sent = world.connector.messages.filter((m) => m.conversationId === 'a:personal-maker');
      expect(sent.map((m) => m.text)).toEqual([
        'Your version 1.1.0 was approved.',
        'Your version 1.1.0 was approved.\n\n(Sent again: an earlier copy may have reached you.)',
      ]);
      expect((await notifier.store.notifications.notices())[0]).toMatchObject({
        state: 'sent',
        resent: true,
        activityId: sent[1]!.activityId,
      });
      expect(await notifier.outbox.backlog()).toBe(0);
    });

    it('a restart with nothing in flight posts nothing twice', async () => {
      for (let i = 1; i <= 5; i++) await world.incident(`inc-${i}`, 'high');
      const first = world.notifier();
      first.start();
      await first.stop();
      await first.drain();
      await world.expireLeases();
      const second = world.notifier();
      for (let i = 1; i <= 5; i++) await world.announce('incident.changed', `inc-${i}`);
      await second.drain();
      expect(world.connector.threads(SOC)).toHaveLength(5);
      expect(world.connector.threads(IT)).toHaveLength(5);
    });
  });
}
