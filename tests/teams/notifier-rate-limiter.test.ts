import { describe, expect, it } from 'vitest';
import { classifyFailure, parseRetryAfter } from '../../bot/src/teams/notifier/channel-sender.js';
import { TEAMS_THREAD_LIMITS, TeamsRateLimiter, retryDelayMs } from '../../bot/src/teams/notifier/rate-limiter.js';

function virtualLimiter(appRatePerSecond = 50) {
  let now = 0;
  const limiter = new TeamsRateLimiter({
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    appRatePerSecond,
  });
  return { limiter, now: () => now };
}

describe('TeamsRateLimiter', () => {
  it('lets 7 writes through at once, then paces one thread by 7/1 s, 8/2 s and 60/30 s', async () => {
    const { limiter, now } = virtualLimiter();
    const times: number[] = [];
    for (let i = 0; i < 70; i++) {
      expect((await limiter.acquire('19:a', Infinity)).ok).toBe(true);
      times.push(now());
      limiter.settle('19:a');
    }
    expect(times.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    for (const { limit, windowMs } of TEAMS_THREAD_LIMITS) {
      for (const t of times) expect(times.filter((u) => u >= t && u < t + windowMs).length).toBeLessThanOrEqual(limit);
    }
    // The 61st write waits for the first 30 s window to pass.
    expect(times[60]!).toBeGreaterThanOrEqual(30_000);
  });

  it('keeps threads apart, and shares the app-wide bucket', async () => {
    const { limiter, now } = virtualLimiter(10);
    for (let i = 0; i < 7; i++) await limiter.acquire('19:a', Infinity);
    expect((await limiter.acquire('19:b', Infinity)).ok).toBe(true);
    expect(now()).toBe(0);
    // 8 of 10 app tokens used; two roster reads take the rest, the third waits for a refill.
    await limiter.acquire(null, Infinity);
    await limiter.acquire(null, Infinity);
    expect(now()).toBe(0);
    await limiter.acquire(null, Infinity);
    expect(now()).toBe(100);
  });

  it('answers the wait instead of sleeping past maxWaitMs, and holds a thread for a Retry-After', async () => {
    const { limiter } = virtualLimiter();
    limiter.pause('19:a', 7_000);
    expect(await limiter.acquire('19:a', 5_000)).toEqual({ ok: false, retryInMs: 7_000 });
    expect((await limiter.acquire('19:b', 5_000)).ok).toBe(true);
  });
});

describe('retryDelayMs', () => {
  const o = { baseMs: 1_000, maxMs: 60_000 };
  it.each([
    [1, null, 0, 500],
    [1, null, 1, 1_000],
    [3, null, 0.5, 3_000],
    [10, null, 1, 60_000],
    [1, 7_000, 1, 7_000],
    [5, 2_000, 0, 8_000],
  ])('attempt %i, Retry-After %s ms, random %s: %i ms', (attempt, retryAfter, random, expected) => {
    expect(retryDelayMs(attempt, retryAfter, { ...o, random: () => random })).toBe(expected);
  });
});

describe('failures from Teams', () => {
  it.each([
    [429, 'Throttled', 'retry'],
    [412, 'PreconditionFailed', 'retry'],
    [502, null, 'retry'],
    [503, null, 'retry'],
    [504, 'GatewayTimeout', 'retry'],
    [403, 'BotNotInConversationRoster', 'removed'],
    [403, 'MessageWritesBlocked', 'removed'],
    [403, 'NotEnoughPermissions', 'permanent'],
    [413, 'MessageSizeTooBig', 'permanent'],
    [400, 'BadArgument', 'permanent'],
    [404, 'NotFound', 'permanent'],
  ] as const)('%i %s is %s', (status, code, kind) => {
    expect(classifyFailure(status, code)).toBe(kind);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
