// What the tab writes for codes and counts: product names as their owners spell them, actions as words, the
// registry's count, the export's name, and where a query error's line and column fall in the text.
import { describe, expect, it } from 'vitest';
import { actionLabel, actionsMatching } from '../../bot/src/domain/authorization.js';
import { humanize } from '../../src/format.js';
import { agentCount } from '../../src/pages/agents/AgentTable.js';
import { offsetOf } from '../../src/pages/hunting/QueryEditor.js';
import { exportFileName } from '../../src/pages/hunting/useHuntingPage.js';

describe('labels', () => {
  it('spells product names as their owners do', () => {
    expect(humanize('mcpServer')).toBe('MCP server');
    expect(humanize('sharepoint')).toBe('SharePoint');
    expect(humanize('copilotStudio')).toBe('Copilot studio');
    expect(humanize('toString')).toBe('To string');
  });

  it('reads actions as words and finds them from the start of a word', () => {
    expect(actionLabel('blockAgent')).toBe('Block agent');
    expect(actionLabel('revokeUser')).toBe('Revoke sessions');
    expect(actionLabel('someFutureAction')).toBe('Some future action');
    expect(actionsMatching('block')).toEqual(['blockAgent']);
    expect(actionsMatching('  AGENT ')).toEqual(['blockAgent', 'unblockAgent']);
    expect(actionsMatching('')).toEqual([]);
  });

  it('counts agents as "shown of total" while more are to come', () => {
    expect(agentCount(1200, true, 10000)).toBe('1,200 of 10,000 agents');
    expect(agentCount(100, true, null)).toBe('100 agents loaded, more as you scroll');
    expect(agentCount(1, false, 1)).toBe('1 agent');
  });

  it('names exports after what they hold', () => {
    const day = new Date(2026, 11, 5, 23, 30);
    expect(exportFileName('mcp-maker-credentials', day)).toBe('hunting-mcp-maker-credentials-2026-12-05.csv');
    expect(exportFileName('../etc passwd', day)).toBe('hunting-etc-passwd-2026-12-05.csv');
    expect(exportFileName('', day)).toBe('hunting-query-2026-12-05.csv');
  });

  it('finds a line and column in the query text, clamped to it', () => {
    const text = 'AIAgentsInfo\n| take 5\n| summarise count()';
    expect(offsetOf(text, { line: 3, column: 3 })).toBe(text.indexOf('summarise'));
    expect(offsetOf(text, { line: 1, column: 1 })).toBe(0);
    expect(offsetOf(text, { line: 99, column: 99 })).toBe(text.length);
  });
});
