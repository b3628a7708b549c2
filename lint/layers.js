// ESLint rule `warden/layers`: imports go down the layers of docs/architecture.md ("The rooms"), never back up,
// and adapters do not reach into each other. The room of a file is its first folder under bot/src (config.ts,
// app.ts and index.ts are rooms of their own; tenant/tenant-ports.ts is the tenant's port, which services use).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(ROOT, 'bot', 'src');
const TAB = path.join(ROOT, 'src');

const ANY = '*';

/** The rooms each server room may import besides itself. */
export const SERVER_LAYERS = {
  domain: [],
  contract: ['domain'],
  config: ['domain'],
  logging: ['domain'],
  'worker-thread': [],
  store: ['domain', 'worker-thread'],
  auth: ['domain', 'store'],
  inventory: ['domain', 'store'],
  hunting: ['domain', 'store', 'worker-thread'],
  'tenant-ports': ['domain', 'store'],
  response: ['domain', 'store', 'inventory', 'tenant-ports'],
  protection: ['domain', 'store', 'auth', 'config'],
  tenant: ['domain', 'store', 'inventory', 'tenant-ports'],
  teams: ['domain', 'store', 'auth', 'config', 'inventory', 'response', 'hunting', 'tenant-ports'],
  http: [
    'domain',
    'contract',
    'store',
    'auth',
    'config',
    'inventory',
    'response',
    'hunting',
    'protection',
    'tenant-ports',
  ],
  packaging: [],
  app: ANY,
  index: ANY,
};

/** Imports across a boundary that are intended, each with its reason. Paths from the repository root. */
const EXCEPTIONS = [
  // The Agents Playground is the local Teams: its team is the Zava tenant's people, with their seeded ids.
  { from: 'bot/src/teams/store/playground.ts', to: 'bot/src/tenant/embedded/' },
];

/** What the tab may import from the server: the API contract (contract/) and the domain (types and pure rules). */
const TAB_MAY_IMPORT = ['bot/src/contract/', 'bot/src/domain/'];

const toPosix = (p) => p.split(path.sep).join('/');

function serverRoom(file) {
  const rel = toPosix(path.relative(SERVER, file));
  if (rel.startsWith('tenant/tenant-ports.')) return 'tenant-ports';
  const first = rel.split('/')[0];
  return rel.includes('/') ? first : first.replace(/\.[cm]?[jt]sx?$/, '');
}

const inside = (dir, file) => !path.relative(dir, file).startsWith('..') && !path.isAbsolute(path.relative(dir, file));

/** Why `importer` may not import `target`, or null when it may. */
export function layerViolation(importer, target) {
  const fromRepo = toPosix(path.relative(ROOT, importer));
  const toRepo = toPosix(path.relative(ROOT, target));
  if (EXCEPTIONS.some((e) => fromRepo === e.from && toRepo.startsWith(e.to))) return null;
  if (inside(TAB, importer)) {
    if (!inside(SERVER, target)) return null;
    return TAB_MAY_IMPORT.some((allowed) => toRepo.startsWith(allowed))
      ? null
      : `the tab may import only the API contract and the domain from the server, not ${toRepo}`;
  }
  if (!inside(SERVER, importer) || !inside(SERVER, target)) return null;
  const from = serverRoom(importer);
  const to = serverRoom(target);
  const allowed = SERVER_LAYERS[from];
  if (from === to || allowed === ANY) return null;
  if (allowed === undefined) return `bot/src/${from} is not a room of docs/architecture.md; add it to lint/layers.js`;
  if (allowed.includes(to)) return null;
  return `${from} may not import ${to} (${toRepo}): imports go down the layers of docs/architecture.md`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports go down the layers of docs/architecture.md, never back up' },
    schema: [],
    messages: { layer: '{{reason}}' },
  },
  create(context) {
    const importer = context.filename;
    const check = (source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const reason = layerViolation(importer, path.resolve(path.dirname(importer), source.value));
      if (reason) context.report({ node: source, messageId: 'layer', data: { reason } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
