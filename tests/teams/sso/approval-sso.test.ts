import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../../bot/src/domain/types.js';
import { BACKENDS } from '../../support/test-db.js';
import { FakeGraph, GRAPH_APP, GRAPH_TENANT, startGraphWarden, type GraphWarden } from '../../fakes/fake-graph.js';
import { BOT_FRAMEWORK_SCOPE, FakeBotTokenService } from '../../fakes/fake-bot-token-service.js';

// TENANT=graph: approving or rejecting an agent version from its card in Teams acts as the person who clicked.
// Everything goes through the real server's POST /api/messages with Bot Framework channel tokens (checked by
// botbuilder's CloudAdapter), a fake Bot Framework token service (Teams SSO token exchange, GetToken, sign-in
// resource) and the fake Graph, which takes the Teams app catalog review only from a delegated token.

const BOT_ID = 'b0b0b0b0-1111-2222-3333-444444444444';
const BOT_SECRET = 'bot-secret';
const CONNECTION = 'warden-graph';
const TOKEN_EXCHANGE_URL = `api://warden.zava.example/botid-${BOT_ID}`;
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';
const API_ADMIN = { oid: 'oid-adele', upn: 'adele@zava.example', name: 'Adele Vance', roles: ['Warden.Admin'] };

interface Person {
  teamsId: string;
  oid: string;
  upn: string;
  name: string;
}
const ADELE: Person = { teamsId: '29:adele', oid: 'oid-adele', upn: 'adele@zava.example', name: 'Adele Vance' };
const NESTOR: Person = { teamsId: '29:nestor', oid: 'oid-nestor', upn: 'nestor@zava.example', name: 'Nestor Wilke' };
const LEE: Person = { teamsId: '29:lee', oid: 'oid-lee', upn: 'lee@zava.example', name: 'Lee Gu' };
const PRADEEP: Person = {
  teamsId: '29:pradeep',
  oid: 'oid-pradeep',
  upn: 'pradeep@zava.example',
  name: 'Pradeep Gupta',
};

const directoryUser = (p: Person, roles: DirectoryUser['roles']): DirectoryUser => ({
  id: p.oid,
  upn: p.upn,
  displayName: p.name,
  jobTitle: '',
  department: 'IT',
  accountEnabled: true,
  roles,
  riskLevel: 'none',
  riskState: 'none',
  sessionsRevokedAt: null,
  passwordResetRequired: false,
});

interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

