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
    // No address anywhere (the graph adds the ones the timeline shows).
    const { nodes, edges } = buildEntityGraph(
      { ...e, ips: [] },
      timeline.map((ev) => ({ ...ev, ip: null })),
    );
    const layout = layoutEntityGraph(nodes, edges);
    expect(layout.columns.map((c) => c.kind)).toEqual(['user', 'agent', 'tool']);
    const x = (kind: string) => layout.nodes.find((n) => n.kind === kind)!.x;
    expect(x('user')).toBeLessThan(x('agent'));
    expect(x('agent')).toBeLessThan(x('tool'));
    expect(layout.width).toBeGreaterThan(x('tool') + layout.nodeWidth - 1);
  });
});

describe('the graph shows what the timeline shows', () => {
  it('adds a tool (and an address) the timeline names but no alert listed, each once', () => {
    const lookup = {
      ...timeline[0]!,
      id: 'ev-lookup',
      toolId: 'tool-lookup',
      toolName: 'List customer accounts',
      ip: '::ffff:203.0.113.9',
    };
    const { nodes, edges } = buildEntityGraph(e, [...timeline, lookup, { ...lookup, id: 'ev-lookup-2' }]);
    const tools = nodes.filter((n) => n.kind === 'tool');
    expect(tools.map((n) => n.label)).toContain('List customer accounts');
    expect(tools.filter((n) => n.id === 'tool:tool-lookup')).toHaveLength(1);
    expect(nodes.filter((n) => n.id === 'ip:203.0.113.9')).toHaveLength(1);
    expect(edges).toContainEqual({ from: `agent:${lookup.agentId}`, to: 'tool:tool-lookup' });
    // Every tool of every timeline row is a node of the graph.
    for (const ev of [...timeline, lookup]) {
      if (ev.toolId) expect(nodes.some((n) => n.id === `tool:${ev.toolId}`)).toBe(true);
    }
  });
});
