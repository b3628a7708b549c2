// infra/azure.bicep cannot be deployed here (no Azure, no Bicep CLI on npm): its structure is checked instead,
// for what the deployment must guarantee (Node 22+, PostgreSQL, secrets in Key Vault read by a managed identity,
// two or more instances, a health check), and its parameters file is held against its parameters.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
    expect(web).toContain("{ name: 'BOT_PASSWORD', value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret");
    // No secure parameter reaches an app setting or an output directly.
    const secure = [...bicep.matchAll(/@secure\(\)\s*param (\w+)/g)].map((m) => m[1]!);
    expect(secure.sort()).toEqual(['botAadAppClientSecret', 'postgresAdminPassword']);
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
});
