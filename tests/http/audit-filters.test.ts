// The audit trail as people search it: part of a name in any case, actions by their readable names, a time range,
// readable target names even on refusals, and cursor pages that stay correct under a filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../bot/src/contract/api.js';
import type { AuditRecord } from '../../bot/src/domain/types.js';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ADELE = 'adele@zava.example';
const PRADEEP = 'pradeep@zava.example';
const MARKETING = ZAVA_AGENT_IDS.marketingCampaignPlanner;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`audit filters on ${backend.name}`, () => {
    let server: TestServer;
    const audit = async (query: string) => {
      const res = await server.as(ADELE).get<Page<AuditRecord>>(`/api/v1/audit?${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();

    beforeAll(async () => {
      server = await startTestServer(backend.name);
      // Three blocks and unblocks by Adele, and a refused block by Pradeep (a viewer).
      for (let i = 0; i < 3; i++) {
        expect(
          (await server.as(ADELE).post(`/api/v1/agents/${MARKETING}/block`, { reason: `round ${i}` })).status,
        ).toBe(200);
        expect(
          (await server.as(ADELE).post(`/api/v1/agents/${MARKETING}/unblock`, { reason: `round ${i}` })).status,
        ).toBe(200);
      }
      expect((await server.as(PRADEEP).post(`/api/v1/agents/${MARKETING}/block`, { reason: 'no' })).status).toBe(403);
    });
    afterAll(async () => server?.close());

    it('finds an actor by part of the name or UPN, in any case', async () => {
      for (const actor of ['adele', 'ADELE', 'Vance', 'dele@zava']) {
        const { items } = await audit(`actor=${encodeURIComponent(actor)}&limit=100`);
        expect(items.length, actor).toBe(6);
        expect(new Set(items.map((r) => r.actor))).toEqual(new Set([ADELE]));
      }
      expect((await audit('actor=nobody-here')).items).toEqual([]);
      // LIKE's wildcards are taken literally.
      expect((await audit(`actor=${encodeURIComponent('%')}`)).items).toEqual([]);
    });

    it('finds actions by their readable names without mixing block and unblock', async () => {
      const actions = async (q: string) =>
        [...new Set((await audit(`action=${encodeURIComponent(q)}&limit=100`)).items.map((r) => r.action))].sort();
      expect(await actions('Block agent')).toEqual(['blockAgent']);
      expect(await actions('block')).toEqual(['blockAgent']);
      expect(await actions('blockagent')).toEqual(['blockAgent']);
      expect(await actions('unblock')).toEqual(['unblockAgent']);
      expect(await actions('agent')).toEqual(['blockAgent', 'unblockAgent']);
    });

    it('bounds the time with from (inclusive) and to (exclusive), and refuses a malformed instant', async () => {
      expect((await audit(`from=${day(-1)}&to=${day(1)}&actor=adele`)).items.length).toBe(6);
      expect((await audit(`from=${day(1)}`)).items).toEqual([]);
      expect((await audit(`to=${day(-1)}&actor=adele`)).items).toEqual([]);
      const bad = await server.as(ADELE).get<{ error: { field: string } }>('/api/v1/audit?from=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('query.from');
    });

    it('names the target of a refused action instead of showing its id', async () => {
      const { items } = await audit('actor=pradeep');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        outcome: 'denied',
        targetId: MARKETING,
        targetName: 'Marketing Campaign Planner',
      });
    });

    it('pages through a filtered trail with the cursor, each record once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<AuditRecord> = await audit(
          `actor=adele&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
    });
  });
}
