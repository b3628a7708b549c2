import { describe, expect, it } from 'vitest';
import { browserUrl, cardLinks, tabDeepLink } from '../../../bot/src/teams/cards/deep-links.js';

describe('deep links', () => {
  it('builds the tab link with the sub-entity in an encoded context', () => {
    const link = tabDeepLink({ appId: 'app', entityId: 'warden', subEntityId: 'agent:a/1' });
    expect(JSON.parse(new URL(link).searchParams.get('context') ?? '')).toEqual({ subEntityId: 'agent:a/1' });
  });

  it.each([
    ['incident', 'https://w.example/', 'inc-1', 'https://w.example/incidents/inc-1'],
    ['agent', 'https://w.example', 'a/1', 'https://w.example/agents/a%2F1'],
    ['submission', 'https://w.example', 's-1', 'https://w.example/submissions/s-1'],
  ] as const)('builds the browser URL of a %s', (kind, base, id, expected) => {
    expect(browserUrl(base, kind, id)).toBe(expected);
  });

  it('gives both links at once', () => {
    const links = cardLinks({ appId: 'app', entityId: 'warden', baseUrl: 'https://w.example' }, 'incident', 'inc-1');
    expect(links.browser).toBe('https://w.example/incidents/inc-1');
    expect(links.teams).toContain('incident%3Ainc-1');
  });
});
