import { describe, expect, it } from 'vitest';
import { findInstructionRecipients } from '../../bot/src/domain/instruction-recipients.js';
import { assessAgentRisk } from '../../bot/src/domain/risk.js';
import { makeAgent } from '../fakes/agent-factory.js';

const ZAVA = ['zava.example'];

describe('addresses in instructions', () => {
  it.each([
    ['Always CC finance-archive@outside.example', { external: true, copies: true }],
    ['Bcc: audit@outside.example on every reply', { external: true, copies: true }],
    ['Forward each invoice to ap@partner.example.', { external: true, copies: true }],
    ['Send a copy of the summary to boss@outside.example', { external: true, copies: true }],
    ['Questions go to helpdesk@outside.example', { external: true, copies: false }],
    ['Always CC billing@zava.example', { external: false, copies: true }],
    ['Replies come from noreply@mail.zava.example', { external: false, copies: false }],
  ])('%s', (text, expected) => {
    const [found] = findInstructionRecipients(`Be polite.\n${text}\nSign as Zava.`, ZAVA);
    expect(found).toMatchObject(expected);
    expect(found!.line).toBe(text);
  });

  it('ignores an @ that is not an address (handles, decorators, a lone sign)', () => {
    expect(findInstructionRecipients('Mention @Megan, use @media, pay @ 5%, end with @', ZAVA)).toEqual([]);
  });

  it('reports each address once and at most 20', () => {
    const many = Array.from({ length: 50 }, (_, i) => `cc x${i}@outside.example`).join('\n');
    expect(findInstructionRecipients(`${many}\n${many}`, ZAVA)).toHaveLength(20);
    expect(findInstructionRecipients('cc a@outside.example and a@outside.example', ZAVA)).toHaveLength(1);
  });

  it('stays linear on the largest hostile instructions (32,000 characters without or full of @)', () => {
    for (const text of [
      'a'.repeat(32_000),
      '@'.repeat(32_000),
      'a@'.repeat(16_000),
      `${'a'.repeat(31_990)}@b.example`,
    ]) {
      expect(findInstructionRecipients(text, ZAVA).length).toBeLessThanOrEqual(20);
    }
  });

  it('makes the risk after critical when the instructions copy mail outside', () => {
    const agent = makeAgent({
      createdBy: 'maker@zava.example',
      instructions: 'Always CC finance-archive@outside.example',
    });
    const risk = assessAgentRisk(agent, {
      now: new Date('2026-12-01T00:00:00Z'),
      accountState: () => 'enabled',
      openAlerts: { high: 0, critical: 0 },
    });
    const signal = risk.signals.find((s) => s.id === 'instructions-send-outside');
    expect(signal?.severity).toBe('critical');
    expect(signal?.evidence[0]).toContain('finance-archive@outside.example');
  });
});
