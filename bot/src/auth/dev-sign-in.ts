import type { IncomingHttpHeaders } from 'node:http';

/** Host names that can only mean this machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why AUTH=dev sign-in (the x-dev-user header) is refused for this request, or null when it may go on.
 * It is for a person at this machine: the Host must be a loopback name (a dev tunnel's or a rebound DNS
 * name is not), and no proxy may have forwarded the request (Forwarded, X-Forwarded-*).
 */
export function devSignInRefusal(headers: IncomingHttpHeaders): string | null {
  if (Object.keys(headers).some((name) => name === 'forwarded' || name.startsWith('x-forwarded-'))) {
    return 'dev sign-in is refused through a proxy or tunnel (Forwarded / X-Forwarded-* header present)';
  }
  const hostName = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(headers.host ?? '')?.[1] ?? '';
  if (!isLoopbackHostName(hostName)) {
    return 'dev sign-in is for this machine only: the Host header must be localhost, 127.0.0.1 or [::1]';
  }
  return null;
}

export function isLoopbackHostName(hostName: string): boolean {
  return LOOPBACK_HOSTS.has(hostName.toLowerCase());
}

/** An http(s) URL on this machine: the only serviceUrl an unauthenticated (Agents Playground) activity may name. */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostName(url.hostname);
  } catch {
    return false;
  }
}
