// Malformed requests generated from the server's own OpenAPI document with fast-check: every route, its path
// and query parameters and its body schema, filled with hostile values (control characters, lone surrogates,
// huge numbers, wrong types, made-up cursors, deep nesting, broken JSON, wrong media types).
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  schema?: JsonSchema;
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: { 'application/json'?: { schema?: JsonSchema } } };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udc00x', '%00', '../../etc/passwd', "' or 1=1 --", '\u202e', ''),
  fc.string({ unit: fc.constantFrom('a', '%', '\u00e9', '\u{1F600}'), minLength: 150, maxLength: 400 }),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1, 0, 2 ** 53, Number.MAX_SAFE_INTEGER + 2),
);
const madeUpCursor = fc
  .oneof(
    fc.tuple(fc.oneof(hostileText, hostileNumber, fc.boolean()), fc.oneof(hostileText, hostileNumber)),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));

/** A value for a schema: usually of a wrong or hostile kind, sometimes of the right one. */
function valueFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
  if (!schema || depth > 3) return anything;
  const fitting: fc.Arbitrary<unknown>[] = [];
  if (schema.enum) fitting.push(fc.constantFrom(...schema.enum));
  if (schema.properties) {
    const props = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, valueFor(v, depth + 1)] as const),
    );
    fitting.push(fc.record(props, { requiredKeys: [] }));
  }
  if (schema.items) fitting.push(fc.array(valueFor(schema.items, depth + 1), { maxLength: 5 }));
  return fitting.length ? fc.oneof(anything, ...fitting) : anything;
}

/** Every UTF-8 byte percent-encoded (a lone surrogate goes as U+FFFD; encodeURIComponent would throw). */
const percentEncoded = (s: string) => Buffer.from(s, 'utf8').toString('hex').replace(/../g, '%$&');

const asQueryText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<{ body: string; contentType: string }> {
  const json = (v: unknown) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' });
  return fc.oneof(
    { weight: 5, arbitrary: valueFor(schema).map(json) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ body: `{"${s}`, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => ({
        body: `${'['.repeat(n)}${']'.repeat(n)}`,
        contentType: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1')
        .map((contentType) => ({ body: 'reason=x', contentType })),
    },
  );
}

/** Requests to every route of the document, as one of the given dev users (or a stranger). */
export function apiRequests(doc: OpenApiDocument, devUsers: string[]): fc.Arbitrary<FuzzRequest> {
  const routes = Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ template, method: method.toUpperCase(), op })),
  );
  const perRoute = routes.map(({ template, method, op }) => {
    const params = op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    return fc
      .record({
        pathValues: fc.tuple(...pathParams.map(() => hostileText)),
        query: fc.array(
          fc.tuple(
            fc.constantFrom(...(queryParams.length ? queryParams.map((p) => p.name) : ['x']), 'cursor', 'limit'),
            fc.oneof(valueFor(undefined).map(asQueryText), madeUpCursor),
          ),
          { maxLength: 4 },
        ),
        body: bodyFor(op.requestBody?.content?.['application/json']?.schema),
        user: fc.constantFrom(...devUsers, 'mallory@evil.example', ''),
        idempotencyKey: fc.option(
          hostileText.map((k) => k.replace(/[^\x20-\x7e]/g, '') || 'k'),
          { nil: undefined },
        ),
      })
      .map(({ pathValues, query, body, user, idempotencyKey }): FuzzRequest => {
        let path = template;
        pathParams.forEach((p, i) => {
          path = path.replace(`{${p.name}}`, percentEncoded(pathValues[i] ?? ''));
        });
        const qs = new URLSearchParams(query).toString();
        const headers: Record<string, string> = {};
        if (user) headers['x-dev-user'] = user;
        if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
        if (method === 'POST') headers['content-type'] = body.contentType;
        return {
          method,
          path: qs ? `${path}?${qs}` : path,
          headers,
          ...(method === 'POST' ? { body: body.body } : {}),
        };
      });
  });
  return fc.oneof(...perRoute);
}
