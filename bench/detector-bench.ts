// Detector: the time to score one message from scratch (cache cleared), p50 and p99 over messages, each
// message's time the median of 7 runs. On the project's labelled set (messages people type to an agent),
// and on the public corpora when their snapshots are present (DETECTION_CORPORA_DIR): all of them, which
// includes jailbreak templates of 5,000-12,000 characters, and those up to 1,000 characters. Also the
// injection-in-data rule (patterns + data model) on BIPIA's test documents. Aim: p99 < 1 ms a message.
import os from 'node:os';
import { loadCorpora } from '../bot/scripts/detection-corpora.js';
import { BENIGN_SET, JAILBREAK_SET, loadLabelledSet, timeDetector } from '../bot/scripts/detector-report.js';
import { loadInjectionCorpora } from '../bot/scripts/injection-corpora.js';
import { detectInjectionInData } from '../bot/src/protection/detector/injection-in-data.js';
import type { BenchRow } from './bench-types.js';

const AIM_US = 1000;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [
    {
      area: 'detector',
      metric: `load average at start (${os.cpus().length} cores)`,
      value: os.loadavg()[0] ?? NaN,
      unit: '',
      aim: '',
    },
  ];
  const p99 = (what: string, texts: string[]) => {
    if (texts.length === 0) return;
    const t = timeDetector(texts);
    rows.push({ area: 'detector', metric: `${what}: p50 (${t.messages} messages)`, value: t.p50, unit: 'µs', aim: '' });
    rows.push({
      area: 'detector',
      metric: `${what}: p99`,
      value: t.p99,
      unit: 'µs',
      aim: `< ${AIM_US}`,
      met: t.p99 < AIM_US,
    });
  };
  p99(
    'project labelled set',
    [...loadLabelledSet(JAILBREAK_SET), ...loadLabelledSet(BENIGN_SET)].map((p) => p.text),
  );
  const corpora = loadCorpora().examples.map((e) => e.text);
  p99('public corpora, all lengths', corpora);
  p99(
    'public corpora, up to 1,000 characters',
    corpora.filter((t) => t.length <= 1_000),
  );
  const docs = loadInjectionCorpora().test.map((e) => e.text);
  if (docs.length > 0) {
    const times = docs.map((d) => {
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        detectInjectionInData(d);
        runs.push((performance.now() - start) * 1000);
      }
      return runs.sort((a, b) => a - b)[2]!;
    });
    times.sort((a, b) => a - b);
    const q = times[Math.min(times.length - 1, Math.floor(0.99 * times.length))]!;
    rows.push({
      area: 'detector',
      metric: `injection-in-data, BIPIA test documents: p99 (${docs.length} documents)`,
      value: q,
      unit: 'µs',
      aim: '',
    });
  }
  return rows;
}
