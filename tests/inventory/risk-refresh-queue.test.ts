import { describe, expect, it } from 'vitest';
import { RiskRefreshQueue } from '../../bot/src/inventory/risk-refresh-queue.js';

/** A queue over recording refreshes; `gate` holds a refresh open until released. */
function queueOver(options: { maxBatch?: number; maxPending?: number; fail?: (ids: string[]) => boolean } = {}) {
  const calls: (string[] | 'all')[] = [];
  const errors: unknown[] = [];
  let release: (() => void) | null = null;
  let held = false;
  const queue = new RiskRefreshQueue({
    delayMs: 5,
    ...options,
    refresh: async (ids) => {
      calls.push([...ids].sort());
      if (held) await new Promise<void>((r) => (release = r));
      if (options.fail?.(ids)) throw new Error(`refresh of ${ids.join(',')} failed`);
    },
    refreshAll: async () => {
      calls.push('all');
    },
    onError: (err) => errors.push(err),
  });
  return {
    queue,
    calls,
    errors,
    hold: () => (held = true),
    release: () => {
      held = false;
      release?.();
    },
  };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('RiskRefreshQueue', () => {
  it('coalesces: many requests for the same agents in a moment make one refresh, each agent once', async () => {
    const { queue, calls } = queueOver();
    for (let i = 0; i < 1000; i++) queue.request(['b', 'a']);
    queue.request(['c']);
    expect(calls).toEqual([]); // nothing runs on the caller's path
    await queue.flush();
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect(queue.snapshot()).toMatchObject({ pending: 0, requested: 2001, refreshes: 1, failed: 0 });
  });

  it('starts on its own a moment after a request, and runs one refresh at a time', async () => {
    const { queue, calls, hold, release } = queueOver();
    hold();
    queue.request(['a']);
    await tick();
    expect(calls).toEqual([['a']]);
    // Requested while the first refresh runs: waits for it, then all in one.
    queue.request(['b']);
    queue.request(['c', 'b']);
    await tick();
    expect(calls).toEqual([['a']]);
    release();
    await tick();
    expect(calls).toEqual([['a'], ['b', 'c']]);
    await queue.close();
  });

  it('refreshes in batches of maxBatch agents', async () => {
    const { queue, calls } = queueOver({ maxBatch: 2 });
    queue.request(['a', 'b', 'c', 'd', 'e']);
    await queue.flush();
    expect(calls.map((c) => (c === 'all' ? c : c.length))).toEqual([2, 2, 1]);
    expect(calls.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stays bounded: past maxPending agents waiting it reassesses everything once instead', async () => {
    const { queue, calls } = queueOver({ maxPending: 3 });
    queue.request(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(queue.snapshot().pending).toBe(-1);
    await queue.flush();
    expect(calls).toEqual(['all']);
  });

  it('reports a failed refresh and goes on with the next', async () => {
    const { queue, calls, errors } = queueOver({ maxBatch: 1, fail: (ids) => ids.includes('a') });
    queue.request(['a', 'b']);
    await queue.flush();
    expect(calls).toEqual([['a'], ['b']]);
    expect(errors).toHaveLength(1);
    expect(queue.snapshot()).toMatchObject({ refreshes: 1, failed: 1 });
  });

  it('finishes what waits on close and ignores requests after it', async () => {
    const { queue, calls } = queueOver();
    queue.request(['a']);
    await queue.close();
    expect(calls).toEqual([['a']]);
    queue.request(['b']);
    await tick();
    expect(calls).toEqual([['a']]);
  });
});
