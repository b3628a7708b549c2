import { describe, expect, it } from 'vitest';
import { parseRoute, pathFromSubPageId, sectionOf } from '../../src/router/routes.js';

describe('routes', () => {
  it.each([
    ['/agents', { name: 'agents' }],
    ['/agents/agent-1', { name: 'agent', id: 'agent-1' }],
    ['/agents/a%2Fb', { name: 'agent', id: 'a/b' }],
    ['/incidents', { name: 'incidents' }],
    ['/incidents/inc-1/', { name: 'incident', id: 'inc-1' }],
    ['/approvals', { name: 'approvals' }],
    ['/audit', { name: 'audit' }],
    ['/hunting', { name: 'hunting' }],
    ['/hunting/x', { name: 'notFound', path: '/hunting/x' }],
    ['/nope', { name: 'notFound', path: '/nope' }],
  ])('parses %s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it.each([
    ['incident:inc-1', '/incidents/inc-1'],
    ['agent:agent-billing', '/agents/agent-billing'],
    ['hunt:mcp-maker-credentials', '/hunting?template=mcp-maker-credentials'],
    ['hunt:', null],
    ['incidents', '/incidents'],
    ['incident:', null],
    ['something:else', null],
    [null, null],
  ])('maps the Teams sub-entity id %s to %s', (subPageId, path) => {
    expect(pathFromSubPageId(subPageId)).toBe(path);
  });

  it('puts an incident under the Incidents section', () => {
    expect(sectionOf({ name: 'incident', id: 'x' })).toBe('incidents');
    expect(sectionOf({ name: 'notFound', path: '/x' })).toBeNull();
  });
});
