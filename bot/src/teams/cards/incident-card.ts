import { CLASSIFICATIONS } from '../../domain/types.js';
import type { ActionName } from '../../domain/authorization.js';
import { allowedActions, mayPerform } from '../../domain/authorization.js';
import type {
  ActionExecute,
  ActionShowCard,
  AdaptiveCard,
  CardAction,
  CardElement,
  Container,
} from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import {
  LIMITS,
  clip,
  facts,
  heading,
  historySection,
  historyText,
  inert,
  linkActions,
  listWithMore,
  note,
  openUrl,
  plainLine,
  severityColor,
  severityLabel,
  severityStyle,
  utcClock,
  utcDateTime,
  words,
} from './card-format.js';
import { planRefresh, refreshButton } from './card-refresh.js';
import { CARD_INPUTS, CARD_VERBS, actionKey, cardRevision } from './card-verbs.js';
import type { CardViewer, IncidentAgentView, IncidentCardView, IncidentUserView } from './card-views.js';

const SHOWN_BLOCKED_CALLS = 5;
const SHOWN_RECOMMENDATIONS = 3;
/** Confirm buttons inside one ShowCard; more targets than this are handled in the tab. */
const MAX_TARGET_BUTTONS = 4;

/** What the viewer may do on this incident now, from their roles and the incident's state. */
export interface IncidentActionPlan {
  revoke: IncidentUserView[];
  block: IncidentAgentView[];
  unblock: IncidentAgentView[];
  resolve: boolean;
  assignToMe: boolean;
}

/** A user counts as revoked for this incident once their sessions were revoked after it began. */
export function isRevokedSinceIncident(user: IncidentUserView, firstActivityAt: string): boolean {
  if (!user.sessionsRevokedAt) return false;
  return Date.parse(user.sessionsRevokedAt) >= Date.parse(firstActivityAt);
}

/**
 * What the viewer may do on this incident now. The base card (anonymous viewer) offers everything the incident's
 * state allows: clients without per-person views (the Playground, Teams past 60 members) show only that card, and
 * the server refuses a clicker whose role does not allow the action.
 */
export function incidentActionPlan(view: IncidentCardView, viewer: CardViewer): IncidentActionPlan {
  const { incident } = view;
  const may = (action: ActionName): boolean => viewer.principalId === null || mayPerform(viewer, action);
  const open = incident.status !== 'resolved';
  return {
    revoke:
      may('revokeUser') && open ? view.users.filter((u) => !isRevokedSinceIncident(u, incident.firstActivityAt)) : [],
    // Once the incident is resolved, the agent's lifecycle stays with those who may also undo a block.
    block:
      may('blockAgent') && (open || may('unblockAgent')) ? view.agents.filter((a) => a.lifecycle === 'active') : [],
    unblock: may('unblockAgent') ? view.agents.filter((a) => a.lifecycle === 'blocked') : [],
    resolve: may('resolveIncident') && open,
    assignToMe: may('assignIncident') && open && (viewer.upn === null || incident.assignedTo !== viewer.upn),
  };
}

/** The incident card for one viewer; `ANONYMOUS_VIEWER` gives the base card posted to the channel. */
export function incidentCard(view: IncidentCardView, viewer: CardViewer): AdaptiveCard {
  const { incident } = view;
  const refreshData = { incidentId: incident.id };
  const { refresh, manualRefresh } = planRefresh(CARD_VERBS.refreshIncident, refreshData, view.audience);
  const anonymous = viewer.principalId === null;
  const plan = incidentActionPlan(view, viewer);
  const actions = responseActions(view, plan);

  const links: CardAction[] = [...linkActions(view.links, 'incident')];
  const defenderUrl = view.alerts.find((a) => a.alertWebUrl)?.alertWebUrl ?? incident.incidentWebUrl;
  if (defenderUrl) links.push(openUrl('Open in Defender', defenderUrl));
  if (manualRefresh && !anonymous) links.push(refreshButton(CARD_VERBS.refreshIncident, refreshData, 'Refresh'));

  const body: CardElement[] = [
    header(view),
    ...resolution(view),
    facts([
      ['Status', words(incident.status)],
      ['Assigned to', incident.assignedTo ? inert(incident.assignedTo, LIMITS.name) : 'nobody'],
      ['Users', inert(listWithMore(userNames(view)))],
      ['Agents', inert(listWithMore(agentNames(view)))],
      ['Tools', inert(listWithMore(incident.entities.tools.map((t) => t.toolName)))],
      ['IP addresses', inert(listWithMore(incident.entities.ips))],
      ['Alerts', String(incident.alertCount)],
      ['Events', String(incident.eventCount)],
      ['First activity', utcDateTime(incident.firstActivityAt)],
      ['Last activity', utcDateTime(incident.lastActivityAt)],
    ]),
    ...blockedSection(view),
    ...recommendations(view),
    ...historySection(view.history),
    ...viewerHint(viewer, actions.length),
    { type: 'ActionSet', actions: links, spacing: 'medium' },
  ];

  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `${severityLabel(incident.severity)} incident: ${clip(incident.title, LIMITS.title)}`,
    msteams: { width: 'Full' },
    refresh,
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

function header(view: IncidentCardView): Container {
  const { incident } = view;
  return {
    type: 'Container',
    style: severityStyle(incident.severity),
    bleed: true,
    items: [
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: 'auto',
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
              plainLine(
                [{ type: 'TextRun', text: clip(incident.title, LIMITS.title), weight: 'bolder', size: 'medium' }],
                'none',
              ),
            ],
          },
        ],
      },
      note(`${inert(incident.category, LIMITS.name)} · incident ${inert(incident.id, LIMITS.name)}`),
    ],
  };
}

