import { describe, expect, it } from 'vitest';
import { incidentListCard, SHOWN_INCIDENTS } from '../../../bot/src/teams/cards/incident-list-card.js';
import type { IncidentListItemView } from '../../../bot/src/teams/cards/card-views.js';
import { cardBytes, cardProblems, cardText } from './card-assertions.js';

const item = (i: number): IncidentListItemView => ({
  incident: {
    id: `inc-${i}`,
    title: `Incident ${i} ${'t'.repeat(500)}`,
    severity: i % 2 ? 'high' : 'medium',
    status: 'active',
    assignedTo: i % 3 ? null : 'adele@zava.example',
    alertCount: 2,
    eventCount: 9,
    lastActivityAt: '2026-11-24T10:41:00.000Z',
  },
  links: {
    teams: `https://teams.microsoft.com/l/entity/a/b?i=${i}`,
    browser: `https://warden.example/incidents/inc-${i}`,
  },
});
const links = { teams: 'https://teams.microsoft.com/l/entity/a/b', browser: 'https://warden.example/incidents' };

describe('incidentListCard', () => {
  it('lists incidents with a link each', () => {
    const card = incidentListCard({ items: [item(1), item(2)], totalOpen: 2, links });
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Open incidents (2)');
    expect(JSON.stringify(card)).toContain('https://teams.microsoft.com/l/entity/a/b?i=2');
  });

  it('says when there is nothing open', () => {
    const card = incidentListCard({ items: [], totalOpen: 0, links });
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('No open incidents.');
  });

  it('truncates long lists with "and N more"', () => {
    const items = Array.from({ length: 200 }, (_, i) => item(i));
    const card = incidentListCard({ items, totalOpen: 250, links });
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain(`and ${250 - SHOWN_INCIDENTS} more in the tab`);
    expect(cardBytes(card)).toBeLessThan(30 * 1024);
  });
});
