import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseToolExecutionRequest, ToolExecutionRequestWire } from '../../bot/src/protection/webhook-schema.js';

// parseToolExecutionRequest reads a body of the schema's shape without running the schema (a hand-written check,
// hasWireShape). These properties hold that check to the schema on random bodies near its shape: a body the schema
// refuses is refused, and a body it accepts reads the same as the schema's output.

/** A field's value: most often of the right kind, else any JSON value (objects, arrays, numbers where text belongs). */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const scalar = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean()) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: anyJson },
);
const flag = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'True', 'False', 'TRUE', 'yes'), anyJson);
const field = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });
const objectOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: anyJson },
  );
const listOf = (item: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 8, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson });
const scalars = (...names: string[]) => Object.fromEntries(names.map((n) => [n, scalar]));

const body = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  {
    weight: 12,
    arbitrary: fc.record(
      {
        plannerContext: objectOf({
          ...scalars('userMessage', 'thought'),
          chatHistory: listOf(objectOf(scalars('id', 'role', 'content', 'timestamp'))),
          previousToolsOutputs: anyJson,
          previousToolOutputs: anyJson,
        }),
        toolDefinition: objectOf({
          ...scalars('id', 'type', 'name', 'description'),
          inputParameters: listOf(objectOf({ ...scalars('name', 'description'), type: objectOf(scalars('$kind')) })),
          outputParameters: anyJson,
        }),
        inputValues: fc.oneof(
          fc.dictionary(fc.constantFrom('to', 'cc', 'body', 'constructor', 'toString', 'x'), anyJson),
          anyJson,
        ),
        conversationMetadata: objectOf({
          agent: objectOf({ ...scalars('id', 'tenantId', 'environmentId', 'name', 'version'), isPublished: flag }),
          user: objectOf(scalars('id', 'tenantId')),
          ...scalars('conversationId', 'messageId', 'channelId', 'planId', 'planStepId', 'incomingClientIp'),
          trigger: objectOf(scalars('id', 'schemaName')),
        }),
        extra: field(anyJson),
      },
      { requiredKeys: [] },
    ),
  },
);

describe('parseToolExecutionRequest against its schema', () => {
  it('refuses what the schema refuses and reads what it accepts as the schema outputs it', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (b) => {
        // Through JSON, as the webhook receives it (no undefined, no -0, no NaN). Its JSON parser refuses a body with
        // a "__proto__" key (400, Fastify's prototype-poisoning guard), so none reaches the parse; the schema's output
        // would drop such a key where the body read as it is keeps it.
        const text = JSON.stringify(b);
        fc.pre(!text.includes('"__proto__"'));
        const wire: unknown = JSON.parse(text);
        const schema = ToolExecutionRequestWire.safeParse(wire);
        const read = parseToolExecutionRequest(wire);
        expect(read.ok).toBe(schema.success);
        if (!schema.success || !read.ok) return;
        accepted++;
        const fromSchema = parseToolExecutionRequest(schema.data);
        expect(fromSchema.ok && fromSchema.request).toEqual(read.request);
      }),
      { numRuns: 3000 },
    );
    // The generator must reach both sides, or the property says nothing.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2900);
  });

  it('reads an argument named "constructor" like any other (the schema once refused it, or threw on null)', () => {
    for (const value of [null, 'x', 1, {}]) {
      const read = parseToolExecutionRequest({ toolDefinition: { id: 't' }, inputValues: { constructor: value } });
      expect(read.ok && read.request.inputValues).toEqual({ constructor: value });
    }
  });
});