function resolution(view: IncidentCardView): CardElement[] {
  const { incident } = view;
  if (incident.status !== 'resolved') return [];
  const entry = [...view.history].reverse().find((h) => h.action === 'resolveIncident');
  const line = entry
    ? historyText(entry)
    : `Resolved${incident.classification ? ` as ${words(incident.classification)}` : ''}` +
      `${incident.resolvedBy ? ` by ${clip(incident.resolvedBy, LIMITS.name)}` : ''}` +
      `${incident.resolvedAt ? ` at ${utcDateTime(incident.resolvedAt)}` : ''}`;
  return [
    plainLine([{ type: 'TextRun', text: line, weight: 'bolder', color: 'good' }]),
    ...(incident.resolutionComment
      ? [plainLine([{ type: 'TextRun', text: clip(incident.resolutionComment, LIMITS.paragraph), italic: true }])]
      : []),
  ];
}

function userNames(view: IncidentCardView): string[] {
  const { incident } = view;
  if (view.users.length === 0) return incident.entities.users.map((u) => `${u.displayName} (${u.upn})`);
  return view.users.map((u) => {
    const revoked = isRevokedSinceIncident(u, incident.firstActivityAt) ? ', sessions revoked' : '';
    return `${clip(u.displayName, LIMITS.name)} (${clip(u.upn, LIMITS.name)}${revoked})`;
  });
}

function agentNames(view: IncidentCardView): string[] {
  if (view.agents.length === 0) return view.incident.entities.agents.map((a) => a.agentName);
  return view.agents.map((a) => `${clip(a.name, LIMITS.name)}${a.lifecycle === 'blocked' ? ' (blocked)' : ''}`);
}

function blockedSection(view: IncidentCardView): CardElement[] {
  const total = Math.max(view.blockedCallCount, view.blockedCalls.length);
  if (total === 0) return [];
  const shown = view.blockedCalls.slice(0, SHOWN_BLOCKED_CALLS);
  const rest = total - shown.length;
  return [
    heading(`What was blocked (${total} tool ${total === 1 ? 'call' : 'calls'})`),
    ...shown.map((e) =>
      plainLine([
        { type: 'TextRun', text: `${utcClock(e.occurredAt)}  `, isSubtle: true },
        { type: 'TextRun', text: clip(e.toolName ?? 'tool call', LIMITS.name), weight: 'bolder' },
        { type: 'TextRun', text: ` ${clip(e.summary, LIMITS.line)}` },
        ...(e.ip ? [{ type: 'TextRun' as const, text: ` from ${clip(e.ip, 45)}`, isSubtle: true }] : []),
      ]),
    ),
    ...(rest > 0 ? [note(`and ${rest} more in the timeline`)] : []),
  ];
}

function recommendations(view: IncidentCardView): CardElement[] {
  const distinct = [...new Set(view.alerts.map((a) => a.recommendedActions.trim()).filter((r) => r.length > 0))];
  if (distinct.length === 0) return [];
  const shown = distinct.slice(0, SHOWN_RECOMMENDATIONS);
  return [
    heading('Recommended actions'),
    ...shown.map((r) => plainLine([clip(r, LIMITS.paragraph)])),
    ...(distinct.length > shown.length ? [note(`and ${distinct.length - shown.length} more in the tab`)] : []),
  ];
}

function viewerHint(viewer: CardViewer, actionCount: number): CardElement[] {
  if (viewer.principalId === null) return actionCount > 0 ? [note(ROLE_CHECK)] : [];
  if (actionCount > 0) return [];
  const canAct = allowedActions(viewer).length > 0;
  return [note(canAct ? 'Nothing left to do on this incident.' : 'Actions need the responder or admin role.')];
}

