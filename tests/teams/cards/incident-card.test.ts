import { describe, expect, it } from 'vitest';
import { ROLE_CHECK, incidentCard, incidentActionPlan } from '../../../bot/src/teams/cards/incident-card.js';
import { ANONYMOUS_VIEWER } from '../../../bot/src/teams/cards/card-views.js';
import { CARD_VERBS } from '../../../bot/src/teams/cards/card-verbs.js';
import { MAX_REFRESH_USER_IDS } from '../../../bot/src/teams/cards/card-refresh.js';
import { incidentDeepLink } from '../../../bot/src/teams/cards/deep-links.js';
import {
  AGENT_ID,
  INCIDENT_ID,
  USER_ID,
  makeBlockedCall,
  makeIncidentCardView,
  makeViewer,
} from '../../fakes/teams-card-views.js';
import { cardBytes, cardProblems, cardText, executeActions, verbs } from './card-assertions.js';

const responder = makeViewer(['responder']);
const admin = makeViewer(['admin'], 'Megan Bowen', 'megan@zava.example');
const viewer = makeViewer(['viewer'], 'Lee Gu', 'lee@zava.example');
const blockedAt = '2026-11-24T10:42:00.000Z';

const blockedView = () =>
  makeIncidentCardView({
    agents: [
      {
        id: AGENT_ID,
        name: 'Customer Billing Agent',
        platform: 'copilotStudio',
        lifecycle: 'blocked',
        blockedAt,
        blockedBy: 'adele@zava.example',
      },
    ],
    history: [
      {
        action: 'blockAgent',
        actorName: 'Adele Vance',
        at: blockedAt,
        targetName: 'Customer Billing Agent',
        detail: null,
      },
    ],
  });

