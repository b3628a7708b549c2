import type { Value } from './values.js';

const urlCache = new Map<string, Value>();

/** parse_url(), once per distinct URL (the results are never changed). */
export function parseUrl(text: string): Value {
  const cached = urlCache.get(text);
  if (cached !== undefined) return cached;
  const parsed = parseUrlUncached(text);
  if (urlCache.size >= 100_000) urlCache.clear();
  urlCache.set(text, parsed);
  return parsed;
}

/** parse_url(): the parts KQL returns; Port is a string, empty when the URL has none. */
function parseUrlUncached(text: string): Value {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return {};
  }
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => {
    query[k] = v;
  });
  return {
    Scheme: u.protocol.replace(/:$/, ''),
    Host: u.hostname,
    Port: u.port,
    Path: u.pathname,
    Username: decodeURIComponent(u.username),
    Password: decodeURIComponent(u.password),
    'Query Parameters': query,
    Fragment: u.hash.replace(/^#/, ''),
  };
}
