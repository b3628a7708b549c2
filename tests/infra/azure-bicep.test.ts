// infra/azure.bicep cannot be deployed here (no Azure, no Bicep CLI on npm): its structure is checked instead,
// for what the deployment must guarantee (Node 22+, PostgreSQL, secrets in Key Vault read by a managed identity,
// two or more instances, a health check), and its parameters file is held against its parameters.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/src/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => fs.readFile(path.join(ROOT, file), 'utf8');

/** `resource <name> '<type>@<version>'` declarations: name -> type. */
function resources(bicep: string): Map<string, string> {
  return new Map([...bicep.matchAll(/^resource (\w+) '([^'@]+)@[^']+'/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The body of `resource <name> ...= { ... }` up to the next top-level declaration. */
function body(bicep: string, name: string): string {
  const start = bicep.search(new RegExp(`^resource ${name} `, 'm'));
  expect(start, `resource ${name}`).toBeGreaterThan(-1);
  const next = bicep.slice(start + 1).search(/^(?:resource|output|param|var) /m);
  return next < 0 ? bicep.slice(start) : bicep.slice(start, start + 1 + next);
}

describe('infra/azure.bicep', () => {
  it('runs the server on Node 22 LTS or newer, with a /readyz health check, on two or more instances', async () => {
    const bicep = await read('infra/azure.bicep');
    const node = /linuxFxVersion: 'NODE\|(\d+)-lts'/.exec(bicep);
    expect(Number(node?.[1])).toBeGreaterThanOrEqual(22);
    expect(bicep).toContain("healthCheckPath: '/readyz'");
    expect(bicep).toMatch(/@minValue\(2\)\s*(?:@description\([^)]*\)\s*)?param instanceCount int = [2-9]/);
    expect(body(bicep, 'plan')).toContain('capacity: instanceCount');
    expect(bicep).not.toMatch(/sku string = 'B1'/); // Basic caps scale-out; the default plan must run several
  });

  it('keeps the store on an Azure Database for PostgreSQL flexible server, TLS required', async () => {
    const bicep = await read('infra/azure.bicep');
    const types = resources(bicep);
    expect(types.get('postgres')).toBe('Microsoft.DBforPostgreSQL/flexibleServers');
    expect(types.get('database')).toBe('Microsoft.DBforPostgreSQL/flexibleServers/databases');
    expect(body(bicep, 'databaseUrlSecret')).toContain('sslmode=require');
    expect(body(bicep, 'databaseUrlSecret')).toContain('uriComponent(postgresAdminPassword)');
  });

  it('reads DATABASE_URL and the bot secret from Key Vault through the app managed identity', async () => {
    const bicep = await read('infra/azure.bicep');
    const types = resources(bicep);
    expect(types.get('vault')).toBe('Microsoft.KeyVault/vaults');
    expect(body(bicep, 'vault')).toContain('enableRbacAuthorization: true');
    const web = body(bicep, 'web');
    expect(web).toContain("identity: { type: 'SystemAssigned' }");
    expect(web).toContain("keyVaultReferenceIdentity: 'SystemAssigned'");
    expect(web).toContain("{ name: 'DATABASE_URL', value: '@Microsoft.KeyVault(SecretUri=${databaseUrlSecret");
    expect(web).toContain("{ name: 'BOT_PASSWORD', value: '@Microsoft.KeyVault(SecretUri=${appSecret");
    expect(web).toContain("{ name: 'GRAPH_CLIENT_SECRET', value: '@Microsoft.KeyVault(SecretUri=${appSecret");
    // No secure parameter reaches an app setting or an output directly.
    const secure = [...bicep.matchAll(/@secure\(\)\s*param (\w+)/g)].map((m) => m[1]!);
    expect(secure.sort()).toEqual(['aadAppClientSecret', 'postgresAdminPassword']);
    for (const name of secure) {
      expect(web).not.toContain(name);
      expect(bicep.match(/^output .*$/gm)!.join('\n')).not.toContain(name);
    }
    const grant = body(bicep, 'webReadsSecrets');
    expect(types.get('webReadsSecrets')).toBe('Microsoft.Authorization/roleAssignments');
    expect(grant).toContain('scope: vault');
    expect(grant).toContain('principalId: web.identity.principalId');
    expect(bicep).toContain("keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'");
  });

  it('has a parameters file that sets exactly the parameters without a default', async () => {
    const bicep = await read('infra/azure.bicep');
    const required = [...bicep.matchAll(/^param (\w+) \w+$/gm)].map((m) => m[1]!).sort();
    const file = JSON.parse(await read('infra/azure.parameters.json')) as { parameters: Record<string, unknown> };
    expect(Object.keys(file.parameters).sort()).toEqual(required);
  });

  it('gives the Teams Toolkit project and manifests the outputs they read', async () => {
    const bicep = await read('infra/azure.bicep');
    const readers = (
      await Promise.all(['teamsapp.yml', 'aad.manifest.json', 'appPackage/manifest.json'].map(read))
    ).join('\n');
    for (const output of ['AZURE_APP_SERVICE_RESOURCE_ID', 'TAB_DOMAIN', 'TAB_ENDPOINT']) {
      expect(bicep).toMatch(new RegExp(`^output ${output} `, 'm'));
      expect(readers).toContain(`\${{${output}}}`);
    }
  });

  it('allows the pg_trgm extension the search index needs', async () => {
    const bicep = await read('infra/azure.bicep');
    expect(resources(bicep).get('postgresExtensions')).toBe('Microsoft.DBforPostgreSQL/flexibleServers/configurations');
    const ext = body(bicep, 'postgresExtensions');
    expect(ext).toContain("name: 'azure.extensions'");
    expect(ext).toMatch(/value: '[^']*PG_TRGM/);
  });

  it("registers the bot on the tab's Entra app, with the OAuth connection Teams SSO exchanges tokens through", async () => {
    const bicep = await read('infra/azure.bicep');
    const types = resources(bicep);
    expect(types.get('bot')).toBe('Microsoft.BotService/botServices');
    expect(types.get('botTeamsChannel')).toBe('Microsoft.BotService/botServices/channels');
    expect(types.get('botSsoConnection')).toBe('Microsoft.BotService/botServices/connections');
    const bot = body(bicep, 'bot');
    expect(bot).toContain('msaAppId: aadAppClientId');
    expect(bot).toContain("msaAppType: 'SingleTenant'");
    expect(bot).toContain("endpoint: 'https://${web.properties.defaultHostName}/api/messages'");
    const connection = body(bicep, 'botSsoConnection');
    expect(connection).toContain("serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'"); // Azure AD v2
    expect(connection).toContain('clientId: aadAppClientId');
    expect(connection).toMatch(/scopes: '[^']*AppCatalog\.ReadWrite\.All/);
    expect(connection).toContain("{ key: 'tokenExchangeUrl', value: ssoResource }");
    // The token exchange URL is the Entra app's identifier URI once teamsapp.yml fills TAB_DOMAIN from the output.
    expect(bicep).toMatch(/^output TAB_DOMAIN string = web\.properties\.defaultHostName$/m);
    expect(bicep).toContain("var ssoResource = 'api://${web.properties.defaultHostName}/botid-${aadAppClientId}'");
    const entra = JSON.parse(await read('aad.manifest.json')) as { identifierUris: string[] };
    expect(entra.identifierUris).toEqual(['api://${{TAB_DOMAIN}}/botid-${{AAD_APP_CLIENT_ID}}']);
    // No second Entra app or Bot Framework registration beside the Azure Bot.
    const yml = await read('teamsapp.yml');
    expect(yml).not.toContain('uses: botAadApp/create');
    expect(yml).not.toContain('uses: botFramework/create');
  });

  it('gives the server app settings it starts with in TENANT=graph', async () => {
    const bicep = await read('infra/azure.bicep');
    const settings = appSettings(bicep, {
      resourceBaseName: 'wardendev',
      aadAppClientId: '11111111-2222-4333-8444-555555555555',
      aadAppTenantId: '99999999-8888-4777-8666-555555555555',
      webhookAudience: 'api://wardendev.azurewebsites.net/threat-detection',
      webhookAllowedAppIds: '22222222-3333-4444-8555-666666666666',
    });
    expect(settings.TENANT).toBe('graph');
    const config = loadConfig(settings);
    expect(config.tenant).toBe('graph');
    expect(config.auth).toBe('entra');
    expect(config.bot.id).toBe('11111111-2222-4333-8444-555555555555');
    expect(config.bot.sso?.connectionName).toBe(/param botSsoConnectionName string = '([^']+)'/.exec(bicep)![1]);
    expect(config.databaseUrl).toMatch(/^postgres:\/\//);
  });
});

