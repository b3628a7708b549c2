import type { IncidentEntities, Platform, ProtectionEvent } from '../../api/types.js';
import { PLATFORM_LABEL } from '../../format.js';
import type { EntityKind, GraphEdge, GraphLayout, GraphNode, PlacedNode } from './EntityGraph.types.js';

export const COLUMN_ORDER: EntityKind[] = ['ip', 'user', 'agent', 'tool'];
export const KIND_TITLE: Record<EntityKind, string> = {
  ip: 'IP addresses',
  user: 'Users',
  agent: 'Agents',
  tool: 'Tools',
};
export const KIND_NAME: Record<EntityKind, string> = { ip: 'IP address', user: 'User', agent: 'Agent', tool: 'Tool' };
const KIND_IN_SENTENCE: Record<EntityKind, string> = { ip: 'IP address', user: 'user', agent: 'agent', tool: 'tool' };

const COLUMN_WIDTH = 240;
const NODE_WIDTH = 200;
const NODE_HEIGHT = 48;
const ROW_GAP = 16;
const HEADER_HEIGHT = 32;
const PADDING = 8;

/** `::ffff:78.131.11.108` and `78.131.11.108` are the same address. */
export const normalizeIp = (ip: string): string => ip.replace(/^::ffff:/i, '');

const nodeId = (kind: EntityKind, id: string) => `${kind}:${id}`;

/**
 * The incident's entities plus every one its timeline names (a tool called in a flagged prompt's turn, say, that no
 * alert's evidence lists): the graph shows what the timeline shows, each entity once.
 */
export function entitiesWithTimeline(entities: IncidentEntities, timeline: ProtectionEvent[]): IncidentEntities {
  const ips = new Set(entities.ips.map(normalizeIp));
  const users = new Set(entities.users.map((u) => u.userId));
  const agents = new Set(entities.agents.map((a) => a.agentId));
  const tools = new Set(entities.tools.map((t) => t.toolId));
  const out: IncidentEntities = {
    ips: [...entities.ips],
    users: [...entities.users],
    agents: [...entities.agents],
    tools: [...entities.tools],
  };
  for (const e of timeline) {
    if (e.ip && !ips.has(normalizeIp(e.ip))) {
      ips.add(normalizeIp(e.ip));
      out.ips.push(e.ip);
    }
    if (e.userId && !users.has(e.userId)) {
      users.add(e.userId);
      out.users.push({ userId: e.userId, upn: e.userId, displayName: e.userId });
    }
    if (e.agentId && !agents.has(e.agentId)) {
      agents.add(e.agentId);
      // The event does not say the agent's platform: the node then says only "Agent".
      out.agents.push({ agentId: e.agentId, agentName: e.agentId, platform: '' as Platform });
    }
    if (e.toolId && e.agentId && !tools.has(e.toolId)) {
      tools.add(e.toolId);
      out.tools.push({ toolId: e.toolId, toolName: e.toolName ?? e.toolId, agentId: e.agentId });
    }
  }
  return out;
}

/**
 * The incident's entities as nodes, and the edges ip->user->agent->tool its events show (ip->agent when
 * the caller was anonymous).
 */
