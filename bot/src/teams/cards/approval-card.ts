import type { AdaptiveCard, CardAction, CardElement, Column, ContainerStyle } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import { mayPerform } from '../../domain/authorization.js';
import { diffLines } from '../../domain/text-diff.js';
import { definitionChanges } from './approval-changes.js';
import {
  LIMITS,
  clip,
  facts,
  heading,
  historySection,
  inert,
  linkActions,
  listWithMore,
  note,
  plainLine,
  severityColor,
  severityLabel,
  utcDateTime,
} from './card-format.js';
import { planRefresh, refreshButton } from './card-refresh.js';
import { CARD_INPUTS, CARD_VERBS, actionKey, cardRevision } from './card-verbs.js';
import type { ApprovalCardView, CardViewer, RiskSummaryView } from './card-views.js';

const STATUS_STYLE: Record<ApprovalCardView['submission']['status'], ContainerStyle> = {
  pending: 'accent',
  approved: 'good',
  rejected: 'attention',
  expired: 'warning',
};

const STATUS_TITLE: Record<ApprovalCardView['submission']['status'], string> = {
  pending: 'Approval needed',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
};

/** A maker's resubmission for the approvers: what changes, how the risk moves, and (for admins) the decision. */
export function approvalCard(view: ApprovalCardView, viewer: CardViewer): AdaptiveCard {
  const { submission, agent } = view;
  const refreshData = { submissionId: submission.id };
  const { refresh, manualRefresh } = planRefresh(CARD_VERBS.refreshApproval, refreshData, view.audience);
  const anonymous = viewer.principalId === null;
  const pending = submission.status === 'pending';
  // The base card offers the decision to everyone (clients without per-person views show only it); the server
  // refuses a clicker who is not an approver.
  const canApprove = pending && (anonymous || mayPerform(viewer, 'approveSubmission'));
  const canReject = pending && (anonymous || mayPerform(viewer, 'rejectSubmission'));
  const changes = definitionChanges(view.before, submission.proposed);

  const actions: CardAction[] = [];
  if (canApprove) actions.push(approveForm(view));
  if (canReject) actions.push(rejectForm(view));

  const links: CardAction[] = [...linkActions(view.links, 'submission')];
  if (manualRefresh && !anonymous) links.push(refreshButton(CARD_VERBS.refreshApproval, refreshData, 'Refresh'));

  const body: CardElement[] = [
    {
      type: 'Container',
      style: STATUS_STYLE[submission.status],
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: STATUS_TITLE[submission.status],
          weight: 'bolder',
          size: 'medium',
        },
        plainLine(
          [
            {
              type: 'TextRun',
              text: `${clip(agent.name, LIMITS.name)} version ${clip(submission.version, 40)}`,
              weight: 'bolder',
            },
            ` submitted by ${clip(submission.submittedBy, LIMITS.name)} on ${utcDateTime(submission.submittedAt)}`,
          ],
          'none',
        ),
        ...(submission.note.trim()
          ? [plainLine([{ type: 'TextRun', text: clip(submission.note, LIMITS.paragraph), italic: true }])]
          : []),
      ],
    },
    facts([
      ['Agent', inert(agent.name, LIMITS.name)],
      ['Platform', agent.platform],
      ['Now', agent.lifecycle === 'blocked' ? 'blocked' : 'active'],
      ['Owner', inert(agent.createdBy, LIMITS.name)],
    ]),
    heading('Tools'),
    ...toolSection(changes),
    heading('Authentication and access'),
    facts(changes.access.map((f) => [f.label, f.changed ? `${f.before} → ${f.after}` : `${f.after} (unchanged)`])),
    ...(changes.instructionsChanged
      ? instructionsSection(view.before.instructions, submission.proposed.instructions)
      : []),
    heading('Risk'),
    {
      type: 'ColumnSet',
      columns: [riskColumn('Before', view.riskBefore), riskColumn('After', view.riskAfter)],
    },
    ...riskDelta(view.riskBefore, view.riskAfter),
    ...outcome(view),
    ...historySection(view.history),
    ...(anonymous && pending ? [note('Deciding needs the admin role; Agent Warden checks it when you click.')] : []),
    ...(!anonymous && pending && !canApprove && !canReject ? [note('Deciding needs the admin role.')] : []),
    { type: 'ActionSet', actions: links, spacing: 'medium' },
  ];

  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `Approval: ${clip(agent.name, LIMITS.name)} version ${clip(submission.version, 40)}`,
    refresh,
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

function toolSection(changes: ReturnType<typeof definitionChanges>): CardElement[] {
  const rows: [string, string][] = [];
  if (changes.toolsAdded.length > 0) rows.push(['Added', inert(listWithMore(changes.toolsAdded))]);
  if (changes.toolsRemoved.length > 0) rows.push(['Removed', inert(listWithMore(changes.toolsRemoved))]);
  if (changes.knowledgeAdded.length > 0) rows.push(['Knowledge added', inert(listWithMore(changes.knowledgeAdded))]);
  if (changes.knowledgeRemoved.length > 0) {
    rows.push(['Knowledge removed', inert(listWithMore(changes.knowledgeRemoved))]);
  }
  const changed = changes.toolsChanged.slice(0, LIMITS.listItems);
  const hidden = changes.toolsChanged.length - changed.length;
  if (rows.length === 0 && changed.length === 0) return [note('No tool changes.')];
  return [
    ...(rows.length > 0 ? [facts(rows)] : []),
    ...changed.map((c) =>
      plainLine([
        { type: 'TextRun', text: clip(c.name, LIMITS.name), weight: 'bolder' },
        `: ${clip(c.changes.join('; '), LIMITS.paragraph)}`,
      ]),
    ),
    ...(hidden > 0 ? [note(`and ${hidden} more changed tools in the tab`)] : []),
  ];
}

