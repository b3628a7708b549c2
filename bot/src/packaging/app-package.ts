import fs from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { TeamsManifest } from '@microsoft/app-manifest';

/** Reads env/.env.<name> and, when present, the git-ignored env/.env.<name>.user with its secrets. */
export async function readEnvironment(root: string, name: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const file of [`.env.${name}`, `.env.${name}.user`]) {
    const text = await fs.readFile(path.join(root, 'env', file), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' && file.endsWith('.user')) return '';
      throw new Error(`env/${file} not found: create it or pick another environment`);
    });
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
      if (m?.[1]) values[m[1]] = (m[2] ?? '').replace(/^\s+/, '').replace(/^"(.*)"$/, '$1');
    }
  }
  return values;
}

/** Fills `${{NAME}}` placeholders; every one must have a value (an empty suffix may be empty). */
export function fillPlaceholders(
  template: string,
  values: Record<string, string>,
  mayBeEmpty = ['APP_NAME_SUFFIX'],
): string {
  const missing = new Set<string>();
  const filled = template.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined || (v === '' && !mayBeEmpty.includes(name))) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new Error(`no value for ${[...missing].join(', ')} in the environment file`);
  return filled;
}

export interface PackageResult {
  zipPath: string;
  manifest: TeamsManifest;
}

/** Validates a manifest against the schema that @microsoft/app-manifest ships (offline). */
export async function validateManifest(manifest: TeamsManifest): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest);
}

/** Builds appPackage/build/appPackage.<env>.zip: the filled manifest and its two icons. */
export async function buildAppPackage(root: string, envName: string): Promise<PackageResult> {
  const values = await readEnvironment(root, envName);
  const template = await fs.readFile(path.join(root, 'appPackage', 'manifest.json'), 'utf8');
  const manifest = JSON.parse(fillPlaceholders(template, values)) as TeamsManifest;
  const errors = await validateManifest(manifest);
  if (errors.length) throw new Error(`manifest is not valid:\n  ${errors.join('\n  ')}`);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  for (const icon of [manifest.icons.color, manifest.icons.outline]) {
    zip.file(icon, await fs.readFile(path.join(root, 'appPackage', icon)));
  }
  const outDir = path.join(root, 'appPackage', 'build');
  await fs.mkdir(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${envName}.zip`);
  await fs.writeFile(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { zipPath, manifest };
}
