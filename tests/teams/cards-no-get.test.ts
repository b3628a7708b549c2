// Nothing changes state on a GET: every card the bot builds (incident and approval cards, for each SOC persona)
// changes things only through Action.Execute (a POST invoke that carries the clicker's identity); its links
// only open pages. Each link to the server is followed with a GET, and the store's audit log, incidents and
// agents are the same afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdaptiveCard } from '../../bot/src/teams/cards/adaptive-card-types.js';
import { approvalCard } from '../../bot/src/teams/cards/approval-card.js';
import { viewerOf } from '../../bot/src/teams/cards/card-views.js';
import { incidentCard } from '../../bot/src/teams/cards/incident-card.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';
import { allActions } from './cards/card-assertions.js';

const PERSONAS = ['megan', 'adele', 'pradeep'] as const;

describe('no state change on GET', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => server.close());

  async function everyCard(): Promise<AdaptiveCard[]> {
    const { db } = server.warden.store;
    const { incidents, principals } = server.warden.teams;
    const incidentIds = await db.query<{ id: string }>('select id from incidents order by id limit 10');
    const submissionIds = await db.query<{ id: string }>('select id from submissions order by id limit 10');
    const cards: AdaptiveCard[] = [];
    for (const alias of PERSONAS) {
      const viewer = viewerOf((await principals.byUpn(`${alias}@zava.example`))!);
      for (const { id } of incidentIds) cards.push(incidentCard((await incidents.incidentCardView(id, null))!, viewer));
      for (const { id } of submissionIds)
        cards.push(approvalCard((await incidents.approvalCardView(id, null))!, viewer));
    }
    return cards;
  }

  async function snapshot(): Promise<string> {
    const { db } = server.warden.store;
    const rows = await Promise.all([
      db.query('select count(*)::int as n from audit'),
      db.query('select id, data from incidents order by id'),
      db.query('select id, data from agents order by id'),
      db.query('select id, status from submissions order by id'),
    ]);
    return JSON.stringify(rows);
  }

  it('cards act only through Action.Execute, and following every link to the server changes nothing', async () => {
    const cards = await everyCard();
    expect(cards.length).toBeGreaterThan(3);
    const kinds = new Set(cards.flatMap((c) => allActions(c).map((a) => a.type)));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Action.Execute', 'Action.OpenUrl', 'Action.ShowCard']));
    for (const kind of kinds) expect(['Action.Execute', 'Action.OpenUrl', 'Action.ShowCard']).toContain(kind);

    const ours = new Set<string>();
    for (const card of cards) {
      for (const action of allActions(card)) {
        if (action.type !== 'Action.OpenUrl') continue;
        const url = new URL(action.url);
        // No link names an action: they open pages.
        expect(url.pathname + url.search).not.toMatch(/approve|reject|block|revoke|resolve|assign/i);
        if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') ours.add(url.pathname + url.search);
      }
    }
    expect(ours.size).toBeGreaterThan(0);
    const before = await snapshot();
    for (const target of ours) {
      const res = await fetch(`${server.url}${target}`);
      expect(res.status, target).toBeLessThan(500);
    }
    expect(await snapshot()).toBe(before);
  });
});