export function buildEntityGraph(
  incidentEntities: IncidentEntities,
  timeline: ProtectionEvent[],
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const entities = entitiesWithTimeline(incidentEntities, timeline);
  const nodes: GraphNode[] = [];
  const seen = new Set<string>();
  const add = (node: GraphNode) => {
    if (seen.has(node.id)) return;
    seen.add(node.id);
    nodes.push(node);
  };
  for (const ip of entities.ips) {
    add({ id: nodeId('ip', normalizeIp(ip)), kind: 'ip', label: normalizeIp(ip), detail: 'IP address', entityId: ip });
  }
  for (const u of entities.users) {
    add({ id: nodeId('user', u.userId), kind: 'user', label: u.displayName, detail: u.upn, entityId: u.userId });
  }
  for (const a of entities.agents) {
    const platform = PLATFORM_LABEL[a.platform as Platform] ?? (a.platform || 'Agent');
    add({ id: nodeId('agent', a.agentId), kind: 'agent', label: a.agentName, detail: platform, entityId: a.agentId });
  }
  for (const t of entities.tools) {
    add({ id: nodeId('tool', t.toolId), kind: 'tool', label: t.toolName, detail: 'Tool', entityId: t.toolId });
  }

  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const link = (from: string, to: string) => {
    const key = `${from}>${to}`;
    if (!seen.has(from) || !seen.has(to) || edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to });
  };
  const noUsers = entities.users.length === 0;
  for (const e of timeline) {
    if (e.ip && e.userId) link(nodeId('ip', normalizeIp(e.ip)), nodeId('user', e.userId));
    // An anonymous caller (agent without user authentication): the address reaches the agent directly.
    if (e.ip && e.agentId && (noUsers || !e.userId)) link(nodeId('ip', normalizeIp(e.ip)), nodeId('agent', e.agentId));
    if (e.userId && e.agentId) link(nodeId('user', e.userId), nodeId('agent', e.agentId));
    if (e.agentId && e.toolId) link(nodeId('agent', e.agentId), nodeId('tool', e.toolId));
  }
  for (const t of entities.tools) link(nodeId('agent', t.agentId), nodeId('tool', t.toolId));

  // Without events that say who came from where, the incident's correlation still ties its entities.
  const ofKind = (kind: EntityKind) => nodes.filter((n) => n.kind === kind);
  const hasEdge = (fromKind: EntityKind, toKind: EntityKind) =>
    edges.some((e) => e.from.startsWith(`${fromKind}:`) && e.to.startsWith(`${toKind}:`));
  const fallbacks: [EntityKind, EntityKind][] = noUsers
    ? [['ip', 'agent']]
    : [
        ['ip', 'user'],
        ['user', 'agent'],
      ];
  for (const [fromKind, toKind] of fallbacks) {
    if (hasEdge(fromKind, toKind)) continue;
    for (const from of ofKind(fromKind)) for (const to of ofKind(toKind)) link(from.id, to.id);
  }
  return { nodes, edges };
}

/** Columns per entity type, left to right in the direction of the edges (ip, user, agent, tool). */
export function layoutEntityGraph(nodes: GraphNode[], edges: GraphEdge[]): GraphLayout {
  const present = COLUMN_ORDER.filter((kind) => nodes.some((n) => n.kind === kind));
  const placed: PlacedNode[] = [];
  let maxRows = 0;
  present.forEach((kind, column) => {
    const inColumn = nodes.filter((n) => n.kind === kind);
    maxRows = Math.max(maxRows, inColumn.length);
    inColumn.forEach((node, row) => {
      placed.push({
        ...node,
        column,
        row,
        x: PADDING + column * COLUMN_WIDTH,
        y: HEADER_HEIGHT + PADDING + row * (NODE_HEIGHT + ROW_GAP),
      });
    });
  });
  return {
    nodes: placed,
    edges,
    columns: present.map((kind, i) => ({ kind, title: KIND_TITLE[kind], x: PADDING + i * COLUMN_WIDTH })),
    width: Math.max(1, present.length) * COLUMN_WIDTH - (COLUMN_WIDTH - NODE_WIDTH) + 2 * PADDING,
    height: HEADER_HEIGHT + 2 * PADDING + Math.max(1, maxRows) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP,
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
  };
}

/** "Agent Customer Billing Agent, Copilot Studio; linked to user Griffin Cho, tool Send an email". */
export function describeNode(node: GraphNode, nodes: GraphNode[], edges: GraphEdge[]): string {
  const neighbours = edges
    .flatMap((e) => (e.from === node.id ? [e.to] : e.to === node.id ? [e.from] : []))
    .map((id) => nodes.find((n) => n.id === id))
    .filter((n): n is GraphNode => n !== undefined)
    .map((n) => `${KIND_IN_SENTENCE[n.kind]} ${n.label}`);
  const detail = node.kind === 'ip' || node.kind === 'tool' ? '' : `, ${node.detail}`;
  const links = neighbours.length ? `; linked to ${neighbours.join(', ')}` : '';
  return `${KIND_NAME[node.kind]} ${node.label}${detail}${links}`;
}

/** Fits a label into a node, with an ellipsis; the full text is in the node's accessible name. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
