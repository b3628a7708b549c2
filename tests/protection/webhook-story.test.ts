import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Incident } from '../../bot/src/domain/types.js';
import { toolExecutionBody } from '../../bot/src/protection/webhook-simulation.js';
import { ZAVA_AGENT_IDS, ZAVA_IDS, ZAVA_USER_IDS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import {
  ATTACKER_IP,
  EXFILTRATION_ADDRESS,
  JAILBREAK_PROMPTS,
  zavaAttackStory,
} from '../../bot/scripts/zava-attack.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// The Zava story (docs/architecture.md) steps 1 to 7 through the webhook: Griffin's stolen session is blocked, and the alerts
// are correlated into one high incident with an outbox row for the SOC channel.

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`the Zava attack through the webhook (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name);
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const q = <T>(sql: string, params: unknown[] = []) => h.server.warden.store.db.query<T>(sql, params);

    it('blocks the exfiltration and ends with one high collection incident about Griffin and Customer Billing Agent', async () => {
      const steps = zavaAttackStory(h.clock.now);
      const blockedCorrelationIds: string[] = [];
      for (const step of steps) {
        const correlationId = randomUUID();
        const res = await h.call('analyze-tool-execution', step.body, { correlationId });
        expect(res.status, step.what).toBe(200);
        expect(res.body.blockAction ? 'block' : 'allow', `${step.actor}: ${step.what}`).toBe(step.expect);
        if (res.body.blockAction) {
          expect(res.body.reasonCode).toBe(1003);
          // What the user reads says what happened, not which rule fired.
          expect(res.body.reason).toMatch(/outside your organization/);
          expect(res.body.reason).not.toMatch(/exfiltration|jailbreak|rule|score/i);
          blockedCorrelationIds.push(correlationId);
        }
      }
      expect(blockedCorrelationIds).toHaveLength(3);
      await h.server.warden.protection.recorder.flush();

      const incidents = (
        await q<{ data: Incident }>(
          "select data from incidents where user_ids @> array[$1]::text[] and status <> 'resolved'",
          [ZAVA_IDS.griffin],
        )
      ).map((r) => r.data);
      expect(incidents).toHaveLength(1);
      const incident = incidents[0]!;
      expect(incident.severity).toBe('high');
      expect(incident.title).toBe('Collection incident involving one user');
      expect(incident.entities.users.map((u) => u.upn)).toEqual(['griffin@zava.example']);
      expect(incident.entities.agents.map((a) => a.agentName)).toEqual(['Customer Billing Agent']);
      expect(incident.entities.tools.map((t) => t.toolId)).toContain(ZAVA_IDS.sendEmailTool);
      expect(incident.entities.ips).toContain(ATTACKER_IP.replace('::ffff:', ''));

      const alerts = await h.server.warden.store.incidents.alertsOfIncident(incident.id);
      const byDetector = new Map<string, Alert[]>();
      for (const a of alerts) byDetector.set(a.detectorId, [...(byDetector.get(a.detectorId) ?? []), a]);
      // Three identical blocks grow one alert; three flagged prompts raise one persistent-jailbreak alert.
      expect(byDetector.get('exfiltration')).toHaveLength(1);
      expect(byDetector.get('exfiltration')![0]!.eventCount).toBe(3);
      expect(byDetector.get('exfiltration')![0]!.description).toContain(EXFILTRATION_ADDRESS);
      expect(byDetector.get('persistent-jailbreak')).toHaveLength(1);

      // Every blocked call is an event with its correlation id, on the incident's timeline.
      const timeline = await h.server.warden.store.incidents.timeline(incident.id);
      for (const id of blockedCorrelationIds) {
        const event = timeline.find((e) => e.correlationId === id);
        expect(event, id).toMatchObject({ decision: 'block', reasonCode: 1003, userId: ZAVA_IDS.griffin });
        expect(event!.rules).toContain('exfiltration');
      }
      // The jailbreak prompts are on the timeline too.
      expect(timeline.filter((e) => e.decision === 'allow' && e.rules.length > 0).length).toBeGreaterThanOrEqual(3);
      // ... with what Griffin wrote, as a bounded excerpt (only flagged prompts keep their text).
      const withPrompt = timeline.filter((e) => e.prompt);
      expect(withPrompt.length).toBeGreaterThanOrEqual(3);
      for (const prompt of JAILBREAK_PROMPTS) expect(withPrompt.map((e) => e.prompt)).toContain(prompt);
      for (const e of withPrompt) expect(e.prompt!.length).toBeLessThanOrEqual(500);
      const unflagged = timeline.filter((e) => !e.rules.some((r) => r === 'jailbreak' || r === 'persistent-jailbreak'));
      for (const e of unflagged) expect(e.prompt, e.summary).toBeUndefined();
      // The counts the card and the tab show are the distinct events on that timeline.
      const stored = await h.server.warden.store.incidents.getIncident(incident.id);
      expect(stored!.eventCount).toBe(timeline.length);
      const persistent = (await h.server.warden.store.incidents.alertsOfIncident(incident.id)).find(
        (a) => a.detectorId === 'persistent-jailbreak',
      );
      expect(persistent!.eventCount).toBeGreaterThanOrEqual(3);

      // The SOC channel hears about it through the outbox.
      const outbox = await q<{ topic: string; payload: { severity: string } }>(
        'select topic, payload from outbox where subject_id = $1',
        [incident.id],
      );
      expect(outbox.length).toBeGreaterThanOrEqual(1);
      expect(outbox.every((r) => r.topic === 'incident.changed')).toBe(true);

      // Nobody else got an incident from their ordinary work.
      for (const alias of ['debra', 'megan', 'adele', 'emily', 'pradeep'] as const) {
        const rows = await q(
          'select id from incidents where user_ids @> array[$1]::text[] and last_activity_at >= $2',
          [ZAVA_USER_IDS[alias], new Date(h.clock.now.getTime() - 60_000).toISOString()],
        );
        expect(rows, alias).toHaveLength(0);
      }
    });

    it('raises one persistent-jailbreak alert per window, not one per prompt', async () => {
      const seed = zavaTenant(h.clock.now);
      const agent = seed.agents.find((a) => a.id === ZAVA_AGENT_IDS.docsSearch)!;
      const user = seed.users.find((u) => u.id === ZAVA_USER_IDS.lee)!;
      const { minFlagged, windowMinutes } = h.server.warden.protection.policy.persistentJailbreak;
      const prompt = (i: number) => ({
        ...toolExecutionBody({
          agent,
          tool: agent.tools[0]!,
          user,
          tenantId: ZAVA_IDS.tenantId,
          userMessage: JAILBREAK_PROMPTS[i % JAILBREAK_PROMPTS.length]!,
          inputValues: { query: 'azure app registration secrets' },
          ip: '::ffff:198.51.100.24',
          conversationId: 'conv-lee',
          at: h.clock.now,
        }),
      });
      const alertsOfLee = async () => {
        await h.server.warden.protection.recorder.flush();
        return (
          await q<{ data: Alert }>(
            "select data from alerts where user_ids @> array[$1]::text[] and data->>'detectorId' = $2",
            [user.id, 'persistent-jailbreak'],
          )
        ).map((r) => r.data);
      };

      for (let i = 0; i < minFlagged - 1; i++) await h.call('analyze-tool-execution', prompt(i));
      expect(await alertsOfLee()).toHaveLength(0);
      for (let i = minFlagged - 1; i < minFlagged + 3; i++) {
        h.clock.advance(10_000);
        await h.call('analyze-tool-execution', prompt(i));
      }
      const first = await alertsOfLee();
      expect(first).toHaveLength(1);
      expect(first[0]!.evidence).toContainEqual(expect.objectContaining({ type: 'user', userId: user.id }));

      // A later window raises a second alert.
      h.clock.advance((windowMinutes + 1) * 60_000);
      for (let i = 0; i < minFlagged; i++) await h.call('analyze-tool-execution', prompt(i));
      expect(await alertsOfLee()).toHaveLength(2);
    });
  });
}
