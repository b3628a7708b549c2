import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../bot/src/protection/policy-engine.js';
import { JAILBREAK_MESSAGE, SHIPPED_POLICY, payload, policyInput } from './policy-support.js';

// Padding, nesting, reordering and size do not change a decision (issue 9, item 1). A blocked call
// stays blocked with the same reason at any size up to the 1 MB body limit; an allowed call stays
// allowed while its inputs fit the scan limits (past them the call is refused: unchecked-inputs).

const BODY_LIMIT = 1024 * 1024;

type Inputs = Record<string, unknown>;

const BASELINES: { name: string; inputValues: Inputs; userMessage?: string }[] = [
  { name: 'deny-listed To', inputValues: { 'emailMessage/To': 'me@proton.me', 'emailMessage/Body': 'Invoices.' } },
  { name: 'outside Bcc', inputValues: { 'emailMessage/To': 'ap@zava.example', 'emailMessage/Bcc': 'x@outlook.com' } },
  {
    name: 'outside To during a jailbreak',
    inputValues: { 'emailMessage/To': 'griffin.backup@outlook.com' },
    userMessage: JAILBREAK_MESSAGE,
  },
  { name: 'internal To (allowed)', inputValues: { 'emailMessage/To': 'ap@zava.example', 'emailMessage/Body': 'Hi.' } },
];

const decide = (inputValues: Inputs, userMessage?: string) =>
  evaluatePolicy(policyInput(payload({ inputValues, ...(userMessage ? { userMessage } : {}) })), SHIPPED_POLICY);

/** Wraps every input in `depth` levels of objects and lists. */
const nest = (value: unknown, depth: number): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = i % 3 === 2 ? [v] : { [`wrap${i}`]: v };
  return v;
};

/** Padding that names no recipient, URL or address: letters, digits and spaces under neutral keys. */
const paddingEntry = (maxLength: number) =>
  fc.tuple(
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop0123456789'.split('')), maxLength }),
  );

const padded = (small: boolean) =>
  fc.record({
    baseline: fc.constantFrom(...BASELINES),
    padding: fc.array(paddingEntry(small ? 15 : 20_000), { maxLength: small ? 300 : 60 }),
    depth: fc.integer({ min: 0, max: 60 }),
    before: fc.boolean(),
    seed: fc.integer(),
  });

function build(baseline: Inputs, padding: [number, string][], depth: number, before: boolean): Inputs {
  const pads = Object.fromEntries(padding.map(([k, v]) => [`pad${k}`, v]));
  const real = Object.fromEntries(Object.entries(baseline).map(([k, v]) => [k, nest(v, depth % 4)]));
  const body = before ? { ...pads, ...real } : { ...real, ...pads };
  return depth > 3 ? { envelope: nest(body, depth) as Inputs } : body;
}

describe('padding, nesting, ordering and size do not change the decision (property)', () => {
  it('blocked calls stay blocked with the same reason, whatever the padding up to the body limit', () => {
    const times: number[] = [];
    fc.assert(
      fc.property(padded(false), ({ baseline, padding, depth, before }) => {
        const reference = decide(baseline.inputValues, baseline.userMessage);
        fc.pre(reference.blockAction);
        const inputs = build(baseline.inputValues, padding, depth, before);
        fc.pre(JSON.stringify(inputs).length < BODY_LIMIT);
        const started = performance.now();
        const d = decide(inputs, baseline.userMessage);
        times.push(performance.now() - started);
        expect({ block: d.blockAction, code: d.reasonCode }).toEqual({
          block: reference.blockAction,
          code: reference.reasonCode,
        });
      }),
      { numRuns: 150 },
    );
    times.sort((a, b) => a - b);
    // Reported, not asserted (timing on a shared machine): see the README's figures.
    console.info(
      `decision p99 over ${times.length} padded blocked calls: ${times[Math.floor(times.length * 0.99)]?.toFixed(1)} ms`,
    );
  });

  it('every baseline keeps its decision under padding within the scan limits', () => {
    fc.assert(
      fc.property(padded(true), ({ baseline, padding, depth, before }) => {
        const reference = decide(baseline.inputValues, baseline.userMessage);
        const d = decide(build(baseline.inputValues, padding, depth, before), baseline.userMessage);
        expect({ block: d.blockAction, code: d.reasonCode }).toEqual({
          block: reference.blockAction,
          code: reference.reasonCode,
        });
      }),
      { numRuns: 200 },
    );
  });
});
