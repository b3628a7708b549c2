import { describe, expect, it } from 'vitest';
import { statusCard } from '../../../bot/src/teams/cards/status-card.js';
import type { StatusCardView } from '../../../bot/src/teams/cards/card-views.js';
import { cardProblems, cardText } from './card-assertions.js';

const view = (channel: StatusCardView['channel']): StatusCardView => ({
  channel,
  openIncidents: { total: 3, bySeverity: { high: 2, medium: 1 } },
  lastPostedAt: '2026-11-24T10:42:00.000Z',
  pendingPosts: 0,
  tenant: 'embedded',
  version: '0.1.0',
});

describe('statusCard', () => {
  it.each([
    [
      'a registered channel',
      {
        conversationId: '19:soc',
        name: 'SOC',
        teamName: 'Security',
        active: true,
        registeredAt: '2026-11-01T00:00:00Z',
      },
      'This conversation receives incident cards.',
    ],
    [
      'a deactivated channel',
      {
        conversationId: '19:soc',
        name: 'SOC',
        teamName: 'Security',
        active: false,
        registeredAt: '2026-11-01T00:00:00Z',
      },
      'no longer receives incident cards',
    ],
    ['an unknown conversation', null, 'does not receive incident cards'],
  ])('describes %s', (_name, channel, expected) => {
    const card = statusCard(view(channel));
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain(expected);
    expect(text).toContain('3 (2 high, 1 medium)');
  });
});
