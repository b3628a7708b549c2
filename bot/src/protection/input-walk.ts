/**
 * A bounded walk over attacker-controlled JSON (a tool's `inputValues`, earlier tool outputs): every
 * string leaf, at any depth and in any order, each node visited once. Paths are not built while
 * walking (that would cost the depth at every node, quadratic on deep nesting); a leaf's path is made
 * on demand, from parent links, only for what is reported.
 */

export type RecipientList = 'to' | 'cc' | 'bcc';

export interface StringLeaf {
  /** The nearest key, normalized ("emailMessage/To" -> "to"). */
  key: string;
  value: string;
  /** The recipient list named by this key or an enclosing one (Graph's `bccRecipients[0].emailAddress.address`). */
  list: RecipientList | null;
  /** "emailMessage/To", "message.bccRecipients[0].emailAddress.address" (at most 12 segments shown). */
  path(): string;
}

export interface WalkLimits {
  /** Nodes (objects, arrays, scalars) visited at most; a 1 MB body holds about 500,000. */
  maxNodes: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxNodes: 600_000 };

const TO_KEYS = new Set(['to', 'torecipients', 'recipient', 'recipients', 'sendto', 'mailto', 'toaddress']);
const CC_KEYS = new Set(['cc', 'ccrecipients', 'ccaddress']);
const BCC_KEYS = new Set(['bcc', 'bccrecipients', 'bccaddress']);

export function listOf(key: string): RecipientList | null {
  return BCC_KEYS.has(key) ? 'bcc' : CC_KEYS.has(key) ? 'cc' : TO_KEYS.has(key) ? 'to' : null;
}

/** "emailMessage/To" -> "to", "message.Bcc" -> "bcc", "To_Recipients" -> "torecipients". */
export function normalizeKey(key: string): string {
  const cut = Math.max(key.lastIndexOf('/'), key.lastIndexOf('.'), key.lastIndexOf(':'));
  const last = key.slice(cut + 1, cut + 1 + 128);
  let out = '';
  for (const ch of last.toLowerCase()) if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out += ch;
  return out;
}

interface Node {
  parent: Node | null;
  /** The raw key or index under the parent. */
  name: string | number;
  key: string;
  list: RecipientList | null;
  value: unknown;
}

const MAX_PATH_SEGMENTS = 12;

function pathOf(node: Node): string {
  const names: (string | number)[] = [];
  let depth = 0;
  for (let n: Node | null = node; n; n = n.parent) {
    if (names.length < MAX_PATH_SEGMENTS) names.push(n.name);
    depth++;
  }
  names.reverse();
  const head = names
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k.slice(0, 64) : `.${k.slice(0, 64)}`))
    .join('');
  return depth > MAX_PATH_SEGMENTS ? `…${head}` : head;
}

/**
 * The string leaves of `root`, depth first in document order. `onLimit` is called once if the walk
 * stops at `maxNodes` before the end (the caller decides what an unchecked rest means).
 */
export function* stringLeaves(
  root: Record<string, unknown>,
  onLimit: () => void = () => undefined,
  limits: WalkLimits = DEFAULT_WALK_LIMITS,
): Generator<StringLeaf> {
  const stack: Node[] = [];
  const pushChildren = (parent: Node | null, value: unknown, inherited: RecipientList | null) => {
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ parent, name: i, key: parent?.key ?? '', list: inherited, value: value[i] });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const key = normalizeKey(k);
        stack.push({
          parent,
          name: k,
          key,
          list: listOf(key) ?? inherited,
          value: (value as Record<string, unknown>)[k],
        });
      }
    }
  };
  pushChildren(null, root, null);
  let visited = 0;
  while (stack.length > 0) {
    if (++visited > limits.maxNodes) {
      onLimit();
      return;
    }
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      yield { key: node.key, value: node.value, list: node.list, path: () => pathOf(node) };
    } else {
      pushChildren(node, node.value, node.list);
    }
  }
}
