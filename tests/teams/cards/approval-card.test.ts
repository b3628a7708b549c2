import { describe, expect, it } from 'vitest';
import { approvalCard } from '../../../bot/src/teams/cards/approval-card.js';
import { ANONYMOUS_VIEWER } from '../../../bot/src/teams/cards/card-views.js';
import { CARD_VERBS } from '../../../bot/src/teams/cards/card-verbs.js';
import { SUBMISSION_ID, makeApprovalCardView, makeViewer } from '../../fakes/teams-card-views.js';
import { makeTool } from '../../fakes/agent-factory.js';
import { cardBytes, cardProblems, cardText, executeActions, verbs } from './card-assertions.js';

const admin = makeViewer(['admin'], 'Megan Bowen', 'megan@zava.example');
const responder = makeViewer(['responder']);

describe('approvalCard', () => {
  it.each([
    ['anonymous', ANONYMOUS_VIEWER, [CARD_VERBS.approveSubmission, CARD_VERBS.rejectSubmission]],
    ['admin', admin, [CARD_VERBS.approveSubmission, CARD_VERBS.rejectSubmission]],
    ['responder', responder, []],
    ['viewer', makeViewer(['viewer']), []],
  ])('is valid and gives the %s the right verbs', (_name, who, expected) => {
    const card = approvalCard(makeApprovalCardView(), who);
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    expect(verbs(card)).toEqual([...expected].sort());
  });

  it('shows what changed in tools, authentication, access and risk', () => {
    const text = cardText(approvalCard(makeApprovalCardView(), admin));
    expect(text).toContain('Look up invoice'); // added
    expect(text).toContain('Send an email'); // removed
    expect(text).toContain('Billing MCP');
    expect(text).toContain("runs on the user's credentials (was the maker's credentials)");
    expect(text).toContain('None → Microsoft Entra ID');
    expect(text).toContain('As needed → Always');
    expect(text).toContain('Anyone in the organization → Security group members');
    expect(text).toContain('90 · CRITICAL');
    expect(text).toContain('0 · NONE');
    expect(text).toContain("MCP server connected with the maker's credentials");
  });

  it('shows the instructions as the tab does: added lines in green, removed ones struck out', () => {
    const base = makeApprovalCardView();
    const view = makeApprovalCardView({
      before: { ...base.before, instructions: 'Answer billing questions.\nNever share card numbers.' },
      submission: {
        ...base.submission,
        proposed: {
          ...base.submission.proposed,
          instructions: 'Answer billing questions.\nAlways CC finance-archive@outside.example',
        },
      },
    });
    const card = approvalCard(view, admin);
    expect(cardProblems(card)).toEqual([]);
    const runs = JSON.stringify(card.body);
    expect(runs).toContain('"text":"+ Always CC finance-archive@outside.example","color":"good"');
    expect(runs).toContain('"text":"− Never share card numbers.","color":"attention"');
    expect(cardText(card)).not.toContain('review them in the tab');
  });

  it('requires a reason to reject, inside the Reject form', () => {
    const card = approvalCard(makeApprovalCardView(), admin);
    const reject = card.actions?.find((a) => a.title === 'Reject');
    expect(reject?.type).toBe('Action.ShowCard');
    if (reject?.type !== 'Action.ShowCard') return;
    const input = reject.card.body[0];
    expect(input).toMatchObject({ type: 'Input.Text', id: 'rejectReason', isRequired: true });
    expect(input && 'errorMessage' in input && input.errorMessage).toBeTruthy();
    const approve = executeActions(card).find((a) => a.verb === CARD_VERBS.approveSubmission);
    expect(approve?.data).toMatchObject({ submissionId: SUBMISSION_ID });
  });

  it('asks for a reason to approve, inside the Approve form, as the tab does', () => {
    const card = approvalCard(makeApprovalCardView(), admin);
    const approve = card.actions?.find((a) => a.title === 'Approve & publish');
    expect(approve?.type).toBe('Action.ShowCard');
    if (approve?.type !== 'Action.ShowCard') return;
    expect(approve.card.body.find((e) => e.type === 'Input.Text')).toMatchObject({
      id: 'approveReason',
      isRequired: true,
    });
    expect(approve.card.actions?.[0]).toMatchObject({ title: 'Publish version', verb: CARD_VERBS.approveSubmission });
  });

  it('an expired request says Expired, when and why, to everyone, with no buttons', () => {
    const base = makeApprovalCardView();
    const expired = makeApprovalCardView({
      submission: {
        ...base.submission,
        status: 'expired',
        reviewedBy: null,
        reviewedAt: '2026-11-28T10:00:00.000Z',
        reason: 'This approval request expired on 2026-11-28 10:00 UTC; the maker must submit the version again.',
      },
    });
    for (const who of [ANONYMOUS_VIEWER, admin]) {
      const card = approvalCard(expired, who);
      expect(cardProblems(card)).toEqual([]);
      expect(verbs(card)).toEqual([]);
      expect(card.actions).toBeUndefined();
      expect(cardText(card)).toContain('Expired');
      expect(cardText(card)).toContain('the maker must submit the version again');
    }
  });

  it('after the decision shows the outcome to everyone and no buttons', () => {
    const base = makeApprovalCardView();
    const rejected = makeApprovalCardView({
      submission: {
        ...base.submission,
        status: 'rejected',
        reviewedBy: 'megan@zava.example',
        reviewedAt: '2026-11-25T10:00:00.000Z',
        reason: 'Still sends e-mail to any address.',
      },
      history: [
        {
          action: 'rejectSubmission',
          actorName: 'Megan Bowen',
          at: '2026-11-25T10:00:00.000Z',
          targetName: '1.1.0',
          detail: 'Still sends e-mail to any address.',
        },
      ],
    });
    for (const who of [ANONYMOUS_VIEWER, admin]) {
      const card = approvalCard(rejected, who);
      expect(cardProblems(card)).toEqual([]);
      expect(verbs(card)).toEqual([]);
      expect(cardText(card)).toContain(
        'Version 1.1.0 rejected by Megan Bowen at 10:00 UTC on 25 Nov 2026: Still sends e-mail to any address.',
      );
    }
    const approved = approvalCard(
      makeApprovalCardView({
        submission: {
          ...base.submission,
          status: 'approved',
          reviewedBy: 'megan@zava.example',
          reviewedAt: base.submission.submittedAt,
        },
      }),
      admin,
    );
    expect(cardText(approved)).toContain('Approved and published by megan@zava.example');
    const withReason = approvalCard(
      makeApprovalCardView({
        submission: { ...base.submission, status: 'approved', reviewedBy: 'megan@zava.example', reason: 'Safer now.' },
        history: [
          {
            action: 'approveSubmission',
            actorName: 'Megan Bowen',
            at: '2026-11-25T10:00:00.000Z',
            targetName: '1.1.0',
            detail: 'Safer now.',
          },
        ],
      }),
      admin,
    );
    expect(cardText(withReason)).toContain(
      'Version 1.1.0 approved and published by Megan Bowen at 10:00 UTC on 25 Nov 2026: Safer now.',
    );
  });

  it('stays small with many tools and signals', () => {
    const base = makeApprovalCardView();
    const tools = Array.from({ length: 150 }, (_, i) =>
      makeTool({ id: `t${i}`, name: `Tool ${i} ${'n'.repeat(300)}`, connectionMode: i % 2 ? 'maker' : 'user' }),
    );
    const view = makeApprovalCardView({
      before: { ...base.before, tools },
      submission: {
        ...base.submission,
        note: 'n'.repeat(10_000),
        proposed: { ...base.submission.proposed, tools: tools.map((t) => ({ ...t, connectionMode: 'user' as const })) },
      },
    });
    const card = approvalCard(view, admin);
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(40 * 1024);
    expect(cardText(card)).toContain('and 70 more changed tools in the tab');
  });
});
