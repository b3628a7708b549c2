import { describe, expect, it } from 'vitest';
import type { IncidentEntities, ProtectionEvent } from '../../src/api/types.js';
import { buildEntityGraph, layoutEntityGraph } from '../../src/components/EntityGraph/layoutEntityGraph.js';
import { incidentDetail } from './fakes/fixtures.js';

const edgesOf = (entities: IncidentEntities, timeline: ProtectionEvent[]) =>
  buildEntityGraph(entities, timeline)
    .edges.map((e) => `${e.from} > ${e.to}`)
    .sort();

const { incident, timeline } = incidentDetail();
const e = incident.entities;
const toolId = e.tools[0]!.toolId;

describe('buildEntityGraph', () => {
  it.each<[string, IncidentEntities, ProtectionEvent[], string[]]>([
    [
      'events link ip -> user -> agent -> tool (IPv4-mapped addresses match)',
      e,
      timeline,
      [
        'agent:agent-billing > tool:' + toolId,
        'ip:78.131.11.108 > user:u-griffin',
        'user:u-griffin > agent:agent-billing',
      ],
    ],
    [
      'without events the correlation still ties the columns',
      e,
      [],
      [
        'agent:agent-billing > tool:' + toolId,
        'ip:78.131.11.108 > user:u-griffin',
        'user:u-griffin > agent:agent-billing',
      ],
    ],
    [
      'an anonymous caller links the address to the agent',
      { ...e, users: [] },
      timeline.map((ev) => ({ ...ev, userId: null })),
      ['agent:agent-billing > tool:' + toolId, 'ip:78.131.11.108 > agent:agent-billing'],
    ],
  ])('%s', (_name, entities, events, expected) => {
    expect(edgesOf(entities, events)).toEqual(expected);
  });

  it('lays out one column per entity type present, left to right in edge order', () => {
    const { nodes, edges } = buildEntityGraph({ ...e, ips: [] }, timeline);
    const layout = layoutEntityGraph(nodes, edges);
    expect(layout.columns.map((c) => c.kind)).toEqual(['user', 'agent', 'tool']);
    const x = (kind: string) => layout.nodes.find((n) => n.kind === kind)!.x;
    expect(x('user')).toBeLessThan(x('agent'));
    expect(x('agent')).toBeLessThan(x('tool'));
    expect(layout.width).toBeGreaterThan(x('tool') + layout.nodeWidth - 1);
  });
});
