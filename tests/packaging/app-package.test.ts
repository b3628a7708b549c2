import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { TeamsManifest } from '@microsoft/app-manifest';
import { buildAppPackage, fillPlaceholders, validateManifest } from '../../bot/src/packaging/app-package.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('Teams app package', () => {
  it('fills the manifest from env/.env.local, validates it offline and zips it with its icons', async () => {
    const { zipPath, manifest } = await buildAppPackage(ROOT, 'local');
    expect(manifest.manifestVersion).toBe('1.24');
    expect(manifest.bots?.[0]?.scopes).toEqual(['team', 'personal']);
    const sso = (manifest as { webApplicationInfo?: { id: string; resource?: string } }).webApplicationInfo;
    expect(sso?.resource).toBe(`api://localhost:3978/botid-${sso?.id}`);
    expect(manifest.bots?.[0]?.botId).toBe(sso?.id); // one Entra app for the tab and the bot (bot SSO)
    const zip = await JSZip.loadAsync(await fs.readFile(zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const color = await zip.file('color.png')!.async('nodebuffer');
    expect(color.readUInt32BE(16)).toBe(192); // PNG IHDR width
    const outline = await zip.file('outline.png')!.async('nodebuffer');
    expect(outline.readUInt32BE(16)).toBe(32);
  });

  it('reports schema violations', async () => {
    const template = await fs.readFile(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8');
    const manifest = JSON.parse(
      fillPlaceholders(template, {
        APP_VERSION: '1.0.0',
        APP_NAME_SUFFIX: '',
        TEAMS_APP_ID: 'not-a-guid',
        BOT_ID: '00000000-0000-0000-0000-0000000b0701',
        AAD_APP_CLIENT_ID: '00000000-0000-0000-0000-0000000a4d01',
        TAB_ENDPOINT: 'https://warden.example',
        TAB_DOMAIN: 'warden.example',
      }),
    ) as TeamsManifest;
    const errors = await validateManifest(manifest);
    expect(errors.join('\n')).toMatch(/id/);
  });

  it('names placeholders that have no value', () => {
    expect(() => fillPlaceholders('{"id": "${{TEAMS_APP_ID}}", "b": "${{BOT_ID}}"}', { BOT_ID: '' })).toThrow(
      'no value for TEAMS_APP_ID, BOT_ID',
    );
  });
});