describe('incidentCard', () => {
  it.each([
    ['anonymous', ANONYMOUS_VIEWER],
    ['responder', responder],
    ['admin', admin],
    ['viewer', viewer],
  ])('is a valid 1.5 card for the %s view', (_name, who) => {
    const card = incidentCard(makeIncidentCardView(), who);
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
  });

  it.each([
    [
      'responder',
      responder,
      [CARD_VERBS.assignToMe, CARD_VERBS.blockAgent, CARD_VERBS.resolveIncident, CARD_VERBS.revokeUser],
    ],
    ['admin', admin, [CARD_VERBS.blockAgent]],
    ['viewer', viewer, []],
    [
      'anonymous',
      ANONYMOUS_VIEWER,
      [CARD_VERBS.assignToMe, CARD_VERBS.blockAgent, CARD_VERBS.resolveIncident, CARD_VERBS.revokeUser],
    ],
  ])('gives the %s the verbs of their role', (_name, who, expected) => {
    const card = incidentCard(makeIncidentCardView(), who);
    expect(verbs(card)).toEqual([...expected].sort());
  });

  it('posts the base card with its actions (clients without per-person views), says the role is checked, and carries the refresh', () => {
    const card = incidentCard(makeIncidentCardView(), ANONYMOUS_VIEWER);
    expect(card.actions?.map((a) => a.title)).toEqual([
      'Revoke sessions & require password reset',
      'Block agent',
      'Resolve',
      'Assign to me',
    ]);
    expect(cardText(card)).toContain(ROLE_CHECK);
    expect(cardProblems(card)).toEqual([]);
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'refreshIncident', data: { incidentId: INCIDENT_ID }, title: 'Refresh' },
      userIds: ['29:adele', '29:megan'],
    });
  });

  it("never puts a property named 'key' in a button's data (the Playground then sends no click at all)", () => {
    for (const who of [ANONYMOUS_VIEWER, responder, admin]) {
      for (const view of [makeIncidentCardView(), blockedView()]) {
        const buttons = executeActions(incidentCard(view, who));
        expect(buttons.length).toBeGreaterThan(0);
        for (const b of buttons) expect(Object.keys(b.data)).not.toContain('key');
      }
    }
  });

  it('asks for confirmation before revoking or blocking', () => {
    const card = incidentCard(makeIncidentCardView(), responder);
    const top = card.actions ?? [];
    const revoke = top.find((a) => a.title === 'Revoke sessions & require password reset');
    const block = top.find((a) => a.title === 'Block agent');
    expect(revoke?.type).toBe('Action.ShowCard');
    expect(block?.type).toBe('Action.ShowCard');
    // The real actions are only inside the confirmations.
    expect(
      top.filter((a) => a.type === 'Action.Execute').map((a) => (a.type === 'Action.Execute' ? a.verb : '')),
    ).toEqual([CARD_VERBS.assignToMe]);
    const confirm = executeActions(card).find((a) => a.verb === CARD_VERBS.revokeUser);
    expect(confirm?.data).toMatchObject({ incidentId: INCIDENT_ID, userId: USER_ID });
    expect(confirm?.style).toBe('destructive');
  });

  it('says before the revoke what it does and does not do (tokens already issued live on, CAE aside)', () => {
    const card = incidentCard(makeIncidentCardView(), responder);
    const revoke = card.actions?.find((a) => a.title === 'Revoke sessions & require password reset');
    if (revoke?.type !== 'Action.ShowCard') throw new Error('no revoke confirmation');
    const text = cardText({ ...card, body: revoke.card.body, actions: revoke.card.actions });
    expect(text).toContain('Revoke every sign-in session and refresh token of');
    expect(text).toContain('confirm the account compromised');
    expect(text).toContain('reset their password');
    expect(text).toContain('access tokens already issued stay valid until they expire (up to about an hour)');
    expect(text).toContain('continuous access evaluation');
    expect(cardProblems(card)).toEqual([]);
  });

  it('resolves with a required classification and a comment', () => {
    const card = incidentCard(makeIncidentCardView(), responder);
    const form = card.actions?.find((a) => a.title === 'Resolve');
    expect(form?.type).toBe('Action.ShowCard');
    if (form?.type !== 'Action.ShowCard') return;
    expect(form.card.body.map((e) => ('id' in e ? e.id : null))).toEqual(['classification', 'resolutionComment']);
    const choice = form.card.body[0];
    expect(choice?.type === 'Input.ChoiceSet' && choice.isRequired && choice.choices.map((c) => c.value)).toEqual([
      'truePositive',
      'falsePositive',
      'benignPositive',
    ]);
  });

  it('after a block: no Block button, Unblock for the admin, and the history line for everyone', () => {
    const view = blockedView();
    for (const who of [ANONYMOUS_VIEWER, responder, admin, viewer]) {
      const card = incidentCard(view, who);
      expect(cardProblems(card)).toEqual([]);
      expect(verbs(card)).not.toContain(CARD_VERBS.blockAgent);
      expect(cardText(card)).toContain(
        'Agent Customer Billing Agent blocked by Adele Vance at 10:42 UTC on 24 Nov 2026',
      );
    }
    expect(verbs(incidentCard(view, admin))).toEqual([CARD_VERBS.unblockAgent]);
    expect(cardText(incidentCard(view, responder))).toContain('Customer Billing Agent (blocked)');
  });

  it('drops Revoke once the user was revoked during the incident, not for an older revocation', () => {
    const users = (revokedAt: string) => [
      {
        id: USER_ID,
        upn: 'griffin@zava.example',
        displayName: 'Griffin',
        sessionsRevokedAt: revokedAt,
        passwordResetRequired: true,
        riskState: 'confirmedCompromised' as const,
      },
    ];
    const revoked = incidentCard(makeIncidentCardView({ users: users('2026-11-24T10:45:00.000Z') }), responder);
    expect(verbs(revoked)).not.toContain(CARD_VERBS.revokeUser);
    const older = incidentCard(makeIncidentCardView({ users: users('2026-01-01T00:00:00.000Z') }), responder);
    expect(verbs(older)).toContain(CARD_VERBS.revokeUser);
  });

  it('once resolved keeps only the admin agent controls and says who resolved it', () => {
    const base = makeIncidentCardView();
    const view = makeIncidentCardView({
      incident: {
        ...base.incident,
        status: 'resolved',
        classification: 'truePositive',
        resolutionComment: 'Credentials reset; agent rebuilt.',
        resolvedAt: '2026-11-24T11:00:00.000Z',
        resolvedBy: 'adele@zava.example',
      },
      history: [
        {
          action: 'resolveIncident',
          actorName: 'Adele Vance',
          at: '2026-11-24T11:00:00.000Z',
          targetName: null,
          detail: 'truePositive',
        },
      ],
    });
    expect(verbs(incidentCard(view, responder))).toEqual([]);
    expect(verbs(incidentCard(view, admin))).toEqual([CARD_VERBS.blockAgent]);
    const text = cardText(incidentCard(view, responder));
    expect(text).toContain('Resolved as true positive by Adele Vance at 11:00 UTC');
    expect(text).toContain('Nothing left to do on this incident.');
  });

  it('keys a button by card state: same state, same key; any action since, a new key', () => {
    const keyOf = (view: ReturnType<typeof makeIncidentCardView>) =>
      executeActions(incidentCard(view, responder)).find((a) => a.verb === CARD_VERBS.revokeUser)?.data.clickKey;
    const entry = (at: string) => ({
      action: 'assignIncident' as const,
      actorName: 'A',
      at,
      targetName: 'B',
      detail: null,
    });
    const before = makeIncidentCardView({ history: [entry('2026-11-24T10:40:00.000Z')] });
    expect(keyOf(before)).toBe(keyOf(makeIncidentCardView({ history: [entry('2026-11-24T10:40:00.000Z')] })));
    // A reader that passes only the newest entry still moves the key.
    expect(keyOf(makeIncidentCardView({ history: [entry('2026-11-24T10:41:00.000Z')] }))).not.toBe(keyOf(before));
    expect(keyOf(makeIncidentCardView())).not.toBe(keyOf(before));
  });

  it('hides "Assign to me" from the assignee', () => {
    const base = makeIncidentCardView();
    const view = makeIncidentCardView({ incident: { ...base.incident, assignedTo: responder.upn } });
    expect(incidentActionPlan(view, responder).assignToMe).toBe(false);
    expect(verbs(incidentCard(view, responder))).not.toContain(CARD_VERBS.assignToMe);
  });

  it('shows the last blocked calls, the Defender link, the tab deep link and the browser URL', () => {
    const card = incidentCard(makeIncidentCardView(), responder);
    const text = cardText(card);
    expect(text).toContain('What was blocked (3 tool calls)');
    expect(text).toContain('Send an email to attacker3@outside.example blocked (exfiltration)');
    expect(text).toContain("Revoke the user's sessions and block the agent.");
    const json = JSON.stringify(card);
    expect(json).toContain('https://security.microsoft.com/alerts/alert-1');
    expect(json).toContain('https://warden.zava.example/incidents/inc-42');
    expect(json).toContain('https://teams.microsoft.com/l/entity/');
  });

  it('refreshes up to 60 members automatically and gives larger channels a button instead', () => {
    const members = (n: number) => ({ userIds: Array.from({ length: n }, (_, i) => `29:user-${i}`) });
    const small = incidentCard(makeIncidentCardView({ audience: members(MAX_REFRESH_USER_IDS) }), responder);
    expect(small.refresh?.userIds).toHaveLength(60);
    expect(JSON.stringify(small.body)).not.toContain('"title":"Refresh"');

    const large = incidentCard(makeIncidentCardView({ audience: members(61) }), responder);
    expect(large.refresh?.userIds).toBeUndefined();
    expect(large.refresh?.action.verb).toBe(CARD_VERBS.refreshIncident);
    expect(executeActions(large).some((a) => a.title === 'Refresh' && a.verb === CARD_VERBS.refreshIncident)).toBe(
      true,
    );
    expect(cardProblems(large)).toEqual([]);
  });

  it('stays well under 80 KB with 200 events, many entities and long names', () => {
    const long = (s: string) => `${s} ${'x'.repeat(2000)}`;
    const base = makeIncidentCardView();
    const many = Array.from({ length: 200 }, (_, i) => i);
    const view = makeIncidentCardView({
      incident: {
        ...base.incident,
        title: long('Exfiltration'),
        entities: {
          users: many.map((i) => ({ userId: `u${i}`, upn: `user${i}@zava.example`, displayName: long(`User ${i}`) })),
          agents: many.map((i) => ({ agentId: `a${i}`, agentName: long(`Agent ${i}`), platform: 'copilotStudio' })),
          tools: many.map((i) => ({ toolId: `t${i}`, toolName: long(`Tool ${i}`), agentId: `a${i}` })),
          ips: many.map((i) => `10.0.${Math.floor(i / 250)}.${i % 250}`),
        },
        eventCount: 200,
      },
      blockedCalls: many.map((i) => makeBlockedCall(i, { summary: long('summary'), toolName: long('tool') })),
      blockedCallCount: 200,
      users: many.map((i) => ({
        id: `u${i}`,
        upn: `user${i}@zava.example`,
        displayName: long(`User ${i}`),
        sessionsRevokedAt: null,
        passwordResetRequired: false,
        riskState: 'atRisk',
      })),
      agents: many.map((i) => ({
        id: `a${i}`,
        name: long(`Agent ${i}`),
        platform: 'copilotStudio',
        lifecycle: i % 2 ? 'blocked' : 'active',
        blockedAt: null,
        blockedBy: null,
      })),
      alerts: many.map((i) => ({
        id: `al${i}`,
        title: long('alert'),
        severity: 'high',
        recommendedActions: long(`Do thing ${i}`),
        alertWebUrl: null,
      })),
      history: many.map((i) => ({
        action: 'assignIncident',
        actorName: long('Actor'),
        at: '2026-11-24T10:42:00.000Z',
        targetName: long(`Assignee ${i}`),
        detail: null,
      })),
      audience: { userIds: many.map((i) => `29:${'m'.repeat(60)}-${i}`) },
    });
    const both = makeViewer(['responder', 'admin']);
    const card = incidentCard(view, both);
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(40 * 1024);
    const text = cardText(card);
    expect(text).toContain('What was blocked (200 tool calls)');
    expect(text).toContain('and 195 more in the timeline');
    expect(text).toContain('and 195 more');
    expect(card.actions?.length).toBeLessThanOrEqual(5);
  });

  it('does not turn markdown in names into links', () => {
    const base = makeIncidentCardView();
    const view = makeIncidentCardView({
      incident: {
        ...base.incident,
        entities: {
          ...base.incident.entities,
          tools: [{ toolId: 't', toolName: '[Open](https://evil.example)', agentId: AGENT_ID }],
        },
      },
    });
    expect(JSON.stringify(incidentCard(view, responder))).not.toContain('](https://evil.example)');
  });
});

describe('incidentDeepLink', () => {
  it('opens the incident in the tab with an encoded subEntityId', () => {
    const link = incidentDeepLink({ appId: 'app-1', entityId: 'warden', incidentId: INCIDENT_ID });
    expect(link).toBe(
      'https://teams.microsoft.com/l/entity/app-1/warden?context=' +
        encodeURIComponent(JSON.stringify({ subEntityId: 'incident:inc-42' })),
    );
    const context = new URL(link).searchParams.get('context');
    expect(JSON.parse(context ?? '{}')).toEqual({ subEntityId: 'incident:inc-42' });
  });
});