function responseActions(view: IncidentCardView, plan: IncidentActionPlan): CardAction[] {
  const incidentId = view.incident.id;
  const revision = cardRevision(view.history);
  const actions: CardAction[] = [];

  if (plan.revoke.length > 0) {
    actions.push(
      confirmCard(
        'Revoke sessions & require password reset',
        `Revoke every sign-in session and refresh token of ${
          plan.revoke.length === 1 ? userLabel(plan.revoke[0]!) : 'the user'
        } and confirm the account compromised? They must reset their password at the next sign-in.`,
        plan.revoke.map((u) => ({
          title: plan.revoke.length === 1 ? 'Yes, revoke' : `Revoke ${clip(u.displayName, 30)}`,
          verb: CARD_VERBS.revokeUser,
          data: { incidentId, userId: u.id, clickKey: actionKey(CARD_VERBS.revokeUser, u.id, revision) },
        })),
        REVOKE_LIMITS,
      ),
    );
  }
  if (plan.block.length > 0) {
    actions.push(
      confirmCard(
        'Block agent',
        `Block ${plan.block.length === 1 ? clip(plan.block[0]!.name, LIMITS.name) : 'the agent'}? ` +
          'It disappears from the agent store and every tool call it makes is blocked.',
        plan.block.map((a) => ({
          title: plan.block.length === 1 ? 'Yes, block' : `Block ${clip(a.name, 30)}`,
          verb: CARD_VERBS.blockAgent,
          data: { incidentId, agentId: a.id, clickKey: actionKey(CARD_VERBS.blockAgent, a.id, revision) },
        })),
      ),
    );
  }
  if (plan.unblock.length > 0) {
    const buttons = plan.unblock.map((a): ActionExecute => ({
      type: 'Action.Execute',
      title: plan.unblock.length === 1 ? 'Unblock agent' : `Unblock ${clip(a.name, 30)}`,
      verb: CARD_VERBS.unblockAgent,
      data: { incidentId, agentId: a.id, clickKey: actionKey(CARD_VERBS.unblockAgent, a.id, revision) },
      associatedInputs: 'none',
    }));
    actions.push(
      buttons.length === 1
        ? buttons[0]!
        : {
            type: 'Action.ShowCard',
            title: 'Unblock agent',
            card: {
              type: 'AdaptiveCard',
              body: targetsNote(buttons.length),
              actions: buttons.slice(0, MAX_TARGET_BUTTONS),
            },
          },
    );
  }
  if (plan.resolve) actions.push(resolveForm(incidentId, revision));
  if (plan.assignToMe) {
    actions.push({
      type: 'Action.Execute',
      title: 'Assign to me',
      verb: CARD_VERBS.assignToMe,
      data: { incidentId, clickKey: actionKey(CARD_VERBS.assignToMe, incidentId, revision) },
      associatedInputs: 'none',
    });
  }
  return actions;
}

/** Said on the base card, whose buttons everyone sees. */
export const ROLE_CHECK = 'Actions need the responder or admin role; Agent Warden checks it when you click.';

const userLabel = (u: IncidentUserView): string => `${clip(u.displayName, LIMITS.name)} (${clip(u.upn, LIMITS.name)})`;

function targetsNote(count: number): CardElement[] {
  return count > MAX_TARGET_BUTTONS ? [note(`and ${count - MAX_TARGET_BUTTONS} more: use the tab`)] : [];
}

interface ConfirmTarget {
  title: string;
  verb: ActionExecute['verb'];
  data: ActionExecute['data'];
}

/** A destructive action asks first: the button opens a confirmation holding the real Action.Execute. */
/**
 * What revoking does not do (Microsoft Graph revokeSignInSessions): tokens already issued are not recalled.
 * Said before the click so that nobody takes the revoke for an instant lock-out.
 */
export const REVOKE_LIMITS =
  'It does not end access at once: access tokens already issued stay valid until they expire (up to about an ' +
  'hour), unless the app or resource enforces continuous access evaluation (CAE). Block the agent as well to stop ' +
  'its tool calls now.';

function confirmCard(title: string, question: string, targets: ConfirmTarget[], caveat?: string): ActionShowCard {
  return {
    type: 'Action.ShowCard',
    title,
    card: {
      type: 'AdaptiveCard',
      body: [plainLine([question]), ...(caveat ? [note(caveat)] : []), ...targetsNote(targets.length)],
      actions: targets.slice(0, MAX_TARGET_BUTTONS).map((t) => ({
        type: 'Action.Execute',
        title: t.title,
        verb: t.verb,
        data: t.data,
        style: 'destructive',
        associatedInputs: 'none',
      })),
    },
  };
}

function resolveForm(incidentId: string, revision: string): ActionShowCard {
  return {
    type: 'Action.ShowCard',
    title: 'Resolve',
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.ChoiceSet',
          id: CARD_INPUTS.classification,
          label: 'Classification',
          style: 'compact',
          isRequired: true,
          errorMessage: 'Choose a classification.',
          choices: CLASSIFICATIONS.map((c) => ({ title: words(c).replace(/^./, (s) => s.toUpperCase()), value: c })),
        },
        {
          type: 'Input.Text',
          id: CARD_INPUTS.resolutionComment,
          label: 'Comment',
          placeholder: 'What was found, what was done',
          isMultiline: true,
          maxLength: 1000,
        },
      ],
      actions: [
        {
          type: 'Action.Execute',
          title: 'Resolve incident',
          verb: CARD_VERBS.resolveIncident,
          data: { incidentId, clickKey: actionKey(CARD_VERBS.resolveIncident, incidentId, revision) },
          style: 'positive',
        },
      ],
    },
  };
}
