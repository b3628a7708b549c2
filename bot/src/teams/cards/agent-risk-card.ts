import type { AdaptiveCard, CardElement } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import {
  LIMITS,
  clip,
  facts,
  heading,
  inert,
  linkActions,
  listWithMore,
  note,
  plainLine,
  severityColor,
  severityLabel,
  severityStyle,
  utcDateTime,
  words,
} from './card-format.js';
import type { AgentRiskCardView } from './card-views.js';

const SHOWN_SIGNALS = 6;
const SHOWN_TOOLS = 8;

/** An agent's risk at a glance: score, the explained signals, its tools and whose credentials they run on. */
export function agentRiskCard(view: AgentRiskCardView): AdaptiveCard {
  const { agent, risk } = view;
  const signals = risk.signals.slice(0, SHOWN_SIGNALS);
  const tools = agent.tools.slice(0, SHOWN_TOOLS);

  const body: CardElement[] = [
    {
      type: 'Container',
      style: severityStyle(risk.level),
      bleed: true,
      items: [
        plainLine([{ type: 'TextRun', text: clip(agent.name, LIMITS.name), weight: 'bolder', size: 'medium' }], 'none'),
        {
          type: 'TextBlock',
          text: `Risk ${risk.score} · ${severityLabel(risk.level)}`,
          weight: 'bolder',
          color: severityColor(risk.level),
          spacing: 'none',
        },
      ],
    },
    facts([
      ['Platform', words(agent.platform)],
      ['Version', inert(agent.version, 40)],
      ['State', `${agent.lifecycle}, ${agent.publishStatus}`],
      [
        'Blocked',
        agent.blockedAt
          ? `since ${utcDateTime(agent.blockedAt)}${agent.blockReason ? `: ${inert(agent.blockReason, LIMITS.line)}` : ''}`
          : null,
      ],
      ['Owners', inert(listWithMore(agent.owners.length > 0 ? agent.owners : [agent.createdBy]))],
      ['User authentication', words(agent.userAuthentication)],
      ['Shared with', words(agent.accessControl)],
      ['Users', String(agent.userCount)],
      ['Last activity', agent.lastActivityAt ? utcDateTime(agent.lastActivityAt) : 'never'],
      ['Open incidents', String(view.openIncidentCount)],
    ]),
    heading(risk.signals.length === 0 ? 'No risk signals' : `Risk signals (${risk.signals.length})`),
    ...signals.flatMap((s): CardElement[] => [
      plainLine([
        { type: 'TextRun', text: `${severityLabel(s.severity)}  `, weight: 'bolder', color: severityColor(s.severity) },
        { type: 'TextRun', text: s.title, weight: 'bolder' },
      ]),
      plainLine(
        [
          { type: 'TextRun', text: listWithMore(s.evidence, 3, LIMITS.line) },
          { type: 'TextRun', text: ` (${s.owasp})`, isSubtle: true },
        ],
        'none',
      ),
    ]),
    ...(risk.signals.length > signals.length
      ? [note(`and ${risk.signals.length - signals.length} more in the tab`)]
      : []),
    heading(`Tools (${agent.tools.length})`),
    ...tools.map((t) =>
      plainLine([
        { type: 'TextRun', text: clip(t.name, LIMITS.name), weight: 'bolder' },
        { type: 'TextRun', text: ` ${words(t.kind)}`, isSubtle: true },
        t.connectionMode === 'maker'
          ? { type: 'TextRun', text: " · maker's credentials", color: 'attention' }
          : { type: 'TextRun', text: " · user's credentials", isSubtle: true },
      ]),
    ),
    ...(agent.tools.length > tools.length ? [note(`and ${agent.tools.length - tools.length} more in the tab`)] : []),
    ...(agent.tools.length === 0 ? [note('No tools.')] : []),
    { type: 'ActionSet', actions: linkActions(view.links, 'agent'), spacing: 'medium' },
  ];

  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `${clip(agent.name, LIMITS.name)}: risk ${risk.score} (${risk.level})`,
    body,
  };
}
