import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { detectJailbreak } from '../src/protection/jailbreak-detector.js';

/**
 * `npm run -s detector:score`: the jailbreak detector as a filter. Reads JSON lines `{"text": "..."}` on
 * stdin and writes one line for each, in order: `{"score": 0.93, "flagged": true, "features": [...]}`, or
 * `{"error": "..."}` for a line that is not such an object (the next lines are still scored). Lines over
 * MAX_LINE_CHARS are refused rather than read whole; the detector itself reads at most its own bound.
 */

export const MAX_LINE_CHARS = 1_000_000;

export function scoreLine(line: string): Record<string, unknown> {
  if (line.length > MAX_LINE_CHARS) return { error: `line longer than ${MAX_LINE_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not JSON: expected {"text": "..."}' };
  }
  const text = value !== null && typeof value === 'object' ? (value as { text?: unknown }).text : undefined;
  if (typeof text !== 'string') return { error: 'expected {"text": "..."} with text a string' };
  const r = detectJailbreak(text);
  return {
    score: r.score,
    flagged: r.flagged,
    features: r.features.map((f) => ({ id: f.id, weight: f.weight, excerpt: f.excerpt })),
  };
}

export async function scoreStream(input: Readable, output: Writable): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim().length === 0) continue;
    if (!output.write(`${JSON.stringify(scoreLine(line))}\n`)) {
      await new Promise((resolve) => output.once('drain', resolve));
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  scoreStream(process.stdin, process.stdout).catch((err: unknown) => {
    process.stderr.write(`detector:score: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