/**
 * The web app's settings as App Service hands them to the process: `${...}` evaluated for parameters (given),
 * `var`s and `environment()`, and each Key Vault reference replaced by a value of that secret's kind.
 * An expression it does not know fails the test, so a new setting is read here too.
 */
function appSettings(bicep: string, params: Record<string, string>): Record<string, string> {
  const defaults = Object.fromEntries(
    [...bicep.matchAll(/^param (\w+) string = '([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const vars = Object.fromEntries([...bicep.matchAll(/^var (\w+) = '([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
  const known: Record<string, string> = {
    'environment().authentication.loginEndpoint': 'https://login.microsoftonline.com/',
  };
  const value = (expr: string): string => {
    if (expr in params) return params[expr]!;
    if (expr in defaults) return defaults[expr]!;
    if (expr in vars) return interpolate(vars[expr]!);
    if (expr in known) return known[expr]!;
    throw new Error(`unknown expression in an app setting: ${expr}`);
  };
  const interpolate = (text: string): string => text.replace(/\$\{([^}]+)\}/g, (_, expr: string) => value(expr));
  const secrets: Record<string, string> = {
    databaseUrlSecret: 'postgres://warden:secret@wardendev-pg.postgres.database.azure.com:5432/warden?sslmode=require',
    appSecret: 'entra-app-client-secret',
  };
  const out: Record<string, string> = {};
  for (const m of body(bicep, 'web').matchAll(/\{ name: '(\w+)', value: (?:'([^']*)'|(\w+)) \}/g)) {
    const vault = m[2] && /^@Microsoft\.KeyVault\(SecretUri=\$\{(\w+)\.properties\.secretUri\}\)$/.exec(m[2]);
    if (vault) {
      expect(secrets, `Key Vault secret ${vault[1]}`).toHaveProperty(vault[1]!);
      out[m[1]!] = secrets[vault[1]!]!;
    } else out[m[1]!] = m[2] !== undefined ? interpolate(m[2]) : value(m[3]!);
  }
  return out;
}
