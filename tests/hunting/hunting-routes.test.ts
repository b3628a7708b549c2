import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDetail, Page } from '../../bot/src/contract/api.js';
import type { AuditRecord } from '../../bot/src/domain/types.js';
import type { HuntingRunResult, HuntingTemplateSummary } from '../../bot/src/hunting/hunting-service.js';
import type { BulkActionResult } from '../../bot/src/contract/api.js';
import { ZAVA_AGENT_IDS, ZAVA_FINDINGS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MEGAN = 'megan@zava.example'; // responder
const ADELE = 'adele@zava.example'; // admin
const PRADEEP = 'pradeep@zava.example'; // viewer

interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    issues?: { path: string; message: string; line?: number; column?: number }[];
  };
}

const idsOf = (r: HuntingRunResult) => [...new Set(r.results.map((row) => row.AIAgentId as string))].sort();

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`hunting API over HTTP on ${backend.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(async () => server?.close());

    it('lists at least twelve templates with their KQL, references and the table columns', async () => {
      const res = await server
        .as(PRADEEP)
        .get<{ items: HuntingTemplateSummary[]; tables: Record<string, unknown[]> }>('/api/v1/hunting/templates');
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(12);
      expect(res.body.items[0]?.id).toBe('mcp-maker-credentials');
      for (const t of res.body.items) {
        expect(t.query).toMatch(/AIAgentsInfo|AgentsInfo/);
        expect(t.owasp.length).toBeGreaterThan(0);
        expect(t.mitre.length).toBeGreaterThan(0);
        expect(t.name).toBe(t.title);
      }
      expect(Object.keys(res.body.tables)).toEqual([
        'AIAgentsInfo',
        'AgentsInfo',
        'IdentityInfo',
        'CloudAppEvents',
        'BehaviorInfo',
        'BehaviorEntities',
        'AlertInfo',
        'AlertEvidence',
      ]);
    });

    it('runs every template over the store and finds exactly the seeded agents', async () => {
      const templates = (await server.as(MEGAN).get<{ items: HuntingTemplateSummary[] }>('/api/v1/hunting/templates'))
        .body.items;
      for (const t of templates) {
        const res = await server.as(MEGAN).post<HuntingRunResult>('/api/v1/hunting/run', { templateId: t.id });
        expect(res.status, t.id).toBe(200);
        expect(idsOf(res.body), t.id).toEqual([...(ZAVA_FINDINGS as Record<string, string[]>)[t.id]!].sort());
        expect(res.body.schema.map((c) => c.name)).toContain('AIAgentId');
      }
    });

    it('runs an ad-hoc query, in the shape of runHuntingQuery, with a row cap', async () => {
      const res = await server.as(PRADEEP).post<HuntingRunResult>('/api/v1/hunting/run', {
        query:
          'AIAgentsInfo\n| summarize arg_max(Timestamp, *) by AIAgentId\n| project AIAgentId, AIAgentName, Timestamp\n| order by AIAgentName asc',
        rowLimit: 5,
      });
      expect(res.status).toBe(200);
      expect(res.body.schema).toEqual([
        { name: 'AIAgentId', type: 'string' },
        { name: 'AIAgentName', type: 'string' },
        { name: 'Timestamp', type: 'datetime' },
      ]);
      expect(res.body.results).toHaveLength(5);
      expect(res.body.rowCount).toBe(Object.keys(ZAVA_AGENT_IDS).length);
      expect(res.body.truncated).toBe(true);
      expect(res.body.results[0]?.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const names = res.body.results.map((r) => r.AIAgentName as string);
      expect(names).toEqual([...names].sort());
    });

    it('answers a bad query with 400 and the line and column', async () => {
      const res = await server.as(MEGAN).post<ErrorBody>('/api/v1/hunting/run', {
        query: 'AIAgentsInfo\n| where AgentStatus == "Published"\n| summarise count()',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_query');
      expect(res.body.error.message).toBe("line 3, column 3: unknown operator 'summarise'");
      expect(res.body.error.issues?.[0]).toMatchObject({ line: 3, column: 3, path: 'body.query' });

      const column = await server
        .as(MEGAN)
        .post<ErrorBody>('/api/v1/hunting/run', { query: 'AIAgentsInfo | project Nope' });
      expect(column.status).toBe(400);
      expect(column.body.error.message).toBe("line 1, column 24: unknown column or name 'Nope'");
    });

    it.each([
      [{}, 'send either templateId or query'],
      [{ templateId: 'dormant', query: 'AIAgentsInfo' }, 'send either templateId or query'],
      [{ query: '' }, 'the query is empty'],
      [{ templateId: 'nope' }, "unknown hunting template 'nope'"],
      [{ query: 'AIAgentsInfo', rowLimit: 0 }, 'rowLimit'],
      [{ query: 'AIAgentsInfo', extra: 1 }, 'extra'],
    ])('refuses %j with 400', async (body, message) => {
      const res = await server.as(MEGAN).post<ErrorBody>('/api/v1/hunting/run', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(message);
    });

    it('needs a signed-in person', async () => {
      const res = await fetch(`${server.url}/api/v1/hunting/templates`);
      expect(res.status).toBe(401);
      expect((await fetch(`${server.url}/api/v1/hunting/schema`)).status).toBe(401);
    });

    it("serves the schema shaped like Graph's getHuntingSchema, and getschema tells the same columns", async () => {
      type Schema = {
        tables: { name: string; description: string; columns: { name: string; dataType: string }[] }[];
        functions: { builtInFunctions: unknown[]; savedFunctions: unknown[] };
      };
      const res = await server.as(PRADEEP).get<Schema>('/api/v1/hunting/schema');
      expect(res.status).toBe(200);
      expect(res.body.tables.map((t) => t.name)).toEqual([
        'AIAgentsInfo',
        'AgentsInfo',
        'IdentityInfo',
        'CloudAppEvents',
        'BehaviorInfo',
        'BehaviorEntities',
        'AlertInfo',
        'AlertEvidence',
      ]);
      expect(res.body.functions).toEqual({ builtInFunctions: [], savedFunctions: [] });
      const agentsInfo = res.body.tables.find((t) => t.name === 'AgentsInfo')!;
      expect(agentsInfo.description).not.toBe('');
      for (const [name, dataType] of [
        ['AgentName', 'String'],
        ['Name', 'String'],
        ['Owners', 'Dynamic'],
        ['SharedWith', 'Dynamic'],
        ['McpServers', 'Dynamic'],
        ['DeclaredTools', 'Dynamic'],
        ['CreatedDateTime', 'DateTime'],
        ['InstanceCount', 'Int64'],
      ]) {
        expect(agentsInfo.columns).toContainEqual({ name, dataType, description: '' });
      }
      const run = await server.as(PRADEEP).post<HuntingRunResult>('/api/v1/hunting/run', {
        query: 'AgentsInfo | getschema | project ColumnName, ColumnType',
      });
      expect(run.status).toBe(200);
      expect(run.body.results.map((r) => r.ColumnName)).toEqual(agentsInfo.columns.map((c) => c.name));
      expect(run.body.results.find((r) => r.ColumnName === 'Owners')?.ColumnType).toBe('dynamic');
    });

    it('refuses bulk actions to a viewer and bulk block to a responder, and records the refusal', async () => {
      const target = ZAVA_AGENT_IDS.websiteAssistant;
      const viewerBlock = await server
        .as(PRADEEP)
        .post<ErrorBody>('/api/v1/agents/bulk/block', { agentIds: [target], reason: 'hunt' });
      expect(viewerBlock.status).toBe(403);
      const viewerNotify = await server
        .as(PRADEEP)
        .post<ErrorBody>('/api/v1/agents/bulk/notify-maker', { agentIds: [target], message: 'please fix' });
      expect(viewerNotify.status).toBe(403);
      const responderBlock = await server
        .as(MEGAN)
        .post<ErrorBody>('/api/v1/agents/bulk/block', { agentIds: [target], reason: 'hunt' });
      expect(responderBlock.status).toBe(403);
      expect(responderBlock.body.error.code).toBe('forbidden');
      const agent = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${target}`)).body;
      expect(agent.agent.lifecycle).toBe('active');
      const audit = (
        await server.as(MEGAN).get<Page<AuditRecord>>(`/api/v1/audit?targetId=${target}&action=blockAgent&limit=50`)
      ).body.items;
      expect(audit.filter((a) => a.outcome === 'denied').map((a) => a.actor)).toEqual(
        expect.arrayContaining([PRADEEP, MEGAN]),
      );
    });

    it('notifies the makers of the hunted agents, once per idempotency key, with an outcome per agent', async () => {
      const hunt = (
        await server.as(MEGAN).post<HuntingRunResult>('/api/v1/hunting/run', { templateId: 'mcp-maker-credentials' })
      ).body;
      const ids = idsOf(hunt);
      expect(ids).toContain(ZAVA_AGENT_IDS.customerBillingAgent);
      const body = {
        agentIds: [...ids, 'no-such-agent'],
        message: 'Your agent uses an MCP server on your credentials.',
      };
      const first = await server
        .as(MEGAN)
        .post<BulkActionResult>('/api/v1/agents/bulk/notify-maker', body, { 'idempotency-key': 'bulk-notify-1' });
      expect(first.status).toBe(200);
      expect(first.body.summary).toEqual({ done: ids.length, noop: 0, failed: 1 });
      expect(first.body.results.find((r) => r.agentId === 'no-such-agent')?.error?.code).toBe('not_found');
      const again = await server
        .as(MEGAN)
        .post<BulkActionResult>('/api/v1/agents/bulk/notify-maker', body, { 'idempotency-key': 'bulk-notify-1' });
      expect(again.body.results.map((r) => r.auditId)).toEqual(first.body.results.map((r) => r.auditId));
      const audit = (
        await server
          .as(MEGAN)
          .get<Page<AuditRecord>>(
            `/api/v1/audit?targetId=${ZAVA_AGENT_IDS.customerBillingAgent}&action=notifyMaker&limit=50`,
          )
      ).body.items;
      expect(audit.filter((a) => a.outcome === 'succeeded')).toHaveLength(1);
    });

    it('lets an admin block the hunted agents; a second run is a no-op and the tables follow', async () => {
      const ids = [ZAVA_AGENT_IDS.legacyErpLookup, ZAVA_AGENT_IDS.inventorySync];
      const res = await server
        .as(ADELE)
        .post<BulkActionResult>('/api/v1/agents/bulk/block', { agentIds: ids, reason: 'insecure HTTP' });
      expect(res.status).toBe(200);
      expect(res.body.summary).toEqual({ done: 2, noop: 0, failed: 0 });
      const again = await server
        .as(ADELE)
        .post<BulkActionResult>('/api/v1/agents/bulk/block', { agentIds: ids, reason: 'insecure HTTP' });
      expect(again.body.summary).toEqual({ done: 0, noop: 2, failed: 0 });
      const blocked = await server.as(ADELE).post<HuntingRunResult>('/api/v1/hunting/run', {
        query:
          'AgentsInfo | summarize arg_max(Timestamp, *) by AgentId | where LifecycleStatus == "Blocked" | project AgentId',
      });
      expect(blocked.body.results.map((r) => r.AgentId).sort()).toEqual(expect.arrayContaining([...ids].sort()));
    });

    it.each([
      ['/api/v1/agents/bulk/block', { agentIds: [], reason: 'x' }, 'select at least one agent'],
      ['/api/v1/agents/bulk/block', { agentIds: ['a'] }, 'reason'],
      ['/api/v1/agents/bulk/notify-maker', { agentIds: ['a'], message: ' ' }, 'a message is required'],
      [
        '/api/v1/agents/bulk/notify-maker',
        { agentIds: Array.from({ length: 501 }, (_, i) => `a${i}`), message: 'm' },
        'at most 500',
      ],
    ])('refuses a bad bulk request to %s', async (url, body, message) => {
      const res = await server.as(ADELE).post<ErrorBody>(url, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(message);
    });
  });
}
