// The tab's weight: what a browser downloads before the first page, from a fresh production build.
// Load time in a real browser is measured elsewhere (playwright); these figures explain it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { BenchRow } from './bench-types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INITIAL_AIM_KB = 350;

/** Chunks a chunk imports statically (`from"./x.js"`, `import"./x.js"`): fetched before it runs. */
function staticClosure(dir: string, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) {
      visit(path.posix.join(path.posix.dirname(file), m[1]!));
    }
  };
  entries.forEach(visit);
  return seen;
}

const gzipKb = (dir: string, files: Iterable<string>) =>
  [...files].reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(dir, f))).length, 0) / 1024;

const round = (n: number) => Math.round(n * 10) / 10;

export async function run(): Promise<BenchRow[]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-tab-bench-'));
  try {
    await build({
      root: ROOT,
      configFile: path.join(ROOT, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const entries = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1]!);
    const initial = staticClosure(outDir, entries);
    const assets = fs.readdirSync(path.join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
    const agentsChunk = assets.find((f) => f.startsWith('AgentsPage-'));
    const firstPage = agentsChunk ? staticClosure(outDir, [...initial, `assets/${agentsChunk}`]) : initial;
    const all = assets.map((f) => `assets/${f}`);
    const lazy = all.filter((f) => !initial.has(f));
    const largestLazy = lazy.map((f) => ({ f, kb: gzipKb(outDir, [f]) })).sort((a, b) => b.kb - a.kb)[0];

    const initialKb = gzipKb(outDir, initial);
    return [
      {
        area: 'tab',
        metric: `initial JS, gzip (entry + static imports, ${initial.size} files)`,
        value: round(initialKb),
        unit: 'KB',
        aim: `< ${INITIAL_AIM_KB} KB`,
        met: initialKb < INITIAL_AIM_KB,
      },
      {
        area: 'tab',
        metric: 'JS before the Agents page paints, gzip (initial + its lazy chunks)',
        value: round(gzipKb(outDir, firstPage)),
        unit: 'KB',
        aim: '',
      },
      {
        area: 'tab',
        metric: `all JS, gzip (${all.length} files; pages, TeamsJS and MSAL load on demand)`,
        value: round(gzipKb(outDir, all)),
        unit: 'KB',
        aim: '',
      },
      ...(largestLazy
        ? [
            {
              area: 'tab',
              metric: `largest lazy chunk, gzip (${path.basename(largestLazy.f)})`,
              value: round(largestLazy.kb),
              unit: 'KB',
              aim: '',
            },
          ]
        : []),
    ];
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
