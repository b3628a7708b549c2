import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-db.js';
import type { NotifierWorld } from './notifier-world.js';
import { IT, SOC, SOC_CRITICAL, createNotifierWorld, makeApprovalCardView } from './notifier-world.js';

const cardTitle = (card: Record<string, unknown> | null): string => JSON.stringify(card ?? {});

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`notifier (${backend.name})`, () => {
    let world: NotifierWorld;

    beforeAll(async () => {
      world = await createNotifierWorld(backend.name);
    });
    afterAll(async () => world.close());
    beforeEach(async () => {
      await world.reset();
      await world.registerChannel(SOC);
      await world.registerChannel(SOC_CRITICAL, { minSeverity: 'critical', receivesApprovals: false });
      await world.registerChannel(IT, { receivesApprovals: true });
    });

    it('posts one card per channel that wants the severity, and records the activity ids', async () => {
      await world.incident('inc-1', 'high');
      await world.incident('inc-2', 'critical');
      await world.notifier().drain();

      const socCards = world.connector.threads(SOC).map((m) => cardTitle(m.card));
      expect(socCards).toHaveLength(2);
      expect(socCards.some((c) => c.includes('(inc-1)')) && socCards.some((c) => c.includes('(inc-2)'))).toBe(true);
      expect(world.connector.threads(IT)).toHaveLength(2);
      // The critical-only channel gets the critical incident and nothing else.
      expect(world.connector.threads(SOC_CRITICAL)).toHaveLength(1);
      expect(cardTitle(world.connector.threads(SOC_CRITICAL)[0]!.card)).toContain('inc-2');

      const rows = await world.db.query<{
        subject_id: string;
        conversation_id: string;
        activity_id: string;
        state: string;
      }>(`select subject_id, conversation_id, activity_id, state from card_posts order by subject_id, conversation_id`);
      expect(rows).toHaveLength(5);
      for (const r of rows) {
        expect(r.state).toBe('posted');
        const posted = world.connector.threads(r.conversation_id).find((m) => m.activityId === r.activity_id);
        expect(cardTitle(posted!.card)).toContain(r.subject_id);
      }
      expect(await world.notifier().outbox.backlog()).toBe(0);
      // The card is the base card: Adaptive Card 1.5 with the channel's members as refresh list.
      const card = world.connector.threads(SOC)[0]!.card as { version: string; refresh: { userIds: string[] } };
      expect(card.version).toBe('1.5');
    });

    it('does not post medium or low incidents, and completes their messages', async () => {
      await world.incident('inc-medium', 'medium');
      await world.incident('inc-low', 'low');
      const notifier = world.notifier();
      await notifier.drain();
      expect(world.connector.messages).toHaveLength(0);
      expect(await notifier.outbox.backlog()).toBe(0);
    });

    it('updates the card in place on a later alert and replies once in its thread', async () => {
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      const [root] = world.connector.threads(SOC);

      await world.addAlert('inc-1', 'Mass download through Customer Billing Agent');
      await notifier.drain();

      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect(root!.versions).toHaveLength(2);
      expect(cardTitle(root!.card)).toContain('{"title":"Alerts","value":"2"}');
      const replies = world.connector.repliesTo(SOC, root!.activityId);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toMatch(/^New alert: Mass download through Customer Billing Agent \(high\)/);

      // The same state announced again changes nothing in Teams.
      await world.announce('incident.changed', 'inc-1');
      await notifier.drain();
      expect(root!.versions).toHaveLength(2);
      expect(world.connector.repliesTo(SOC, root!.activityId)).toHaveLength(1);
    });

    it('a change that is not a new alert (an action) updates the card without a reply', async () => {
      await world.incident('inc-1', 'high');
      const notifier = world.notifier();
      await notifier.drain();
      world.incidents.get('inc-1')!.agents[0]!.lifecycle = 'blocked';
      world.incidents.get('inc-1')!.history.push({
        action: 'blockAgent',
        actorName: 'Adele Vance',
        at: '2026-11-24T10:42:00.000Z',
        targetName: 'Customer Billing Agent',
        detail: null,
      });
      await world.announce('incident.changed', 'inc-1', { action: 'blockAgent' });
      await notifier.drain();
      const [root] = world.connector.threads(SOC);
      expect(root!.versions).toHaveLength(2);
      expect(cardTitle(root!.card)).toContain('Adele Vance');
      expect(world.connector.repliesTo(SOC, root!.activityId)).toHaveLength(0);
    });

    it('sends approval cards to the approval channels and updates them with the outcome', async () => {
      world.submissions.set('sub-7', makeApprovalCardView());
      await world.announce('submission.changed', 'sub-7');
      const notifier = world.notifier();
      await notifier.drain();
      expect(world.connector.threads(SOC)).toHaveLength(1);
      expect(world.connector.threads(IT)).toHaveLength(1);
      expect(world.connector.threads(SOC_CRITICAL)).toHaveLength(0);

      const view = world.submissions.get('sub-7')!;
      view.submission = {
        ...view.submission,
        status: 'rejected',
        reviewedBy: 'adele@zava.example',
        reason: 'Still sends e-mail',
      };
      await world.announce('submission.changed', 'sub-7');
      await notifier.drain();
      const [card] = world.connector.threads(IT);
      expect(card!.versions).toHaveLength(2);
      expect(cardTitle(card!.card)).toContain('Rejected');
      expect(world.connector.threads(IT)).toHaveLength(1);
    });

    it('writes the maker in personal chat when it can, and records why not when it cannot', async () => {
      world.personalChats.set('maker@zava.example', 'a:personal-maker');
      await world.announce('maker.notify', 'maker@zava.example', {
        message: 'Your version 1.1.0 was rejected: e-mail',
      });
      await world.announce('maker.notify', 'stranger@zava.example', { message: 'Your agent was blocked' });
      const notifier = world.notifier();
      await notifier.drain();

      const sent = world.connector.messages.filter((m) => m.conversationId === 'a:personal-maker');
      expect(sent.map((m) => m.text)).toEqual(['Your version 1.1.0 was rejected: e-mail']);
      const notices = await notifier.store.notifications.notices();
      expect(notices.map((n) => [n.recipient, n.state])).toEqual([
        ['maker@zava.example', 'sent'],
        ['stranger@zava.example', 'noPersonalChat'],
      ]);
      expect(notices[0]!.activityId).toBe(sent[0]!.activityId);
      expect(notices[1]!.reason).toContain('no personal chat');
    });

    it('lists the channel members as the refresh userIds, and none above 60 (manual refresh)', async () => {
      world.connector.rosters.set(
        SOC,
        ['megan', 'adele', 'pradeep'].map((n) => ({ id: `29:${n}`, name: n, aadObjectId: `aad-${n}` })),
      );
      world.connector.rosters.set(
        IT,
        Array.from({ length: 61 }, (_, i) => ({ id: `29:it-${i}`, name: `it ${i}`, aadObjectId: `aad-it-${i}` })),
      );
      await world.incident('inc-1', 'high');
      await world.notifier().drain();
      const soc = world.connector.threads(SOC)[0]!.card as { refresh: { userIds?: string[] } };
      expect(soc.refresh.userIds).toEqual(['29:megan', '29:adele', '29:pradeep']);
      const it61 = world.connector.threads(IT)[0]!.card as { refresh: { userIds?: string[] } };
      expect(it61.refresh.userIds).toBeUndefined();
      const stored = await world.db.query<{ member_ids: string[] }>(
        'select member_ids from channels where conversation_id = $1',
        [SOC],
      );
      expect(stored[0]!.member_ids).toEqual(['29:megan', '29:adele', '29:pradeep']);
    });

    it('two notifiers on one store post each card once', async () => {
      for (let i = 1; i <= 12; i++) await world.incident(`inc-${i}`, 'high');
      const a = world.notifier({ workerId: 'a', batchSize: 3, busyRetryMs: 0 });
      const b = world.notifier({ workerId: 'b', batchSize: 3, busyRetryMs: 0 });
      const both = async () => {
        for (let pass = 0; pass < 50 && (await a.outbox.backlog()) > 0; pass++) {
          await Promise.all([a.drain(), b.drain()]);
          await world.makeRetriesDue();
        }
      };
      await both();
      for (let i = 1; i <= 12; i += 3) await world.addAlert(`inc-${i}`, `Second alert ${i}`);
      await both();
      expect(await a.outbox.backlog()).toBe(0);
      for (const conversationId of [SOC, IT]) {
        const roots = world.connector.threads(conversationId);
        expect(roots).toHaveLength(12);
        const titles = roots.map((m) => /\(inc-(\d+)\)/.exec(cardTitle(m.card))![1]);
        expect(new Set(titles).size).toBe(12);
      }
      // Each later alert got exactly one thread reply per channel.
      const replies = world.connector.messages.filter((m) => m.threadId !== null && m.conversationId === SOC);
      expect(replies).toHaveLength(4);
      expect(new Set(replies.map((r) => r.threadId)).size).toBe(4);
    });
  });
}
