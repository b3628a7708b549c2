import { describe, expect, it } from 'vitest';
import type { AdaptiveCard } from '../../../bot/src/teams/cards/adaptive-card-types.js';
import { cardProblems } from './card-assertions.js';

const card = (body: unknown[], actions: unknown[] = []): AdaptiveCard =>
  ({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions,
  }) as AdaptiveCard;

// The card tests rely on cardProblems finding mistakes; these prove that it does.
describe('cardProblems', () => {
  it('accepts a clean card', () => {
    expect(cardProblems(card([{ type: 'TextBlock', text: 'ok' }]))).toEqual([]);
  });

  it.each([
    ['an unknown element', [{ type: 'Carousel2', items: [] }], []],
    ['a required input without label or error message', [{ type: 'Input.Text', id: 'a', isRequired: true }], []],
    [
      'duplicate ids',
      [
        { type: 'Input.Text', id: 'a', label: 'A' },
        { type: 'Input.Text', id: 'a', label: 'B' },
      ],
      [],
    ],
    [
      'too many actions',
      [],
      Array.from({ length: 6 }, (_, i) => ({ type: 'Action.Execute', title: `b${i}`, verb: 'v' })),
    ],
    ['an unknown action', [], [{ type: 'Action.Teleport', title: 'x' }]],
  ])('reports %s', (_name, body, actions) => {
    expect(cardProblems(card(body, actions)).length).toBeGreaterThan(0);
  });
});
