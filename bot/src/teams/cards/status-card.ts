import { SEVERITIES } from '../../domain/types.js';
import type { AdaptiveCard } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import { LIMITS, facts, heading, inert, note, utcDateTime } from './card-format.js';
import type { StatusCardView } from './card-views.js';

/** Whether this conversation receives incident cards, and how the SOC queue stands. */
export function statusCard(view: StatusCardView): AdaptiveCard {
  const { channel, openIncidents } = view;
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((s) => (openIncidents.bySeverity[s] ?? 0) > 0)
    .map((s) => `${openIncidents.bySeverity[s]} ${s}`)
    .join(', ');
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `Agent Warden status: ${openIncidents.total} open incidents`,
    body: [
      { type: 'TextBlock', text: 'Agent Warden status', weight: 'bolder', size: 'medium' },
      channel?.active
        ? note('This conversation receives incident cards.', 'good')
        : note(
            channel
              ? 'This conversation no longer receives incident cards. Reinstall the app here to resume.'
              : 'This conversation does not receive incident cards. Add the app to a team channel to register it.',
            'warning',
          ),
      facts([
        ['Team', channel?.teamName ? inert(channel.teamName, LIMITS.name) : null],
        ['Channel', channel?.name ? inert(channel.name, LIMITS.name) : null],
        ['Registered', channel ? utcDateTime(channel.registeredAt) : null],
      ]),
      heading('Queue'),
      facts([
        ['Open incidents', `${openIncidents.total}${bySeverity ? ` (${bySeverity})` : ''}`],
        ['Last card posted', view.lastPostedAt ? utcDateTime(view.lastPostedAt) : 'never'],
        ['Cards waiting to post', String(view.pendingPosts)],
        ['Tenant', view.tenant === 'graph' ? 'Microsoft Graph' : 'embedded demo tenant'],
        ['Version', inert(view.version, 40)],
      ]),
    ],
  };
}
