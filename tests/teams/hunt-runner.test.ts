import { describe, expect, it } from 'vitest';
import { ServiceHuntRunner } from '../../bot/src/teams/hunt-runner.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import { buildHuntingTables, staticTables } from '../../bot/src/hunting/hunting-tables.js';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import { ZAVA_AGENT_IDS, ZAVA_FINDINGS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const seed = zavaTenant(NOW);
const service = new HuntingService(
  staticTables(buildHuntingTables(seed.agents, seed.snapshots, seed.users, 1, NOW)),
  () => NOW,
);
const runner = new ServiceHuntRunner(service, {
  appId: 'app-id',
  entityId: 'warden',
  baseUrl: 'https://warden.example/',
});
const VIEWER = { id: 'p', upn: 'pradeep@zava.example', displayName: 'Pradeep', roles: ['viewer' as const] };

describe("the bot's hunt runner", () => {
  it('lists the template ids', async () => {
    expect(await runner.templateIds()).toEqual(HUNTING_TEMPLATES.map((t) => t.id));
  });

  it('returns the first rows, the total and links to the full results in the tab', async () => {
    const view = await runner.run(VIEWER, 'mcp-maker-credentials', { rowLimit: 2 });
    expect(view?.title).toBe("MCP tools on the maker's credentials");
    expect(view?.rows).toHaveLength(2);
    expect(view?.totalRows).toBe(ZAVA_FINDINGS['mcp-maker-credentials'].length);
    expect(view?.schema.map((c) => c.name)).toContain('AIAgentId');
    expect(view?.links.browser).toBe('https://warden.example/hunting?template=mcp-maker-credentials');
    expect(decodeURIComponent(view?.links.teams ?? '')).toContain('{"subEntityId":"hunt:mcp-maker-credentials"}');
    expect(view?.rows.map((r) => r.AIAgentId)).toEqual(expect.arrayContaining([expect.stringMatching(/./)]));
    expect(Object.values(ZAVA_AGENT_IDS)).toEqual(expect.arrayContaining(view?.rows.map((r) => r.AIAgentId) ?? []));
  });

  it('answers null for an unknown template', async () => {
    expect(await runner.run(VIEWER, 'no-such-template', { rowLimit: 5 })).toBeNull();
  });
});
