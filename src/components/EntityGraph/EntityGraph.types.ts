import type { IncidentEntities, ProtectionEvent } from '../../api/types.js';

export type EntityKind = 'ip' | 'user' | 'agent' | 'tool';

export interface GraphNode {
  id: string;
  kind: EntityKind;
  /** The entity's name as shown. */
  label: string;
  /** A second line: UPN, platform... */
  detail: string;
  /** The id the entity has in the API (user id, agent id...). */
  entityId: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  column: number;
  row: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: GraphEdge[];
  columns: { kind: EntityKind; title: string; x: number }[];
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

export interface EntityGraphProps {
  entities: IncidentEntities;
  /** Events link IPs to users and users to agents. */
  timeline: ProtectionEvent[];
  /** Open an agent node (Enter or click). */
  onOpenAgent?(agentId: string): void;
}