/** The instructions' added and removed lines, as the tab shows them (the first few; the rest in the tab). */
function instructionsSection(before: string, after: string): CardElement[] {
  const changed = diffLines(before, after).filter((l) => l.kind !== 'same');
  const shown = changed.slice(0, LIMITS.listItems);
  const hidden = changed.length - shown.length;
  return [
    note('The instructions changed:', 'warning'),
    ...shown.map((l) =>
      plainLine(
        [
          {
            type: 'TextRun',
            text: `${l.kind === 'added' ? '+ ' : '− '}${inert(l.text, LIMITS.line)}`,
            color: l.kind === 'added' ? 'good' : 'attention',
            weight: l.kind === 'added' ? 'bolder' : 'default',
            strikethrough: l.kind === 'removed',
          },
        ],
        'none',
      ),
    ),
    ...(hidden > 0 ? [note(`and ${hidden} more changed lines in the tab`)] : []),
  ];
}

function riskColumn(title: string, risk: RiskSummaryView): Column {
  return {
    type: 'Column',
    width: 'stretch',
    items: [
      { type: 'TextBlock', text: title, isSubtle: true, spacing: 'none' },
      {
        type: 'TextBlock',
        text: `${risk.score} · ${severityLabel(risk.level)}`,
        weight: 'bolder',
        color: severityColor(risk.level),
        spacing: 'none',
      },
      plainLine([
        risk.signals.length === 0
          ? 'No risk signals'
          : listWithMore(
              risk.signals.map((s) => s.title),
              4,
            ),
      ]),
    ],
  };
}

function riskDelta(before: RiskSummaryView, after: RiskSummaryView): CardElement[] {
  const had = new Set(before.signals.map((s) => s.id));
  const has = new Set(after.signals.map((s) => s.id));
  const fixed = before.signals.filter((s) => !has.has(s.id)).map((s) => s.title);
  const added = after.signals.filter((s) => !had.has(s.id)).map((s) => s.title);
  return [
    facts([
      ['Resolved', fixed.length > 0 ? inert(listWithMore(fixed)) : null],
      ['New', added.length > 0 ? inert(listWithMore(added)) : null],
    ]),
  ].filter((f) => f.facts.length > 0);
}

function outcome(view: ApprovalCardView): CardElement[] {
  const { submission } = view;
  if (submission.status === 'pending') return [];
  // Nobody decided in time: say when it expired and what the maker does next (the reason says both).
  if (submission.status === 'expired') {
    const when = submission.reviewedAt ? ` on ${utcDateTime(submission.reviewedAt)}` : '';
    return [
      plainLine([{ type: 'TextRun', text: `Expired${when}: nobody decided in time`, weight: 'bolder' }]),
      ...(submission.reason ? [note(clip(submission.reason, LIMITS.paragraph), 'warning')] : []),
    ];
  }
  // The history says who decided by name; the submission alone only knows the reviewer's id.
  if (view.history.some((h) => h.action === 'approveSubmission' || h.action === 'rejectSubmission')) return [];
  const who = submission.reviewedBy ? ` by ${clip(submission.reviewedBy, LIMITS.name)}` : '';
  const when = submission.reviewedAt ? ` on ${utcDateTime(submission.reviewedAt)}` : '';
  const why = submission.reason ? `: ${clip(submission.reason, LIMITS.line)}` : '';
  // A request closed by nobody is one that expired and was superseded by a new version.
  const what =
    submission.status === 'approved' ? 'Approved and published' : submission.reviewedBy ? 'Rejected' : 'Closed';
  return [plainLine([{ type: 'TextRun', text: `${what}${who}${when}${why}`, weight: 'bolder' }])];
}

/** Approve, confirmed in a form that takes the reason, as the tab's approval does: kept in the audit trail. */
function approveForm(view: ApprovalCardView): CardAction {
  const submissionId = view.submission.id;
  return {
    type: 'Action.ShowCard',
    title: 'Approve & publish',
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'TextBlock',
          text:
            view.agent.lifecycle === 'blocked'
              ? 'The new version is published and the agent unblocked.'
              : 'The new version is published.',
          wrap: true,
          spacing: 'none',
        },
        {
          type: 'Input.Text',
          id: CARD_INPUTS.approveReason,
          label: 'Reason (kept in the audit trail)',
          isRequired: true,
          errorMessage: 'Say why, for the audit trail.',
          isMultiline: true,
          maxLength: 1000,
        },
      ],
      actions: [
        {
          type: 'Action.Execute',
          title: 'Publish version',
          verb: CARD_VERBS.approveSubmission,
          data: {
            submissionId,
            clickKey: actionKey(CARD_VERBS.approveSubmission, submissionId, cardRevision(view.history)),
          },
          style: 'positive',
        },
      ],
    },
  };
}

function rejectForm(view: ApprovalCardView): CardAction {
  const submissionId = view.submission.id;
  return {
    type: 'Action.ShowCard',
    title: 'Reject',
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.Text',
          id: CARD_INPUTS.rejectReason,
          label: 'Reason (sent to the maker)',
          isRequired: true,
          errorMessage: 'Say why, so the maker can fix it.',
          isMultiline: true,
          maxLength: 1000,
        },
      ],
      actions: [
        {
          type: 'Action.Execute',
          title: 'Reject version',
          verb: CARD_VERBS.rejectSubmission,
          data: {
            submissionId,
            clickKey: actionKey(CARD_VERBS.rejectSubmission, submissionId, cardRevision(view.history)),
          },
          style: 'destructive',
        },
      ],
    },
  };
}
