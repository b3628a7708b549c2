import { domainToASCII, domainToUnicode } from 'node:url';
import type { RecipientList } from './input-walk.js';
import { stringLeaves } from './input-walk.js';
import { normalizeText } from './text-normalize.js';

/**
 * Where a tool call would send data: recipients (To/Cc/Bcc), URL parameters and links, found
 * anywhere in the tool's inputs. Every scan is a single linear pass written by hand (no backtracking
 * regex runs over attacker text), and addresses and hosts are compared in a normal form: lower case,
 * no trailing dot, NFKC, invisible characters removed, percent-encoding undone, IDN as punycode, and a
 * second, confusable-folded "skeleton" for the deny list (so "prоton.me" with a Cyrillic "о" is
 * denied like "proton.me", while only the exact domain counts as the organization's own).
 */

export interface Destination {
  /** Where it was found: To/Cc/Bcc recipients, a URL parameter, or a link inside another value. */
  kind: 'to' | 'cc' | 'bcc' | 'url' | 'link';
  /** The address (normalized) or URL (as written, at most 200 characters). */
  value: string;
  /** Domain or host: lower case, punycode, no trailing dot. */
  domain: string;
  /** `domain` with look-alike letters folded to Latin ones ("xn--prton-8we.me" -> "proton.me"). */
  skeleton: string;
  /** For addresses: the local part, normalized; null for URLs. */
  local: string | null;
  /** The input field it came from ("emailMessage/To"). */
  field: string;
  external: boolean;
}

export interface DestinationScan {
  destinations: Destination[];
  /** Set when a limit stopped the scan: the inputs may send somewhere not listed. */
  limitHit: string | null;
}

const MAX_DESTINATIONS = 1000;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_AUTHORITY = 1024;
const MAX_SHOWN = 200;

const ADDRESS_KEYS = new Set(['emailaddress', 'email', 'address', 'user', 'userprincipalname', 'upn']);
const URL_KEYS = new Set([
  'url',
  'uri',
  'endpoint',
  'webhook',
  'webhookurl',
  'target',
  'targeturl',
  'callbackurl',
  'link',
  'host',
]);
const URL_SCHEMES = new Set(['http', 'https', 'ftp', 'ws', 'wss']);

/** Recipients (To/Cc/Bcc), URL parameters and links in any text of the tool's inputs. */
export function extractDestinations(
  inputValues: Record<string, unknown>,
  tenantDomains: readonly string[],
): DestinationScan {
  const out: Destination[] = [];
  const seen = new Set<string>();
  let limitHit: string | null = null;
  const push = (d: Omit<Destination, 'external' | 'field'>, field: () => string): boolean => {
    const k = `${d.kind}|${d.local ?? ''}|${d.local === null ? d.value : d.domain}`;
    if (seen.has(k)) return true;
    if (out.length >= MAX_DESTINATIONS) {
      limitHit = `more than ${MAX_DESTINATIONS} destinations`;
      return false;
    }
    seen.add(k);
    out.push({ ...d, field: field(), external: !isInternal(d.domain, tenantDomains) });
    return true;
  };
  const onWalkLimit = () => (limitHit = 'the inputs have more nodes than are checked');
  for (const leaf of stringLeaves(inputValues, onWalkLimit)) {
    const text = canonicalText(leaf.value);
    const recipientKind: RecipientList | null = leaf.list ?? (ADDRESS_KEYS.has(leaf.key) ? 'to' : null);
    if (recipientKind) {
      for (const a of addressesIn(text)) {
        if (!push({ kind: recipientKind, value: `${a.local}@${a.domain}`, ...a }, leaf.path)) break;
      }
    }
    let urls = 0;
    for (const u of urlsIn(text)) {
      urls++;
      if (!push({ kind: URL_KEYS.has(leaf.key) ? 'url' : 'link', local: null, ...u }, leaf.path)) break;
    }
    if (urls === 0 && URL_KEYS.has(leaf.key)) {
      const bare = bareHost(text.trim());
      if (bare) push({ kind: 'url', local: null, ...bare }, leaf.path);
    }
    if (limitHit) break;
  }
  return { destinations: out, limitHit };
}

export function isInternal(domain: string, tenantDomains: readonly string[]): boolean {
  return tenantDomains.some((t) => domain === t || domain.endsWith(`.${t}`));
}

/** On the deny list by address, domain (or a subdomain) or "@domain", exactly or by look-alike letters. */
export function isDenied(d: Destination, denyList: readonly string[]): boolean {
  const domains = d.skeleton === d.domain ? [d.domain] : [d.domain, d.skeleton];
  const under = (entry: string) => domains.some((x) => x === entry || x.endsWith(`.${entry}`));
  return denyList.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry.startsWith('@')) return under(entry.slice(1));
    if (entry.includes('@')) {
      if (d.local === null) return false;
      const at = entry.lastIndexOf('@');
      const entryDomain = domainToASCII(entry.slice(at + 1)) || entry.slice(at + 1);
      return entry.slice(0, at) === d.local && domains.includes(entryDomain);
    }
    return under(domainToASCII(entry) || entry);
  });
}

// ---- normal form ----------------------------------------------------------------------------------

