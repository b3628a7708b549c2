import { describe, expect, it } from 'vitest';
import { actionResultCard } from '../../../bot/src/teams/cards/action-result-card.js';
import { cardProblems, cardText } from './card-assertions.js';

describe('actionResultCard', () => {
  it.each(['done', 'noop', 'denied', 'failed'] as const)('is a valid card for %s', (outcome) => {
    const card = actionResultCard({
      title: 'Block agent',
      outcome,
      message: 'Customer Billing Agent is blocked.',
      links:
        outcome === 'done'
          ? { teams: 'https://teams.microsoft.com/l/entity/a/b', browser: 'https://w.example/a' }
          : null,
    });
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Customer Billing Agent is blocked.');
  });
});
