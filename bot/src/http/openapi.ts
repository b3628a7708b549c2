import { z } from 'zod/v4';
import type { AnyApiRoute } from './api-route.js';

/** The OpenAPI 3.1 document, generated from the routes' own zod schemas. */
export function buildOpenApi(routes: AnyApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...objectParams(route.params, 'path'),
      ...objectParams(route.query, 'query'),
      ...(route.method === 'POST'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }]
        : []),
    ];
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      parameters,
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body) } } } }
        : {}),
      security: route.access === 'public' ? [] : [{ bearer: [] }, { devUser: [] }],
      responses: {
        [String(route.status ?? 200)]: { description: route.returns },
        '400': { description: 'Bad input: the body names the field', content: errorContent },
        ...(route.access === 'public'
          ? {}
          : {
              '401': { description: 'Not signed in', content: errorContent },
              '403': { description: 'No Agent Warden role, or not one allowed here', content: errorContent },
            }),
        '404': { description: 'Not found', content: errorContent },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Agent Warden API', version },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        devUser: { type: 'apiKey', in: 'header', name: 'x-dev-user', description: 'AUTH=dev only' },
      },
    },
  };
}

const errorContent = {
  'application/json': {
    schema: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
        },
      },
    },
  },
};

function toSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function objectParams(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