// Invisible characters an attacker slips into an address ("me\u200B@proton.me").
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u034F]/g;
const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi;

/** NFKC ("＠" -> "@"), invisible characters removed, percent-encoding undone, lower case: all linear. */
export function canonicalText(raw: string): string {
  let s = raw;
  if (s.includes('%')) {
    s = s.replace(PERCENT_RUN, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
  return s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

/** Punycode form of a host or domain, no trailing dot; null when it is not one. */
function canonicalDomain(raw: string): string | null {
  const trimmed = raw.replace(/\.+$/, '');
  if (trimmed.length === 0 || trimmed.length > MAX_DOMAIN) return null;
  const ascii = domainToASCII(trimmed);
  return ascii || null;
}

function skeletonOf(domain: string): string {
  const unicode = domainToUnicode(domain);
  if (!/[^\x20-\x7e]/.test(unicode)) return domain;
  return domainToASCII(normalizeText(unicode).text.replace(/\s+/g, '')) || domain;
}

// ---- scanners --------------------------------------------------------------------------------------

/** Characters that end an address on either side: whitespace, list separators, brackets, quotes, "@". */
function isAddressBoundary(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x40 || // @
    code === 0x3c || // <
    code === 0x3e || // >
    code === 0x28 || // (
    code === 0x29 || // )
    code === 0x5b || // [
    code === 0x5d || // ]
    code === 0x2c || // ,
    code === 0x3b || // ;
    code === 0x3a || // :
    code === 0x22 || // "
    code === 0x27 || // '
    code === 0x5c || // backslash
    code === 0x2f || // /
    code === 0x7f ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0xa0
  );
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    (code > 0x7f && !isAddressBoundary(code))
  );
}

interface FoundAddress {
  local: string;
  domain: string;
  skeleton: string;
}

/**
 * Every "local@domain" in the text. Linear: from each "@" the scan goes left over at most 64
 * characters and right to the end of the domain, never past a neighbouring "@", so no character is
 * read more than twice. A domain longer than DNS allows is no address.
 */
export function* addressesIn(text: string): Generator<FoundAddress> {
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && !isAddressBoundary(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    const local = text.slice(start, at);
    const domainText = end - at - 1 <= MAX_DOMAIN + 1 ? text.slice(at + 1, end) : '';
    if (local.length > 0 && looksLikeDomain(domainText)) {
      const domain = canonicalDomain(domainText);
      if (domain) yield { local, domain, skeleton: skeletonOf(domain) };
    }
    at = text.indexOf('@', end);
  }
}

function looksLikeDomain(d: string): boolean {
  const s = d.replace(/\.+$/, '');
  const dot = s.lastIndexOf('.');
  if (dot <= 0 || s.length > MAX_DOMAIN) return false;
  const tld = s.slice(dot + 1);
  return tld.length >= 2 && !s.includes('..') && !s.startsWith('.') && !/^[0-9]+$/.test(tld);
}

interface FoundUrl {
  value: string;
  domain: string;
  skeleton: string;
}

function isUrlEnd(code: number): boolean {
  return (
    code <= 0x20 || code === 0x22 || code === 0x27 || code === 0x3c || code === 0x3e || code === 0x29 || code === 0x5d
  );
}

function isAuthorityEnd(code: number): boolean {
  return isUrlEnd(code) || code === 0x2f || code === 0x3f || code === 0x23 || code === 0x5c;
}

/** Every "scheme://host..." in the text (http, https, ftp, ws, wss): one pass, URLs never overlap. */
export function* urlsIn(text: string): Generator<FoundUrl> {
  let i = text.indexOf('://');
  while (i !== -1) {
    let s = i;
    while (s > 0 && i - s < 5 && text.charCodeAt(s - 1) >= 0x61 && text.charCodeAt(s - 1) <= 0x7a) s--;
    let end = i + 3;
    while (end < text.length && !isUrlEnd(text.charCodeAt(end))) end++;
    const scheme = text.slice(s, i);
    if (URL_SCHEMES.has(scheme)) {
      let a = i + 3;
      while (a < end && a - i - 3 <= MAX_AUTHORITY && !isAuthorityEnd(text.charCodeAt(a))) a++;
      const host = hostOf(`${scheme}://${text.slice(i + 3, a)}/`);
      if (host) yield { value: text.slice(s, Math.min(end, s + MAX_SHOWN)), domain: host, skeleton: skeletonOf(host) };
    }
    i = text.indexOf('://', Math.max(end, i + 3));
  }
}

/** "webhook.site/abc" in a URL parameter: a host without a scheme. */
function bareHost(value: string): FoundUrl | null {
  if (value.length === 0) return null;
  let a = 0;
  while (a < value.length && a <= MAX_AUTHORITY && !isAuthorityEnd(value.charCodeAt(a))) a++;
  if (a < value.length && value.charCodeAt(a) <= 0x20) return null;
  const authority = value.slice(0, a);
  if (!looksLikeDomain(authority.replace(/:\d+$/, ''))) return null;
  const host = hostOf(`https://${authority}/`);
  return host ? { value: value.slice(0, MAX_SHOWN), domain: host, skeleton: skeletonOf(host) } : null;
}

function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host ? (canonicalDomain(host) ?? host) : null;
  } catch {
    return null;
  }
}
