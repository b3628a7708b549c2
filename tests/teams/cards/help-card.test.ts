import { describe, expect, it } from 'vitest';
import { helpCard } from '../../../bot/src/teams/cards/help-card.js';
import { cardProblems, cardText } from './card-assertions.js';

describe('helpCard', () => {
  it('lists every command and the hunting templates', () => {
    const card = helpCard({ huntTemplateIds: ['mcp-maker-credentials', 'no-user-auth'] });
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    for (const command of ['help', 'incidents', 'agent <name>', 'status', 'hunt <template>']) {
      expect(text).toContain(command);
    }
    expect(text).toContain('mcp-maker-credentials, no-user-auth');
  });

  it('is valid without templates', () => {
    expect(cardProblems(helpCard())).toEqual([]);
  });
});
