import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../bot/src/domain/errors.js';
import { handleCardAction } from '../../bot/src/teams/card-actions.js';
import { CARD_VERBS } from '../../bot/src/teams/cards/card-verbs.js';
import { AGENT_ID, INCIDENT_ID, SUBMISSION_ID } from '../fakes/teams-card-views.js';
import { RecordingLogger } from '../fakes/teams-bot-harness.js';
import { ADELE, MEGAN } from '../fakes/teams-principals.js';
import { FakeSocWorld } from '../fakes/teams-soc-world.js';

function setup() {
  const world = new FakeSocWorld();
  const log = new RecordingLogger();
  return { world, log, deps: { incidents: world.reader, actions: world.actions, log } };
}

const block = { verb: CARD_VERBS.blockAgent, data: { incidentId: INCIDENT_ID, agentId: AGENT_ID, key: 'k' } };

describe('handleCardAction', () => {
  it.each([
    [new ForbiddenError('no'), { kind: 'message', text: 'You are not allowed to block agents.' }],
    [new NotFoundError('agent', AGENT_ID), { kind: 'error', statusCode: 404, code: 'NotFound' }],
    [new InvalidInputError('bad reason', 'reason'), { kind: 'error', statusCode: 400, message: 'bad reason' }],
    [new ConflictError('Already approved.'), { kind: 'message', text: 'Already approved.' }],
    [new Error('database down'), { kind: 'error', statusCode: 500, code: 'InternalError' }],
  ])('maps %s from the service', async (error, expected) => {
    const { world, log, deps } = setup();
    world.actions.blockAgent = async () => {
      throw error;
    };
    const answer = await handleCardAction(deps, { ...block, principal: ADELE.principal, conversationId: null });
    expect(answer).toMatchObject(expected);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(error.constructor === Error ? 1 : 0);
  });

  it("reads the card's key from clickKey (the playground drops clicks whose data has 'key'), and 'key' from older cards", async () => {
    const { world, deps } = setup();
    const data = { incidentId: INCIDENT_ID, agentId: AGENT_ID };
    await handleCardAction(deps, {
      verb: CARD_VERBS.blockAgent,
      data: { ...data, clickKey: 'new' },
      principal: ADELE.principal,
      conversationId: null,
    });
    await handleCardAction(deps, {
      verb: CARD_VERBS.unblockAgent,
      data: { ...data, key: 'old' },
      principal: ADELE.principal,
      conversationId: null,
    });
    expect(world.calls.map((c) => c.idempotencyKey)).toEqual([
      `card:${ADELE.principal.id}:new`,
      `card:${ADELE.principal.id}:old`,
    ]);
  });

  it('keeps the clicker apart in the idempotency key and sends no key when the card had none', async () => {
    const { world, deps } = setup();
    await handleCardAction(deps, { ...block, principal: ADELE.principal, conversationId: null });
    await handleCardAction(deps, {
      verb: CARD_VERBS.unblockAgent,
      data: { incidentId: INCIDENT_ID, agentId: AGENT_ID },
      principal: MEGAN.principal,
      conversationId: null,
    });
    expect(world.calls.map((c) => c.idempotencyKey)).toEqual([`card:${ADELE.principal.id}:k`, null]);
  });

  it.each([
    [CARD_VERBS.revokeUser, { incidentId: INCIDENT_ID }],
    [CARD_VERBS.rejectSubmission, { submissionId: SUBMISSION_ID, rejectReason: '   ' }],
    [CARD_VERBS.resolveIncident, { incidentId: INCIDENT_ID, classification: 'maybe' }],
    [CARD_VERBS.approveSubmission, { submissionId: 42 }],
  ])('rejects %s with incomplete data %j without calling the service', async (verb, data) => {
    const { world, deps } = setup();
    const answer = await handleCardAction(deps, { verb, data, principal: MEGAN.principal, conversationId: null });
    expect(answer).toMatchObject({ kind: 'error', statusCode: 400 });
    expect(world.calls).toEqual([]);
  });

  it('trims the reject reason and passes it on', async () => {
    const { world, deps } = setup();
    await handleCardAction(deps, {
      verb: CARD_VERBS.rejectSubmission,
      data: { submissionId: SUBMISSION_ID, rejectReason: '  Still e-mails anyone.  ' },
      principal: MEGAN.principal,
      conversationId: null,
    });
    expect(world.calls[0]?.args).toEqual([SUBMISSION_ID, 'Still e-mails anyone.']);
  });

  it("passes an approval's reason input on, trimmed, and none as empty", async () => {
    const { world, deps } = setup();
    for (const data of [{ approveReason: '  Reviewed the diff.  ' }, {}]) {
      await handleCardAction(deps, {
        verb: CARD_VERBS.approveSubmission,
        data: { submissionId: SUBMISSION_ID, key: 'a', ...data },
        principal: MEGAN.principal,
        conversationId: null,
      });
    }
    expect(world.calls.map((c) => c.args)).toEqual([
      [SUBMISSION_ID, 'Reviewed the diff.'],
      [SUBMISSION_ID, ''],
    ]);
  });

  it('answers an approval conflict with the card as it now is, the reason on top and no decision left', async () => {
    const { world, deps } = setup();
    world.approval.submission.status = 'rejected';
    const answer = await handleCardAction(deps, {
      verb: CARD_VERBS.approveSubmission,
      data: { submissionId: SUBMISSION_ID, key: 'a' },
      principal: MEGAN.principal,
      conversationId: null,
    });
    expect(answer.kind).toBe('card');
    const card = answer.kind === 'card' ? answer.card : null;
    expect(card?.body[0]).toMatchObject({ type: 'TextBlock', text: 'This version was already rejected.' });
    expect(JSON.stringify(card)).toContain('"text":"Rejected"');
    expect(JSON.stringify(card)).not.toContain('"verb":"approveSubmission"');
  });
});
