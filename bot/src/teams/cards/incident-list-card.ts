import type { AdaptiveCard, CardElement, Container } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import {
  LIMITS,
  clip,
  inert,
  linkActions,
  note,
  plainLine,
  severityColor,
  severityLabel,
  utcDateTime,
  words,
} from './card-format.js';
import type { IncidentListCardView, IncidentListItemView } from './card-views.js';

export const SHOWN_INCIDENTS = 10;

/** The open incidents, most severe first; each row opens the incident in the tab. */
export function incidentListCard(view: IncidentListCardView): AdaptiveCard {
  const items = view.items.slice(0, SHOWN_INCIDENTS);
  const total = Math.max(view.totalOpen, view.items.length);
  const body: CardElement[] = [
    { type: 'TextBlock', text: `Open incidents (${total})`, weight: 'bolder', size: 'medium' },
    ...(items.length === 0 ? [note('No open incidents.')] : items.map(row)),
    ...(total > items.length ? [note(`and ${total - items.length} more in the tab`)] : []),
    { type: 'ActionSet', actions: linkActions(view.links, 'incidents'), spacing: 'medium' },
  ];
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `Open incidents: ${total}`,
    body,
  };
}

function row({ incident, links }: IncidentListItemView): Container {
  const assigned = incident.assignedTo ? ` · ${inert(incident.assignedTo, LIMITS.name)}` : ' · unassigned';
  return {
    type: 'Container',
    separator: true,
    spacing: 'small',
    selectAction: { type: 'Action.OpenUrl', title: 'Open', url: links.teams },
    items: [
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: '70px',
            items: [
              {
                type: 'TextBlock',
                text: severityLabel(incident.severity),
                weight: 'bolder',
                color: severityColor(incident.severity),
              },
            ],
          },
          {
            type: 'Column',
            width: 'stretch',
            items: [
              plainLine([{ type: 'TextRun', text: clip(incident.title, LIMITS.title), weight: 'bolder' }], 'none'),
              {
                type: 'TextBlock',
                text:
                  `${words(incident.status)} · ${incident.alertCount} alerts · ${incident.eventCount} events · ` +
                  `last ${utcDateTime(incident.lastActivityAt)}${assigned}`,
                isSubtle: true,
                wrap: true,
                spacing: 'none',
              },
            ],
          },
        ],
      },
    ],
  };
}
