// The layer rule through ESLint as `npm run lint` runs it (eslint.config.js): an import that runs back up the
// layers of docs/architecture.md fails, one that goes down passes, and the tree as it is keeps its layers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: ROOT, ruleFilter: ({ ruleId }) => ruleId === 'warden/layers' });

/** The layer messages ESLint reports for `code` written at `file` (from the repository root). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layer rule', () => {
  it.each([
    // The back-up imports this rule was written against, each where it used to be.
    [
      'bot/src/inventory/inventory-queries.ts',
      `import type { Page } from '../http/api-route.js';`,
      'inventory may not import http',
    ],
    [
      'bot/src/response/response-actions.ts',
      `import type { ActionResult } from '../http/api-route.js';`,
      'response may not import http',
    ],
    [
      'bot/src/hunting/hunt-runner.ts',
      `import type { HuntRunner } from '../teams/ports.js';`,
      'hunting may not import teams',
    ],
    [
      'bot/src/hunting/hunt-runner.ts',
      `import { tabDeepLink } from '../teams/cards/deep-links.js';`,
      'hunting may not import teams',
    ],
    // The domain imports nothing of ours; the store only the domain.
    ['bot/src/domain/risk.ts', `import type { Store } from '../store/store.js';`, 'domain may not import store'],
    [
      'bot/src/store/store.ts',
      `import { RiskRefresher } from '../inventory/risk-refresher.js';`,
      'store may not import inventory',
    ],
    ['bot/src/store/db.ts', `export * from '../config.js';`, 'store may not import config'],
    ['bot/src/store/db.ts', `const m = () => import('../teams/ports.js');`, 'store may not import teams'],
    // The contract is types over the domain: the tab imports it, so it imports no server code.
    [
      'bot/src/contract/api.ts',
      `import type { HuntingRunResult } from '../hunting/hunting-service.js';`,
      'contract may not import hunting',
    ],
    // Adapters do not reach into each other.
    [
      'bot/src/http/routes/agent-routes.ts',
      `import { incidentCard } from '../../teams/cards/incident-card.js';`,
      'http may not import teams',
    ],
    [
      'bot/src/teams/card-actions.ts',
      `import type { ApiRoute } from '../http/api-route.js';`,
      'teams may not import http',
    ],
    [
      'bot/src/tenant/graph/graph-sync.ts',
      `import { Notifier } from '../../teams/notifier/notifier.js';`,
      'tenant may not import teams',
    ],
    // The tab: the contract and the domain only.
    [
      'src/api/types.ts',
      `import type { Store } from '../../bot/src/store/store.js';`,
      'the tab may import only the API contract and the domain',
    ],
  ])('%s: %s fails', async (file, code, expected) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`warden/layers: ${expected}`);
  });

  it.each([
    ['bot/src/inventory/inventory-queries.ts', `import type { Page } from '../domain/views.js';`],
    ['bot/src/response/response-service.ts', `import type { TenantPorts } from '../tenant/tenant-ports.js';`],
    ['bot/src/teams/hunt-runner.ts', `import type { HuntingService } from '../hunting/hunting-service.js';`],
    [
      'bot/src/http/routes/agent-routes.ts',
      `import type { InventoryQueries } from '../../inventory/inventory-queries.js';`,
    ],
    ['bot/src/app.ts', `import { Notifier } from './teams/notifier/notifier.js';`],
    ['src/api/types.ts', `import type { Me } from '../../bot/src/contract/api.js';`],
    ['bot/src/http/routes/meta-routes.ts', `import type { Me } from '../../contract/api.js';`],
    ['src/session/permissions.ts', `import { mayPerform } from '../../bot/src/domain/authorization.js';`],
  ])('%s: %s passes', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });

  it('holds for every file of the server and the tab as they are', { timeout: 180_000 }, async () => {
    const results = await eslint.lintFiles(['bot/src', 'src']);
    const errors = results.flatMap((r) =>
      r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}: ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });
});
