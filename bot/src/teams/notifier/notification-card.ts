// The card a notification posts, built from a card view: the Adaptive Card, the text Teams shows in the
// activity feed, the alerts it names (announced in its thread when new), and the note of a card posted again.
import { createHash } from 'node:crypto';
import type { AdaptiveCard } from '../cards/adaptive-card-types.js';
import { ANONYMOUS_VIEWER } from '../cards/card-views.js';
import type { ApprovalCardView, IncidentCardView } from '../cards/card-views.js';
import { approvalCard } from '../cards/approval-card.js';
import { incidentCard } from '../cards/incident-card.js';

export interface NotificationCard {
  card: AdaptiveCard;
  summary: string;
  alerts: { id: string; title: string; severity: string }[];
  alertIds: string[];
  alertCount: number;
  title: string;
}

export const REPOSTED_NOTE =
  'Posted again: Agent Warden lost track of an earlier copy of this card (a restart or a network failure while it was sent). This copy is kept up to date.';

export function incidentNotification(view: IncidentCardView): NotificationCard {
  const { incident } = view;
  return {
    card: incidentCard(view, ANONYMOUS_VIEWER),
    summary: `${incident.severity.toUpperCase()} incident: ${incident.title}`,
    alerts: view.alerts.map((a) => ({ id: a.id, title: a.title, severity: a.severity })),
    alertIds: view.alerts.map((a) => a.id),
    alertCount: Math.max(incident.alertCount, view.alerts.length),
    title: incident.title,
  };
}

const APPROVAL_SUMMARY: Record<ApprovalCardView['submission']['status'], string> = {
  pending: 'Approval needed',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Approval request expired',
};

export function approvalNotification(view: ApprovalCardView): NotificationCard {
  return {
    card: approvalCard(view, ANONYMOUS_VIEWER),
    summary: `${APPROVAL_SUMMARY[view.submission.status]}: ${view.agent.name} ${view.submission.version}`,
    alerts: [],
    alertIds: [],
    alertCount: 0,
    title: view.agent.name,
  };
}

/** The thread reply that announces alerts the card did not name yet. */
export function alertReply(fresh: NotificationCard['alerts'], unnamed: number, built: NotificationCard): string {
  const named = fresh.map((a) => `${a.title} (${a.severity})`);
  const total = fresh.length + unnamed;
  const head = total === 1 ? 'New alert' : `${total} new alerts`;
  const list = named.length ? `: ${named.join('; ')}` : '';
  return `${head}${list}. The card above is updated (${built.alertCount} alerts in all).`;
}

export function withNote(card: AdaptiveCard, note: string): AdaptiveCard {
  return {
    ...card,
    body: [...card.body, { type: 'TextBlock', text: note, wrap: true, isSubtle: true, size: 'small', separator: true }],
  };
}

/** What the card in Teams shows, as a hash: an update is sent only when it changed. */
export function hashCard(card: AdaptiveCard): string {
  return createHash('sha256').update(JSON.stringify(card)).digest('hex');
}
