import { describe, expect, it } from 'vitest';
import { definitionChanges } from '../../../bot/src/teams/cards/approval-changes.js';
import { makeAgent, makeTool } from '../../fakes/agent-factory.js';

describe('definitionChanges', () => {
  const before = makeAgent({
    tools: [
      makeTool({ id: 'mcp', name: 'MCP', kind: 'mcpServer', connectionMode: 'maker' }),
      makeTool({ id: 'mail', name: 'Mail', capability: 'email', recipientsFromModel: true }),
    ],
    knowledgeSources: [{ name: 'Wiki', kind: 'sharepoint', url: null, connectionMode: 'user' }],
  });

  it.each([
    ['nothing', before, { toolsAdded: [], toolsRemoved: [], toolsChanged: [], instructionsChanged: false }],
    [
      'a tool removed and one added',
      { ...before, tools: [before.tools[0]!, makeTool({ id: 'new', name: 'New' })] },
      { toolsAdded: ['New'], toolsRemoved: ['Mail'] },
    ],
    [
      'a connection moved to the user',
      { ...before, tools: [{ ...before.tools[0]!, connectionMode: 'user' as const }, before.tools[1]!] },
      { toolsChanged: [{ name: 'MCP', changes: ["runs on the user's credentials (was the maker's credentials)"] }] },
    ],
    [
      'recipients fixed',
      { ...before, tools: [before.tools[0]!, { ...before.tools[1]!, recipientsFromModel: false }] },
      { toolsChanged: [{ name: 'Mail', changes: ['e-mail recipients no longer chosen by the model'] }] },
    ],
    ['instructions', { ...before, instructions: 'new' }, { instructionsChanged: true }],
    ['knowledge', { ...before, knowledgeSources: [] }, { knowledgeRemoved: ['Wiki'], knowledgeAdded: [] }],
  ])('finds %s', (_name, after, expected) => {
    expect(definitionChanges(before, after)).toMatchObject(expected);
  });

  it('marks changed access fields only', () => {
    const changes = definitionChanges(before, { ...before, userAuthentication: 'none' });
    expect(changes.access.filter((f) => f.changed).map((f) => f.label)).toEqual(['User authentication']);
  });
});
