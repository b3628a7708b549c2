import { describe, expect, it } from 'vitest';
import { huntResultsCard } from '../../../bot/src/teams/cards/hunt-results-card.js';
import type { HuntResultsCardView } from '../../../bot/src/teams/cards/card-views.js';
import { cardBytes, cardProblems, cardText } from './card-assertions.js';

const links = { teams: 'https://teams.microsoft.com/l/entity/a/b', browser: 'https://warden.example/hunting/mcp' };

function view(rowCount: number, columnCount = 3): HuntResultsCardView {
  const schema = Array.from({ length: columnCount }, (_, i) => ({
    name: i === 0 ? 'AIAgentName' : `Col${i}`,
    type: 'string',
  }));
  return {
    templateId: 'mcp-maker-credentials',
    title: "Agents with MCP tools on the maker's credentials",
    schema,
    rows: Array.from({ length: rowCount }, (_, r) =>
      Object.fromEntries(schema.map((c, i) => [c.name, i === 0 ? `Agent ${r} ${'a'.repeat(300)}` : { nested: r }])),
    ),
    totalRows: rowCount,
    links,
  };
}

describe('huntResultsCard', () => {
  it('shows the first rows in a table with the column names', () => {
    const card = huntResultsCard(view(3));
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('AIAgentName');
    expect(text).toContain('Agent 2');
    expect(text).toContain('{"nested":1}');
    expect(text).toContain('Showing 3 of 3 rows');
  });

  it('truncates rows, columns and cells', () => {
    const card = huntResultsCard(view(5000, 40));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Showing 10 of 5000 rows and 5 of 40 columns');
    expect(cardBytes(card)).toBeLessThan(30 * 1024);
  });

  it('says when nothing matched', () => {
    const card = huntResultsCard(view(0));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('No results.');
  });
});
