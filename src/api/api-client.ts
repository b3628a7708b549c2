import type { ApiError } from './types.js';

/** A non-2xx answer, carrying the server's error body when it sent one. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  get code(): string | undefined {
    return this.body?.error.code;
  }

  get field(): string | undefined {
    return this.body?.error.field;
  }
}

/** The server could not be reached at all (stopped, or the network is down): fetch itself rejected. */
export class ServerUnreachableError extends Error {
  constructor(cause: unknown) {
    super('The Agent Warden server cannot be reached. It may be restarting or your network may be down.', { cause });
    this.name = 'ServerUnreachableError';
  }
}

/** Headers that say who is calling (x-dev-user or Authorization). */
export type AuthHeadersProvider = (options: { refresh: boolean }) => Promise<Record<string, string>>;

export type QueryValue = string | number | boolean | string[] | null | undefined;

export interface ApiClientOptions {
  /** Prefix of every path; '' when the tab is served by the API's own origin. */
  baseUrl?: string;
  authHeaders?: AuthHeadersProvider;
  /** Whether a 401 is worth one retry with refreshed credentials (SSO tokens; not dev personas). */
  retryUnauthorized?: boolean;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Builds `?a=1&b=x,y`, leaving out empty values. */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** A small fetch wrapper: JSON in and out, auth headers, typed errors. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly authHeaders: AuthHeadersProvider;
  private readonly retryUnauthorized: boolean;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.authHeaders = options.authHeaders ?? (async () => ({}));
    this.retryUnauthorized = options.retryUnauthorized ?? false;
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body' | 'idempotencyKey'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = `${this.baseUrl}${path}${toQueryString(options.query)}`;
    let response = await this.send(method, url, options, false);
    // A stale SSO token: ask for a fresh one once.
    if (response.status === 401 && this.retryUnauthorized) response = await this.send(method, url, options, true);
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const body = isApiError(parsed) ? parsed : null;
      const message = body?.error.message ?? `${method} ${path} failed with HTTP ${response.status}`;
      throw new ApiRequestError(response.status, body, message);
    }
    return parsed as T;
  }

  private async send(method: string, url: string, options: RequestOptions, refresh: boolean): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.authHeaders({ refresh })) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      // An abort is the caller's own doing; anything else from fetch means no answer came back.
      if (options.signal?.aborted) throw error;
      throw new ServerUnreachableError(error);
    }
  }
}
