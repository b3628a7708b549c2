import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../bot/src/domain/types.js';
import type { Db, Sql } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import { AgentRepository } from '../../bot/src/store/agent-repository.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { makeAgent } from '../fakes/agent-factory.js';

const WORDS = ['Billing', 'Finance', 'HR', 'Tickets', 'Zürich', 'Ops', '50%', 'snake_case', 'back\\slash', 'Ünïcode'];
const PEOPLE = ['megan@zava.example', 'adele@zava.example', 'pradeep@zava.example'];

/** 3,000 agents whose names, makers, owners and descriptions mix the words above. */
function agents(): Agent[] {
  return Array.from({ length: 3000 }, (_, i) => {
    const word = (k: number) => WORDS[(i * k + k) % WORDS.length]!;
    return makeAgent({
      id: `agent-${String(i).padStart(4, '0')}`,
      name: `${word(1)} ${word(3)} agent ${i}`,
      createdBy: PEOPLE[i % PEOPLE.length]!,
      owners: [PEOPLE[(i + 1) % PEOPLE.length]!],
      description: i % 7 === 0 ? `Handles ${word(5).toLowerCase()} requests.` : 'Answers questions.',
    });
  });
}

/** What search has always meant: the term, lowercased, inside name, maker, owners or description. */
const matches = (a: Agent, term: string) =>
  `${a.name} ${a.createdBy} ${a.owners.join(' ')} ${a.description}`.toLowerCase().includes(term.toLowerCase());

const TERMS = [
  'billing',
  'BILLING',
  'bill',
  'zü',
  'ürich',
  '50%',
  '%',
  '_',
  'snake_c',
  'back\\s',
  '\\',
  'megan@',
  'a',
  'agent 12',
  'nothing-like-it',
  'handles hr',
];

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`agent search on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    const seeded = agents();

    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      await new AgentRepository(db).upsert(seeded);
      // As `npm run seed` does after a bulk load: the planner learns the GIN index's size only from VACUUM.
      await db.exec('vacuum analyze agents');
    });
    afterAll(async () => {
      if (backend.name === 'pglite') await db.close();
      await database.drop();
    });

    it.each(TERMS)('finds exactly the agents whose text contains %j, page by page', async (term) => {
      const repository = new AgentRepository(db);
      const found: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<AgentRepository['list']>> = await repository.list({
          search: term,
          sort: 'name',
          limit: 100,
          cursor,
        });
        found.push(...page.rows.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      const expected = seeded.filter((a) => matches(a, term)).map((a) => a.id);
      expect(found.sort()).toEqual(expected.sort());
    });

    it('answers a search of three letters or more from the trigram index, not by reading every agent', async () => {
      // The repository's own query, captured and explained as the server would run it.
      const seen: { text: string; params: unknown[] }[] = [];
      const recording: Sql = {
        query: (text, params) => (seen.push({ text, params: params ?? [] }), db.query(text, params)),
        exec: (script) => db.exec(script),
      };
      await new AgentRepository(recording).list({ search: 'agent 123', sort: 'risk', limit: 50 });
      const [listed] = seen;
      const plan = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${listed!.text}`, listed!.params);
      expect(JSON.stringify(plan)).toContain('agents_by_search');
    });
  });
}
