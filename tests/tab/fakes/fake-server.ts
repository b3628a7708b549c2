import type { ApiError } from '../../../src/api/types.js';

/** One request the tab made, as the fake server saw it. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
}

type Handler = {
  method: string;
  path: string | RegExp;
  respond: (req: RecordedRequest, match: RegExpMatchArray | null) => FakeResponse | Promise<FakeResponse>;
};

/**
 * A stand-in for the REST API behind `fetch`: routes by method and path, records every request,
 * answers 404 with the contract's error body for anything unknown.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers: Handler[] = [];

  on(method: string, path: string | RegExp, respond: Handler['respond']): this {
    // Later registrations win, so a test can override a default.
    this.handlers.unshift({ method, path, respond });
    return this;
  }

  get(path: string | RegExp, respond: Handler['respond']): this {
    return this.on('GET', path, respond);
  }

  post(path: string | RegExp, respond: Handler['respond']): this {
    return this.on('POST', path, respond);
  }

  /** Requests to a path (exact, without query), optionally of one method. */
  to(path: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.url.pathname === path && (!method || r.method === method));
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://tab.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const req: RecordedRequest = { method, url, headers: new Headers(init.headers), body };
    this.requests.push(req);
    for (const h of this.handlers) {
      if (h.method !== method) continue;
      let match: RegExpMatchArray | null = null;
      if (typeof h.path === 'string') {
        if (h.path !== url.pathname) continue;
      } else {
        match = url.pathname.match(h.path);
        if (!match) continue;
      }
      const res = await h.respond(req, match);
      return json(res.status ?? 200, res.body ?? null);
    }
    const notFound: ApiError = { error: { code: 'not_found', message: `${method} ${url.pathname} is not faked` } };
    return json(404, notFound);
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function apiError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } satisfies ApiError };
}
