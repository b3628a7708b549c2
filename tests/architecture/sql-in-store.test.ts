// The "SQL only in the store" rule through ESLint as `npm run lint` runs it (eslint.config.js): SQL written in any
// other room of the server fails, the same text in a repository passes, text that is not SQL is left alone, and
// the server as it is passes with no file excepted.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: ROOT, ruleFilter: ({ ruleId }) => ruleId === 'warden/sql-in-store' });

async function sqlErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the SQL-in-store rule', () => {
  it.each([
    ['bot/src/app.ts', `const ok = db.query('select 1 as ok');`, 'app'],
    [
      'bot/src/teams/new-reader.ts',
      'const rows = tx.query(`\n  SELECT id FROM incidents where id = $1`, [id]);',
      'teams',
    ],
    ['bot/src/tenant/graph/graph-sync.ts', `await tx.exec("update meta set value = '1'");`, 'tenant'],
    [
      'bot/src/hunting/hunting-tables.ts',
      `const r = await db.query('with x as (select 1) select * from x');`,
      'hunting',
    ],
  ])('%s: %s fails', async (file, code, room) => {
    expect(await sqlErrors(file, code)).toEqual([
      `warden/sql-in-store: SQL belongs in bot/src/store/ (a repository method the ${room} room calls)`,
    ]);
  });

  it.each([
    ['bot/src/store/incident-repository.ts', `const rows = q.query('select id from incidents');`],
    ['bot/src/hunting/kql/parser.ts', `const query = parser.query();`],
    ['bot/src/hunting/hunting-service.ts', `const result = pool.query('StormEvents | take 10');`],
    ['tests/store/x.test.ts', `db.query('select 1')`],
  ])('%s: %s passes', async (file, code) => {
    expect(await sqlErrors(file, code)).toEqual([]);
  });

  it(
    'holds for every file of the server as it is: SQL is written nowhere but the store',
    { timeout: 180_000 },
    async () => {
      const results = await eslint.lintFiles(['bot/src']);
      const errors = results.flatMap((r) =>
        r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}: ${m.message}`),
      );
      expect(results.length).toBeGreaterThan(100);
      expect(errors).toEqual([]);
    },
  );
});
