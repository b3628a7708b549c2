// The Entra app manifest (aad.manifest.json, applied by `aadApp/update`) and the Teams app manifest must agree,
// or Teams SSO fails at run time: same client id, the identifier URI is webApplicationInfo.resource, the tab asks for
// the scope the Entra app exposes, and the clients Microsoft documents for SSO are pre-authorized for it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../bot/src/domain/types.js';
import { rolesFromClaims } from '../../bot/src/auth/principal-resolver.js';
import { fillPlaceholders } from '../../bot/src/packaging/app-package.js';
import { apiScope } from '../../src/host/sso-auth.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const VALUES = {
  APP_VERSION: '1.0.0',
  APP_NAME_SUFFIX: '',
  TEAMS_APP_ID: '00000000-0000-0000-0000-0000000a9901',
  BOT_ID: '00000000-0000-0000-0000-0000000b0701',
  AAD_APP_CLIENT_ID: '00000000-0000-0000-0000-0000000a4d01',
  AAD_APP_OBJECT_ID: '00000000-0000-0000-0000-0000000a4d02',
  TAB_ENDPOINT: 'https://warden.example',
  TAB_DOMAIN: 'warden.example',
};

/** Teams, Microsoft 365 (Office) and Outlook clients, desktop, web and mobile, as Microsoft lists them for tab SSO. */
const SSO_CLIENTS = [
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264', // Teams desktop and mobile
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', // Teams web
  '4765445b-32c6-49b0-83e6-1d93765276ca', // Microsoft 365 web
  '4345a7b9-9a63-4910-a426-35363201d503', // Microsoft 365 web
  '0ec893e0-5785-4de6-99da-4ed124e5296c', // Microsoft 365 desktop
  'd3590ed6-52b3-4102-aeff-aad2292ab01c', // Outlook desktop
  '00000002-0000-0ff1-ce00-000000000000', // Outlook web
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3', // Outlook web
  '27922004-5251-4030-b22d-91ecd9a37ea4', // Outlook mobile
];

interface RequiredAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Scope' | 'Role' }[];
}

interface EntraManifest {
  id: string;
  appId: string;
  signInAudience: string;
  identifierUris: string[];
  oauth2Permissions: { id: string; value: string; isEnabled: boolean; type: string }[];
  preAuthorizedApplications: { appId: string; permissionIds: string[] }[];
  replyUrlsWithType: { url: string; type: string }[];
  appRoles: { id: string; value: string; isEnabled: boolean; allowedMemberTypes: string[] }[];
}

async function filled<T>(file: string): Promise<T> {
  return JSON.parse(fillPlaceholders(await fs.readFile(path.join(ROOT, file), 'utf8'), VALUES)) as T;
}

