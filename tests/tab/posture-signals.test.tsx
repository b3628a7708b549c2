// @vitest-environment jsdom
// The tab shows Defender's posture indicators as the server words them: each signal's label, its severity and the
// lines that explain it, for the Zava agents that show them.
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { accountStateLookup } from '../../bot/src/domain/account-state.js';
import type { RiskSignal, RiskSignalId } from '../../bot/src/domain/risk.js';
import { assessAgentRisk } from '../../bot/src/domain/risk.js';
import { severityRank } from '../../bot/src/domain/types.js';
import { ZAVA_FINDINGS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import { RiskSignalList } from '../../src/components/RiskSignalList/RiskSignalList.js';

afterEach(cleanup);

const NOW = new Date('2026-11-24T10:00:00.000Z');
const seed = zavaTenant(NOW);

const POSTURE: [RiskSignalId, string, string][] = [
  ['published', 'Published agent', 'Informational'],
  ['weak-instructions', 'Weak instructions', 'Medium'],
  ['high-autonomy', 'High autonomy', 'Medium'],
  ['indirect-prompt-injection', 'Exposed to indirect prompt injection', 'Medium'],
  ['privileged-data-access', 'Privileged data access', 'High'],
  ['privileged-system-access', 'Privileged business-system or software-development access', 'Medium'],
  ['production-environment', 'Production environment', 'Informational'],
  ['coordinator-agent', 'Coordinator agent', 'Medium'],
  ['cross-tenant-access', 'Cross-tenant access', 'Medium'],
  ['critical-resource', 'Critical resource', 'Informational'],
  ['active-threat', 'Active threat: unresolved alerts', 'Medium'],
];

/** The signal as the server computes it for the first Zava agent that shows it. */
function signalOf(id: RiskSignalId): RiskSignal {
  const signals = ZAVA_FINDINGS[id].map((agentId) => {
    const agent = seed.agents.find((a) => a.id === agentId)!;
    const open = seed.alerts.filter(
      (a) => a.status !== 'resolved' && a.evidence.some((e) => e.type === 'agent' && e.agentId === agentId),
    );
    const count = (...severities: string[]) => open.filter((a) => severities.includes(a.severity)).length;
    return assessAgentRisk(agent, {
      now: NOW,
      accountState: accountStateLookup(seed.users),
      openAlerts: { high: count('high'), critical: count('critical'), medium: count('medium'), low: count('low') },
    }).signals.find((s) => s.id === id);
  });
  // The most severe occurrence (active threat: the agent with an open medium alert).
  return signals
    .filter((s): s is RiskSignal => !!s)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0]!;
}

describe("Defender's posture indicators in the tab", () => {
  it.each(POSTURE)('%s: shows "%s" at %s with the lines that explain it', (id, label, severity) => {
    const signal = signalOf(id);
    render(
      <FluentProvider theme={teamsLightTheme}>
        <RiskSignalList signals={[signal]} label="Risk signals" />
      </FluentProvider>,
    );
    const item = within(screen.getByRole('list', { name: 'Risk signals' })).getAllByRole('listitem')[0]!;
    expect(within(item).getByText(label)).toBeTruthy();
    expect(within(item).getByText(severity)).toBeTruthy();
    const evidence = within(item).getByRole('list', { name: `Evidence for ${label}` });
    expect(
      within(evidence)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(signal.evidence);
    expect(signal.evidence.every((line) => line.length > 10)).toBe(true);
  });
});
