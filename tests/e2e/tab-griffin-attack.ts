// The Zava story (docs/architecture.md), steps 1-7, as Copilot Studio would play it against the threat-detection webhook:
// the same story `npm run simulate` plays (Griffin's stolen session jailbreaking Customer Billing Agent,
// then "Send an email" to an outside address, among benign calls). Returns Griffin's incident.
import { ATTACKER_IP as ATTACKER_CLIENT_IP, zavaAttackStory } from '../../bot/scripts/zava-attack.js';
import { ZAVA_USER_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import type { TestServer } from '../support/test-server.js';
import { callWebhook, untilIncidentOf } from './support/webhook.js';

/** The attacker's address as the incident shows it (the webhook drops the IPv4-mapped prefix). */
export const ATTACKER_IP = ATTACKER_CLIENT_IP.replace('::ffff:', '');

export async function playGriffinAttack(server: TestServer): Promise<string> {
  for (const step of zavaAttackStory()) {
    const answer = await callWebhook(server, step.body);
    const decision = answer.blockAction ? 'block' : 'allow';
    if (decision !== step.expect) throw new Error(`${step.actor}, ${step.what}: ${decision}, expected ${step.expect}`);
  }
  return untilIncidentOf(server, ZAVA_USER_IDS.griffin, 'Griffin');
}