describe('Entra app manifest against the Teams app manifest', () => {
  it('has the identifier URI, client id and scope the tab uses for SSO', async () => {
    const entra = await filled<EntraManifest>('aad.manifest.json');
    const teams = await filled<{ webApplicationInfo: { id: string; resource: string }; validDomains: string[] }>(
      'appPackage/manifest.json',
    );
    expect(entra.appId).toBe(teams.webApplicationInfo.id);
    expect(entra.identifierUris).toEqual([teams.webApplicationInfo.resource]);
    expect(teams.validDomains).toContain(VALUES.TAB_DOMAIN);
    const scope = entra.oauth2Permissions.find((p) => p.value === 'access_as_user');
    expect(scope).toMatchObject({ isEnabled: true, type: 'User' });
    // The scope the tab asks for (nested app authentication) is that identifier URI's access_as_user.
    expect(apiScope(VALUES.AAD_APP_CLIENT_ID, VALUES.TAB_DOMAIN)).toBe(`${entra.identifierUris[0]}/access_as_user`);
  });

  it("shares the Entra app with the bot, in the botid- form the bot's token exchange needs", async () => {
    const entra = await filled<EntraManifest>('aad.manifest.json');
    const teams = await filled<{ bots: { botId: string }[]; validDomains: string[] }>('appPackage/manifest.json');
    expect(teams.bots.map((b) => b.botId)).toEqual([entra.appId]);
    expect(entra.identifierUris).toEqual([`api://${VALUES.TAB_DOMAIN}/botid-${entra.appId}`]);
    // The OAuthCard's sign-in page (fallback when silent SSO is not possible) and its redirect back.
    expect(teams.validDomains).toContain('token.botframework.com');
    expect(entra.replyUrlsWithType).toContainEqual({
      url: 'https://token.botframework.com/.auth/web/redirect',
      type: 'Web',
    });
  });

  it('asks Graph for the delegated approval permission and the application permissions the server uses', async () => {
    const entra = await filled<EntraManifest & { requiredResourceAccess: RequiredAccess[] }>('aad.manifest.json');
    const graph = entra.requiredResourceAccess.find((r) => r.resourceAppId === 'Microsoft Graph')!;
    const of = (type: string) => graph.resourceAccess.filter((a) => a.type === type).map((a) => a.id);
    expect(of('Scope')).toContain('AppCatalog.ReadWrite.All');
    // The README's Graph mode lists the application permissions; the manifest must ask for each.
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
    const from = readme.indexOf('Application permissions the app needs:');
    const listed = readme.slice(from, readme.indexOf('\n- ', from));
    const names = [...listed.matchAll(/\b([A-Z][A-Za-z]+\.[A-Za-z.]+?\.All)\b/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names.filter((n) => n !== 'Directory.ReadWrite.All')) expect(of('Role')).toContain(name);
  });

  it('pre-authorizes exactly the Teams, Microsoft 365 and Outlook clients for that scope', async () => {
    const entra = await filled<EntraManifest>('aad.manifest.json');
    const scopeId = entra.oauth2Permissions.find((p) => p.value === 'access_as_user')!.id;
    expect(entra.preAuthorizedApplications.map((a) => a.appId).sort()).toEqual([...SSO_CLIENTS].sort());
    for (const app of entra.preAuthorizedApplications) expect(app.permissionIds).toEqual([scopeId]);
  });

  it('has the nested app authentication redirect (brk-multihub) as a single-page app', async () => {
    const entra = await filled<EntraManifest>('aad.manifest.json');
    expect(entra.replyUrlsWithType).toContainEqual({ url: `brk-multihub://${VALUES.TAB_DOMAIN}`, type: 'Spa' });
    expect(entra.replyUrlsWithType).toContainEqual({ url: VALUES.TAB_ENDPOINT, type: 'Spa' });
  });

  it('declares one user app role per role the server checks, each mapped by the token reader', async () => {
    const entra = await filled<EntraManifest>('aad.manifest.json');
    const mapped = entra.appRoles.map((r) => rolesFromClaims({ roles: [r.value] }));
    expect(mapped.map((roles) => roles.length)).toEqual(entra.appRoles.map(() => 1));
    expect(mapped.flat().sort()).toEqual([...ROLES].sort());
    for (const role of entra.appRoles) expect(role).toMatchObject({ isEnabled: true, allowedMemberTypes: ['User'] });
    const ids = [...entra.appRoles.map((r) => r.id), ...entra.oauth2Permissions.map((p) => p.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('is applied by aadApp/update in both Teams Toolkit projects, after the app is created', async () => {
    for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
      const yml = await fs.readFile(path.join(ROOT, file), 'utf8');
      const create = yml.indexOf('uses: aadApp/create');
      const update = yml.indexOf('uses: aadApp/update');
      expect(create, file).toBeGreaterThan(-1);
      expect(update, file).toBeGreaterThan(create);
      expect(yml.slice(update, update + 200)).toContain('manifestPath: ./aad.manifest.json');
      expect(yml.slice(create, update)).toContain('objectId: AAD_APP_OBJECT_ID');
    }
  });
});
