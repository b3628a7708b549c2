import { describe, expect, it } from 'vitest';
import { PersistentJailbreakTracker } from '../../bot/src/protection/persistent-jailbreak.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** Feeds a (minute, flagged) sequence for one user and agent; returns the minutes that raised. */
function raises(tracker: PersistentJailbreakTracker, seq: [number, boolean][], user = 'griffin', agent = 'billing') {
  return seq.filter(([m, f]) => tracker.record(user, agent, at(m), f).raise).map(([m]) => m);
}

describe('persistent jailbreak attempts (K=3 in W=15 minutes)', () => {
  const K3W15 = () => new PersistentJailbreakTracker({ minFlagged: 3, windowMinutes: 15 });

  it.each<{ name: string; seq: [number, boolean][]; raised: number[] }>([
    {
      name: 'two flagged messages: nothing',
      seq: [
        [0, true],
        [1, true],
      ],
      raised: [],
    },
    {
      name: 'the third flagged message within the window raises',
      seq: [
        [0, true],
        [1, true],
        [2, true],
      ],
      raised: [2],
    },
    {
      name: 'unflagged messages in between do not count and do not reset',
      seq: [
        [0, true],
        [1, false],
        [2, true],
        [3, false],
        [4, true],
      ],
      raised: [4],
    },
    {
      name: 'later flagged messages inside the raised window do not raise again',
      seq: [
        [0, true],
        [1, true],
        [2, true],
        [3, true],
        [5, true],
        [14, true],
      ],
      raised: [2],
    },
    {
      name: 'flagged messages spread over more than W minutes do not raise',
      seq: [
        [0, true],
        [10, true],
        [20, true],
        [30, true],
      ],
      raised: [],
    },
    {
      name: 'after the window ends, K new flagged messages raise a second time',
      seq: [
        [0, true],
        [1, true],
        [2, true],
        [10, true],
        [15, true],
        [16, true],
        [17, true],
      ],
      raised: [2, 17],
    },
    {
      name: 'messages inside the raised window are not carried into the next one',
      seq: [
        [0, true],
        [1, true],
        [2, true],
        [13, true],
        [14, true],
        [15, true],
      ],
      raised: [2],
    },
  ])('$name', ({ seq, raised }) => {
    expect(raises(K3W15(), seq)).toEqual(raised);
  });

  it('reports the window start and count, the same start for every later message of the window', () => {
    const t = K3W15();
    expect(t.record('griffin', 'billing', at(1), true)).toEqual({ raise: false, windowStart: at(1), count: 1 });
    t.record('griffin', 'billing', at(2), true);
    expect(t.record('griffin', 'billing', at(4), true)).toEqual({ raise: true, windowStart: at(1), count: 3 });
    expect(t.record('griffin', 'billing', at(6), true)).toEqual({ raise: false, windowStart: at(1), count: 4 });
    expect(t.record('griffin', 'billing', at(7), false)).toEqual({ raise: false, windowStart: at(1), count: 4 });
  });

  it('counts each user and agent pair on its own', () => {
    const t = K3W15();
    const seq: [number, boolean][] = [
      [0, true],
      [1, true],
    ];
    raises(t, seq, 'griffin', 'billing');
    raises(t, seq, 'griffin', 'payroll');
    raises(t, seq, 'megan', 'billing');
    expect(t.record('griffin', 'payroll', at(2), true).raise).toBe(true);
    expect(t.record('megan', 'billing', at(2), false).raise).toBe(false);
    expect(t.record('griffin', 'billing', at(3), true).raise).toBe(true);
  });

  it('K=1 raises on the first flagged message, once per window', () => {
    const t = new PersistentJailbreakTracker({ minFlagged: 1, windowMinutes: 5 });
    expect(
      raises(t, [
        [0, false],
        [1, true],
        [2, true],
        [6, true],
      ]),
    ).toEqual([1, 6]);
  });

  it('forgets idle pairs', () => {
    const t = new PersistentJailbreakTracker({ minFlagged: 3, windowMinutes: 1 });
    for (let i = 0; i < 999; i++) t.record(`user-${i}`, 'billing', at(0), true);
    expect(t.size).toBe(999);
    t.record('late', 'billing', at(10), true); // the 1000th record sweeps
    expect(t.size).toBe(1);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => new PersistentJailbreakTracker({ minFlagged: 0, windowMinutes: 5 })).toThrow(/minFlagged/);
    expect(() => new PersistentJailbreakTracker({ minFlagged: 2, windowMinutes: 0 })).toThrow(/windowMinutes/);
  });
});
