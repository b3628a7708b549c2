import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdaptiveCard } from '../../bot/src/teams/cards/adaptive-card-types.js';
import { CARD_VERBS } from '../../bot/src/teams/cards/card-verbs.js';
import { INVOKE_CONTENT_TYPES } from '../../bot/src/teams/invoke-answer.js';
import { INVOKE_TIMEOUT_MS, STILL_WORKING } from '../../bot/src/teams/teams-bot.js';
import { AGENT_ID, INCIDENT_ID, SUBMISSION_ID, USER_ID } from '../fakes/teams-card-views.js';
import { SOC_CHANNEL, TeamsBotHarness } from '../fakes/teams-bot-harness.js';
import { ADELE, LEE, MEGAN, STRANGER } from '../fakes/teams-principals.js';
import type { TeamsPerson } from '../fakes/teams-principals.js';
import { cardProblems, cardText, verbs } from './cards/card-assertions.js';

const cardIn = (body: { type: string; value: unknown }): AdaptiveCard => {
  expect(body.type).toBe(INVOKE_CONTENT_TYPES.card);
  return body.value as AdaptiveCard;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('card actions through the bot', () => {
  it.each<[string, Record<string, unknown>, TeamsPerson, string, unknown[]]>([
    [
      CARD_VERBS.revokeUser,
      { incidentId: INCIDENT_ID, userId: USER_ID, key: 'k1' },
      ADELE,
      'revokeUser',
      [USER_ID, INCIDENT_ID],
    ],
    [
      CARD_VERBS.blockAgent,
      { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'k2' },
      ADELE,
      'blockAgent',
      [AGENT_ID, `Blocked from incident ${INCIDENT_ID}`],
    ],
    [
      CARD_VERBS.resolveIncident,
      { incidentId: INCIDENT_ID, key: 'k3', classification: 'truePositive', resolutionComment: 'Contained.' },
      ADELE,
      'resolveIncident',
      [INCIDENT_ID, 'truePositive', 'Contained.'],
    ],
    [
      CARD_VERBS.assignToMe,
      { incidentId: INCIDENT_ID, key: 'k4' },
      ADELE,
      'assignIncident',
      [INCIDENT_ID, 'adele@zava.example'],
    ],
    [
      CARD_VERBS.approveSubmission,
      { submissionId: SUBMISSION_ID, key: 'k5', approveReason: 'Reviewed the diff.' },
      MEGAN,
      'approveSubmission',
      [SUBMISSION_ID, 'Reviewed the diff.'],
    ],
    [
      CARD_VERBS.rejectSubmission,
      { submissionId: SUBMISSION_ID, key: 'k6', rejectReason: 'Still e-mails anyone.' },
      MEGAN,
      'rejectSubmission',
      [SUBMISSION_ID, 'Still e-mails anyone.'],
    ],
  ])(
    '%s calls ResponseActions with the clicker and answers with their new card',
    async (verb, data, person, method, args) => {
      const harness = new TeamsBotHarness();
      const { status, body } = await harness.invoke(verb, data, person);
      expect(status).toBe(200);
      expect(body.statusCode).toBe(200);
      expect(harness.world.calls).toEqual([
        {
          method,
          principalId: person.principal.id,
          idempotencyKey: `card:${person.principal.id}:${String(data.key)}`,
          via: 'card',
          args,
        },
      ]);
      expect(harness.principals.lookups).toEqual([person.aadObjectId]);
      const card = cardIn(body);
      expect(cardProblems(card)).toEqual([]);
      expect(cardText(card)).toContain(`by ${person.principal.displayName} at 10:42 UTC`);
      // The card was asked for the channel the click came from, without the thread suffix.
      expect(harness.world.viewRequests.at(-1)?.conversationId).toBe(SOC_CHANNEL.id);
    },
  );

  it('unblocks for an admin once the agent is blocked', async () => {
    const harness = new TeamsBotHarness();
    await harness.invoke(CARD_VERBS.blockAgent, { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'b' }, MEGAN);
    const { body } = await harness.invoke(
      CARD_VERBS.unblockAgent,
      { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'u' },
      MEGAN,
    );
    expect(harness.world.calls.map((c) => c.method)).toEqual(['blockAgent', 'unblockAgent']);
    expect(verbs(cardIn(body))).toEqual([CARD_VERBS.blockAgent]);
  });

  it('after a block the clicker gets a card without Block and with the history line', async () => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(CARD_VERBS.blockAgent, {
      incidentId: INCIDENT_ID,
      agentId: AGENT_ID,
      key: 'k',
    });
    const card = cardIn(body);
    expect(verbs(card)).not.toContain(CARD_VERBS.blockAgent);
    expect(verbs(card)).toContain(CARD_VERBS.revokeUser);
    expect(cardText(card)).toContain('Agent Customer Billing Agent blocked by Adele Vance at 10:42 UTC');
  });

  it('a double click is done once: the second answer shows the same single history line', async () => {
    const harness = new TeamsBotHarness();
    const data = { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'blockAgent:agent-billing:0' };
    const first = cardIn((await harness.invoke(CARD_VERBS.blockAgent, data)).body);
    const second = cardIn((await harness.invoke(CARD_VERBS.blockAgent, data)).body);
    expect(harness.world.calls).toHaveLength(2);
    expect(new Set(harness.world.calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(harness.world.incident.history).toHaveLength(1);
    const line = 'Agent Customer Billing Agent blocked by Adele Vance';
    expect(cardText(second).split(line)).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it('tells a person without the role that they are not allowed, and changes nothing', async () => {
    const harness = new TeamsBotHarness();
    const { status, body } = await harness.invoke(
      CARD_VERBS.blockAgent,
      { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'k' },
      LEE,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      statusCode: 200,
      type: INVOKE_CONTENT_TYPES.message,
      value: 'You are not allowed to block agents.',
    });
    expect(harness.world.incident.agents[0]?.lifecycle).toBe('active');
  });

  it('refuses someone Agent Warden does not know without calling the service', async () => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(
      CARD_VERBS.revokeUser,
      { incidentId: INCIDENT_ID, userId: USER_ID },
      STRANGER,
    );
    expect(body.type).toBe(INVOKE_CONTENT_TYPES.message);
    expect(String(body.value)).toContain('does not know your account');
    expect(harness.world.calls).toEqual([]);
  });

  it('answers an unknown verb with a 400 error response, not a 501', async () => {
    const harness = new TeamsBotHarness();
    const { status, body } = await harness.invoke('launchMissiles', { incidentId: INCIDENT_ID });
    expect(status).toBe(200);
    expect(body).toEqual({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: "Agent Warden does not know the action 'launchMissiles'." },
    });
  });

  it('answers a missing incident with a 404 error response', async () => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(CARD_VERBS.refreshIncident, { incidentId: 'inc-missing' });
    expect(body).toMatchObject({
      statusCode: 404,
      type: 'application/vnd.microsoft.error',
      value: { code: 'NotFound' },
    });
  });

  it('answers bad input (no classification) with a 400 and does nothing', async () => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(CARD_VERBS.resolveIncident, { incidentId: INCIDENT_ID, key: 'k' });
    expect(body).toMatchObject({ statusCode: 400, value: { code: 'BadRequest', message: 'Choose a classification.' } });
    expect(harness.world.calls).toEqual([]);
  });

  it.each<[string, TeamsPerson, string[]]>([
    [
      'a responder',
      ADELE,
      [CARD_VERBS.assignToMe, CARD_VERBS.blockAgent, CARD_VERBS.resolveIncident, CARD_VERBS.revokeUser],
    ],
    ['an admin', MEGAN, [CARD_VERBS.blockAgent]],
    ['a viewer', LEE, []],
    // Someone Agent Warden does not know sees the base card, whose buttons the server refuses them.
    [
      'a stranger',
      STRANGER,
      [CARD_VERBS.assignToMe, CARD_VERBS.blockAgent, CARD_VERBS.resolveIncident, CARD_VERBS.revokeUser],
    ],
  ])('an automatic refresh gives %s their own view', async (_name, person, expected) => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(CARD_VERBS.refreshIncident, { incidentId: INCIDENT_ID }, person, 'automatic');
    const card = cardIn(body);
    expect(verbs(card)).toEqual([...expected].sort());
    expect(card.refresh?.action.verb).toBe(CARD_VERBS.refreshIncident);
    expect(harness.world.calls).toEqual([]);
  });

  it('refreshes the approval card with the admin decision buttons', async () => {
    const harness = new TeamsBotHarness();
    const { body } = await harness.invoke(
      CARD_VERBS.refreshApproval,
      { submissionId: SUBMISSION_ID },
      MEGAN,
      'automatic',
    );
    expect(verbs(cardIn(body))).toEqual([CARD_VERBS.approveSubmission, CARD_VERBS.rejectSubmission]);
  });

  it('answers "still working" before Teams gives up, and finishes the action anyway', async () => {
    vi.useFakeTimers();
    const harness = new TeamsBotHarness();
    const release = harness.world.holdActions();
    const pending = harness.invoke(CARD_VERBS.blockAgent, { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'slow' });
    await vi.advanceTimersByTimeAsync(INVOKE_TIMEOUT_MS);
    const { body } = await pending;
    expect(body).toEqual({ statusCode: 200, type: INVOKE_CONTENT_TYPES.message, value: STILL_WORKING });
    expect(harness.world.incident.agents[0]?.lifecycle).toBe('active');
    release();
    await vi.runAllTimersAsync();
    expect(harness.world.incident.agents[0]?.lifecycle).toBe('blocked');
    expect(harness.log.lines.map((l) => l.message)).toContain('card action finished after its answer');
  });

  it('never lets teams-ai overwrite the channel message with a personal view', async () => {
    const harness = new TeamsBotHarness();
    const { sent, updated, invokeResponses } = await harness.send({
      channelId: 'msteams',
      type: 'invoke',
      name: 'adaptiveCard/action',
      from: { id: ADELE.teamsId, name: 'Adele Vance', aadObjectId: ADELE.aadObjectId },
      conversation: { id: SOC_CHANNEL.id, conversationType: 'channel', isGroup: true, name: '' },
      replyToId: 'card-message-1',
      value: {
        action: { type: 'Action.Execute', verb: CARD_VERBS.refreshIncident, data: { incidentId: INCIDENT_ID } },
      },
    });
    expect(invokeResponses).toHaveLength(1);
    expect(updated).toEqual([]);
    expect(sent).toEqual([]);
  });
});
