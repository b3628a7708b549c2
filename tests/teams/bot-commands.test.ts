import { describe, expect, it } from 'vitest';
import { commandText, parseCommand } from '../../bot/src/teams/bot-commands.js';
import { SOC_CHANNEL, TeamsBotHarness, cardOf } from '../fakes/teams-bot-harness.js';
import { HUNT_TEMPLATE_ID } from '../fakes/teams-hunt-runner.js';
import { ADELE, LEE, STRANGER } from '../fakes/teams-principals.js';
import { cardProblems, cardText } from './cards/card-assertions.js';

describe('parseCommand', () => {
  it.each([
    ['help', 'help', ''],
    ['  HELP  ', 'help', ''],
    ['/incidents', 'incidents', ''],
    ['incident', 'incidents', ''],
    ['agent Customer Billing Agent', 'agent', 'Customer Billing Agent'],
    ['agent&nbsp;Customer&nbsp;Billing Agent', 'agent', 'Customer Billing Agent'],
    ['<at>Agent Warden</at> status', 'status', ''],
    ['<p>hunt mcp-maker-credentials</p>', 'hunt', 'mcp-maker-credentials'],
    ['what is going on', null, 'is going on'],
    ['', null, ''],
  ])('%j -> %s %j', (text, name, argument) => {
    expect(parseCommand(text)).toEqual({ name, argument });
  });

  it('decodes entities without reading them as markup', () => {
    expect(commandText('agent A &amp; B &lt;x&gt;')).toBe('agent A & B <x>');
  });
});

describe('commands through the bot', () => {
  it('answers help with the commands and the hunting templates', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('help');
    const card = cardOf(reply);
    expect(card && cardProblems(card)).toEqual([]);
    expect(card && cardText(card)).toContain('hunt <template>');
    expect(card && cardText(card)).toContain(HUNT_TEMPLATE_ID);
  });

  it('answers an unknown command with help', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('please block everything');
    expect(cardOf(reply)?.fallbackText).toContain('Agent Warden commands');
  });

  it('lists open incidents', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('incidents');
    const card = cardOf(reply);
    expect(card && cardProblems(card)).toEqual([]);
    expect(card && cardText(card)).toContain('Open incidents (1)');
    expect(card && cardText(card)).toContain('Exfiltration attempts through Customer Billing Agent');
  });

  it('shows an agent by name, with the mention stripped', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('agent customer billing agent');
    const card = cardOf(reply);
    expect(card && cardProblems(card)).toEqual([]);
    expect(card && cardText(card)).toContain("MCP server connected with the maker's credentials");
  });

  it.each([
    ['agent', 'Which agent?'],
    ['agent Nobody Agent', 'No single agent is named "Nobody Agent"'],
  ])('%j answers with a hint', async (text, expected) => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say(text);
    expect(reply?.text).toContain(expected);
  });

  it('tells this channel its status', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('status');
    const card = cardOf(reply);
    expect(card && cardProblems(card)).toEqual([]);
    expect(card && cardText(card)).toContain('This conversation receives incident cards.');
  });

  it('runs a hunting template for the person who asked', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say(`hunt ${HUNT_TEMPLATE_ID}`);
    const card = cardOf(reply);
    expect(card && cardProblems(card)).toEqual([]);
    expect(card && cardText(card)).toContain('Invoice Helper');
    expect(harness.hunting.runs).toEqual([
      { principalId: ADELE.principal.id, templateId: HUNT_TEMPLATE_ID, rowLimit: 10 },
    ]);
  });

  it.each([
    ['hunt', ADELE, `Templates: ${HUNT_TEMPLATE_ID}, no-user-auth.`],
    ['hunt nope', ADELE, 'No hunting template "nope"'],
    [`hunt ${HUNT_TEMPLATE_ID}`, LEE, 'You are not allowed to do that'],
  ])('%j as %s answers with text', async (text, person, expected) => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say(text, person);
    expect(reply?.text).toContain(expected);
  });

  it.each(['incidents', 'agent Customer Billing Agent', `hunt ${HUNT_TEMPLATE_ID}`])(
    'shows nothing to someone Agent Warden does not know (%s)',
    async (text) => {
      const harness = new TeamsBotHarness();
      const [reply] = await harness.say(text, STRANGER);
      expect(reply?.text).toContain('does not know your account');
      expect(harness.hunting.runs).toEqual([]);
    },
  );

  it('replies in the thread of the channel it was asked in', async () => {
    const harness = new TeamsBotHarness();
    const [reply] = await harness.say('status');
    expect(reply?.conversation?.id).toBe(SOC_CHANNEL.id);
    expect(reply?.replyToId).toBeDefined();
  });

  it('answers with text when the store fails, and logs it', async () => {
    const harness = new TeamsBotHarness();
    harness.world.reader.openIncidents = async () => {
      throw new Error('database unavailable');
    };
    const [reply] = await harness.say('incidents');
    expect(reply?.text).toContain('could not answer that just now');
    expect(harness.log.lines).toContainEqual({
      level: 'error',
      message: 'bot command failed',
      fields: { command: 'incidents', error: 'database unavailable' },
    });
  });
});
