// npm run bench [-- api webhook ...]: runs the benchmark modules and prints one table of figures
// (all but scale when none is named).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchRow } from './bench-types.js';

const MODULES = ['api', 'webhook', 'notifier', 'hunting', 'tab', 'detector', 'scale'];
/** Run only when named: scale seeds 100,000 agents on each backend the first time. */
const ON_REQUEST = ['scale'];
const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const rows: BenchRow[] = [];
  for (const name of MODULES) {
    if (wanted.length ? !wanted.includes(name) : ON_REQUEST.includes(name)) continue;
    const file = path.join(here, `${name}-bench.ts`);
    if (!fs.existsSync(file)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    const mod = (await import(file)) as BenchModule;
    try {
      rows.push(...(await mod.run()));
    } catch (err) {
      rows.push({ area: name, metric: `FAILED: ${(err as Error).message}`, value: NaN, unit: '', aim: '' });
    }
  }
  printTable(rows);
}

function printTable(rows: BenchRow[]): void {
  const cells = rows.map((r) => [
    r.area,
    r.metric,
    Number.isFinite(r.value) ? formatNumber(r.value) : '-',
    r.unit,
    r.aim,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const header = ['area', 'metric', 'value', 'unit', 'aim', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

const formatNumber = (v: number) =>
  Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v % 1 === 0 ? 0 : 2);

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
