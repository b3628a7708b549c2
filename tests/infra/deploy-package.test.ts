// `teamsapp deploy` zips the project for App Service and leaves out what its ignore file names: the file must exist
// (a missing one leaves nothing out), and secrets and local data must never be uploaded.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function ignoreFileOfDeploy(): string {
  const yml = fs.readFileSync(path.join(ROOT, 'teamsapp.yml'), 'utf8');
  const deploy = yml.slice(yml.indexOf('\ndeploy:'));
  const match = /uses: azureAppService\/zipDeploy[\s\S]*?ignoreFile:\s*(\S+)/.exec(deploy);
  expect(match, 'teamsapp.yml deploys with azureAppService/zipDeploy and an ignoreFile').not.toBeNull();
  return path.join(ROOT, match![1]!);
}

describe('the App Service package', () => {
  it('is cut by an ignore file that exists and leaves out secrets, local data and the PGlite cluster', () => {
    const file = ignoreFileOfDeploy();
    expect(fs.existsSync(file), `${path.relative(ROOT, file)} exists`).toBe(true);
    const patterns = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of ['env/.env.*.user', '.localConfigs', '.data/', '.git/', 'bot/dist/store/pglite-cluster/']) {
      expect(patterns).toContain(needed);
    }
    // Never the code the server runs or the tab it serves.
    for (const kept of ['bot/', 'bot/dist/', 'dist/', 'node_modules/', 'config/', 'package.json']) {
      expect(patterns).not.toContain(kept);
    }
  });
});