describe.each(BACKENDS.filter((b) => b.enabled))('approvals from Teams act as the clicker ($name)', ({ name }) => {
  let graph: FakeGraph;
  let tokens: FakeBotTokenService;
  let w: GraphWarden;
  let admin: string;

  beforeAll(async () => {
    graph = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP }).start();
    graph.registerApp({ clientId: BOT_ID, clientSecret: BOT_SECRET, scope: BOT_FRAMEWORK_SCOPE });
    tokens = await new FakeBotTokenService({
      botAppId: BOT_ID,
      connection: { name: CONNECTION, tokenExchangeUrl: TOKEN_EXCHANGE_URL, scopes: ['AppCatalog.ReadWrite.All'] },
      graph,
    }).start();
    graph.packages.set('pkg-hr', {
      id: 'pkg-hr',
      displayName: 'HR Helper',
      type: 'custom',
      isBlocked: false,
      platform: 'copilotStudio',
      publisher: 'Zava',
      version: '1.0.0',
      appId: 'teams-app-hr',
    });
    graph.teamsApps.set('teams-app-hr', [
      { id: 'def-1', version: '1.0.0', publishingState: 'published', etag: 'W/"one"' },
      { id: 'def-2', version: '2.0.0', publishingState: 'submitted', etag: 'W/"two"' },
      { id: 'def-3', version: '2.1.0', publishingState: 'submitted', etag: 'W/"three"' },
      { id: 'def-4', version: '2.2.0', publishingState: 'submitted', etag: 'W/"four"' },
      { id: 'def-5', version: '3.0.0', publishingState: 'submitted', etag: 'W/"five"' },
    ]);
    graph.teamsAdmins.add(ADELE.oid);
    graph.teamsAdmins.add(NESTOR.oid);
    w = await startGraphWarden(name, graph, {
      env: {
        BOT_ID,
        BOT_PASSWORD: BOT_SECRET,
        BOT_TENANT_ID: GRAPH_TENANT,
        BOT_SSO_CONNECTION: CONNECTION,
        BOT_TOKEN_SERVICE_URL: tokens.url,
        BOT_OPENID_METADATA_URL: tokens.openIdMetadataUrl,
      },
    });
    await w.server.warden.graphSync!.syncOnce();
    // Agent Warden's roles for the people who click (the tab's tokens carry them as app roles).
    await w.server.warden.store.users.upsert([
      directoryUser(ADELE, ['admin']),
      directoryUser(NESTOR, ['admin']),
      directoryUser(PRADEEP, ['viewer']),
      // An admin in Agent Warden who may not manage Teams apps in Microsoft 365 (not in graph.teamsAdmins).
      directoryUser(LEE, ['admin']),
    ]);
    admin = await w.token(API_ADMIN);
  });
  afterAll(async () => {
    await w?.server.close();
    await tokens?.stop();
    await graph?.stop();
  });

  const submit = async (version: string): Promise<string> => {
    const res = await w.api<{ id: string }>(admin, 'POST', '/api/v1/agents/pkg-hr/submissions', {
      version,
      note: 'safer instructions',
      definition: {
        description: 'HR questions',
        instructions: `Answer HR questions only (${version}).`,
        userAuthentication: 'microsoft',
        authenticationTrigger: 'always',
        accessControl: 'copilotReaders',
        tools: [],
        knowledgeSources: [],
      },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  /** The submission as the tab's API shows it. */
  const submission = async (id: string) => {
    const page = await w.api<{ items: { submission: { id: string; status: string; reviewedBy: string | null } }[] }>(
      admin,
      'GET',
      '/api/v1/submissions?limit=200',
    );
    const found = page.body.items.find((i) => i.submission.id === id);
    expect(found).toBeDefined();
    return found!.submission;
  };

  /** Teams posts the click (`value` extra: authentication or state) to the bot with a channel token. */
  const click = async (
    who: Person,
    verb: string,
    data: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    token?: string,
  ): Promise<{ status: number; body: InvokeBody }> => {
    const activity = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: SERVICE_URL,
      timestamp: new Date().toISOString(),
      from: { id: who.teamsId, name: who.name, aadObjectId: who.oid },
      recipient: { id: `28:${BOT_ID}`, name: 'Agent Warden' },
      conversation: {
        id: '19:approvals@thread.tacv2;messageid=card-7',
        conversationType: 'channel',
        isGroup: true,
        tenantId: GRAPH_TENANT,
      },
      channelData: { tenant: { id: GRAPH_TENANT } },
      replyToId: 'card-7',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual', ...extra },
    };
    const res = await fetch(`${w.server.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token ?? (await tokens.channelToken(SERVICE_URL))}`,
      },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: (await res.json()) as InvokeBody };
  };

  const catalogPatches = () => graph.calls('PATCH', /\/appCatalogs\/teamsApps\/teams-app-hr\/appDefinitions\//);
  const definition = (id: string) => graph.teamsApps.get('teams-app-hr')!.find((d) => d.id === id)!;

  let first: string;

  it('asks the clicker to sign in (OAuthCard with the token exchange resource) and changes nothing yet', async () => {
    first = await submit('2.0.0');
    const res = await click(ADELE, 'approveSubmission', { submissionId: first });
    expect(res.status).toBe(200);
    expect(res.body.statusCode).toBe(401);
    expect(res.body.type).toBe('application/vnd.microsoft.activity.loginRequest');
    const card = res.body.value as {
      connectionName: string;
      text: string;
      tokenExchangeResource: { id: string; uri: string };
      buttons: { type: string; value: string }[];
    };
    expect(card.connectionName).toBe(CONNECTION);
    expect(card.tokenExchangeResource.uri).toBe(TOKEN_EXCHANGE_URL);
    expect(card.tokenExchangeResource.id).toBeTruthy();
    expect(card.buttons[0]).toMatchObject({ type: 'signin', value: expect.stringContaining(`${tokens.url}/`) });
    expect(card.text).toMatch(/sign in/i);
    expect(catalogPatches()).toHaveLength(0);
    expect(definition('def-2').publishingState).toBe('submitted');
    expect((await submission(first)).status).toBe('pending');
  });

  it('completes the approval once Teams sends the SSO token: Graph is called as the clicker, never as the app', async () => {
    const sso = tokens.ssoTokenFor({ aadObjectId: ADELE.oid, upn: ADELE.upn });
    const res = await click(
      ADELE,
      'approveSubmission',
      { submissionId: first },
      { authentication: { id: randomUUID(), connectionName: CONNECTION, token: sso } },
    );
    expect(res.body.statusCode).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.body.value)).toMatch(/approved/i);

    expect(tokens.calls('/api/usertoken/exchange').map((r) => r.status)).toEqual([200]);
    const patches = catalogPatches();
    expect(patches).toHaveLength(1);
    expect(patches[0]!.path).toBe('/v1.0/appCatalogs/teamsApps/teams-app-hr/appDefinitions/def-2');
    expect(patches[0]!.body).toEqual({ publishingState: 'published' });
    expect(patches[0]!.headers['if-match']).toBe('W/"two"');
    expect(patches[0]!.caller).toMatchObject({ kind: 'delegated', oid: ADELE.oid });
    // Every catalog call of the review carried Adele's token, none the app's.
    const catalogCalls = graph.requests.filter((r) => r.path.includes('/appCatalogs/'));
    expect(catalogCalls.length).toBeGreaterThanOrEqual(2);
    expect(catalogCalls.every((r) => r.caller?.kind === 'delegated' && r.caller.oid === ADELE.oid)).toBe(true);
    expect(definition('def-2').publishingState).toBe('published');
    expect(await submission(first)).toMatchObject({ status: 'approved', reviewedBy: ADELE.upn });
  });

  it('rejects with a reason as the clicker, with the token the service kept (no second sign-in)', async () => {
    const second = await submit('2.1.0');
    const exchangesBefore = tokens.calls('/api/usertoken/exchange').length;
    const res = await click(ADELE, 'rejectSubmission', {
      submissionId: second,
      rejectReason: 'It still sends mail with the maker credentials.',
    });
    expect(res.body.statusCode).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(tokens.calls('/api/usertoken/exchange')).toHaveLength(exchangesBefore);
    const patch = catalogPatches().at(-1)!;
    expect(patch.path).toBe('/v1.0/appCatalogs/teamsApps/teams-app-hr/appDefinitions/def-3');
    expect(patch.body).toEqual({ publishingState: 'rejected' });
    expect(patch.caller).toMatchObject({ kind: 'delegated', oid: ADELE.oid });
    expect(definition('def-3').publishingState).toBe('rejected');
    expect(await submission(second)).toMatchObject({ status: 'rejected', reviewedBy: ADELE.upn });
  });

  it('answers 412 to an SSO token the service cannot exchange, and to a wrong magic code; nothing changes', async () => {
    const third = await submit('2.2.0');
    const patchesBefore = catalogPatches().length;
    const expired = tokens.ssoTokenFor({ aadObjectId: NESTOR.oid, upn: NESTOR.upn }, { expired: true });
    const res = await click(
      NESTOR,
      'approveSubmission',
      { submissionId: third },
      { authentication: { id: randomUUID(), connectionName: CONNECTION, token: expired } },
    );
    expect(res.body).toMatchObject({
      statusCode: 412,
      type: 'application/vnd.microsoft.error.preconditionFailed',
      value: { code: '412' },
    });
    const wrongCode = await click(NESTOR, 'approveSubmission', { submissionId: third }, { state: '000000' });
    expect(wrongCode.body.statusCode).toBe(412);
    const otherConnection = await click(
      NESTOR,
      'approveSubmission',
      { submissionId: third },
      { authentication: { id: 'x', connectionName: 'another', token: 'whatever' } },
    );
    expect(otherConnection.body.statusCode).toBe(412);
    expect(catalogPatches()).toHaveLength(patchesBefore);
    expect((await submission(third)).status).toBe('pending');
    expect(definition('def-4').publishingState).toBe('submitted');
  });

  it('says so when the token service fails, and changes nothing', async () => {
    const pending = await w.api<{ items: { submission: { id: string; version: string } }[] }>(
      admin,
      'GET',
      '/api/v1/submissions?status=pending',
    );
    const third = pending.body.items.find((i) => i.submission.version === '2.2.0')!.submission.id;
    const patchesBefore = catalogPatches().length;
    tokens.failNext(1);
    const res = await click(NESTOR, 'approveSubmission', { submissionId: third });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringMatching(/could not sign you in.*Nothing was changed/),
    });
    expect(catalogPatches()).toHaveLength(patchesBefore);
    expect((await submission(third)).status).toBe('pending');
  });

  it('completes the action after a sign-in through the link (the magic code in value.state)', async () => {
    const page = await w.api<{ items: { submission: { id: string; version: string } }[] }>(
      admin,
      'GET',
      '/api/v1/submissions?status=pending',
    );
    const third = page.body.items.find((i) => i.submission.version === '2.2.0')!.submission.id;
    const ask = await click(NESTOR, 'approveSubmission', { submissionId: third });
    expect(ask.body.statusCode).toBe(401);
    const code = tokens.completeSignIn(NESTOR.teamsId, { aadObjectId: NESTOR.oid, upn: NESTOR.upn });
    const res = await click(NESTOR, 'approveSubmission', { submissionId: third }, { state: code });
    expect(res.body.statusCode).toBe(200);
    expect(catalogPatches().at(-1)!.caller).toMatchObject({ kind: 'delegated', oid: NESTOR.oid });
    expect(definition('def-4').publishingState).toBe('published');
    expect(await submission(third)).toMatchObject({ status: 'approved', reviewedBy: NESTOR.upn });
  });

  let fourth: string;

  it('refuses a person whose role does not allow approving without asking them to sign in; Graph is not called', async () => {
    fourth = await submit('3.0.0');
    const patchesBefore = catalogPatches().length;
    const exchangesBefore = tokens.calls('/api/usertoken/exchange').length;
    const refused = {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'You are not allowed to approve agent versions.',
    };
    expect((await click(PRADEEP, 'approveSubmission', { submissionId: fourth })).body).toMatchObject(refused);
    // Even with an SSO token Teams got for him, nothing is exchanged on his behalf.
    const sso = tokens.ssoTokenFor({ aadObjectId: PRADEEP.oid, upn: PRADEEP.upn });
    const withToken = await click(
      PRADEEP,
      'approveSubmission',
      { submissionId: fourth },
      { authentication: { id: randomUUID(), connectionName: CONNECTION, token: sso } },
    );
    expect(withToken.body).toMatchObject(refused);
    expect(tokens.calls('/api/usertoken/exchange')).toHaveLength(exchangesBefore);
    expect(tokens.userTokens.has(`${PRADEEP.teamsId}|${CONNECTION}`)).toBe(false);
    expect(catalogPatches()).toHaveLength(patchesBefore);
    expect((await submission(fourth)).status).toBe('pending');
  });

  it('tells an Agent Warden admin whom Graph does not let review Teams apps that they are not allowed; nothing changes', async () => {
    const patchesBefore = catalogPatches().length;
    const sso = tokens.ssoTokenFor({ aadObjectId: LEE.oid, upn: LEE.upn });
    const res = await click(
      LEE,
      'approveSubmission',
      { submissionId: fourth },
      { authentication: { id: randomUUID(), connectionName: CONNECTION, token: sso } },
    );
    expect(res.body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'You are not allowed to approve agent versions.',
    });
    const tried = catalogPatches().slice(patchesBefore);
    expect(tried).toHaveLength(1);
    expect(tried[0]!.caller).toMatchObject({ kind: 'delegated', oid: LEE.oid });
    expect(definition('def-5').publishingState).toBe('submitted');
    expect((await submission(fourth)).status).toBe('pending');
  });

  it('takes no click without a valid Bot Framework token', async () => {
    const forged = await tokens.channelToken(SERVICE_URL, { audience: 'another-bot' });
    const res = await click(ADELE, 'approveSubmission', { submissionId: first }, {}, forged);
    expect(res.status).toBe(401);
  });

  it('refuses to approve through the REST API in graph mode, saying where it can be done', async () => {
    const patchesBefore = catalogPatches().length;
    const res = await w.api<{ error: { message: string } }>(admin, 'POST', `/api/v1/submissions/${fourth}/approve`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/approval card in Teams/);
    expect(catalogPatches()).toHaveLength(patchesBefore);
    expect((await submission(fourth)).status).toBe('pending');
  });
});
