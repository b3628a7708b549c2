// The bot's text commands: help, incidents, agent <name>, status, hunt <template>. Anything else gets
// the help card. Teams-free: the bot strips the mention and sends the reply.
import { ForbiddenError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { Principal } from '../domain/types.js';
import type { AdaptiveCard } from './cards/adaptive-card-types.js';
import { agentRiskCard } from './cards/agent-risk-card.js';
import { helpCard } from './cards/help-card.js';
import { huntResultsCard } from './cards/hunt-results-card.js';
import { SHOWN_INCIDENTS, incidentListCard } from './cards/incident-list-card.js';
import { SHOWN_HUNT_ROWS } from './cards/hunt-results-card.js';
import { statusCard } from './cards/status-card.js';
import type { HuntRunner, IncidentReader } from './ports.js';

export type CommandName = 'help' | 'incidents' | 'agent' | 'status' | 'hunt';
const COMMANDS: readonly CommandName[] = ['help', 'incidents', 'agent', 'status', 'hunt'];
/** Words people type for the same thing. */
const ALIASES: Record<string, CommandName> = { '?': 'help', incident: 'incidents', agents: 'agent', hunting: 'hunt' };

export interface ParsedCommand {
  /** Null when the text is not a command: the bot answers with help. */
  name: CommandName | null;
  argument: string;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Plain text of a Teams message: mentions (`<at>…</at>`) and other tags removed, entities decoded. */
export function commandText(text: string): string {
  return text
    .replace(/<at>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39|apos);/g, (_m, e: string) => ENTITIES[e] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseCommand(text: string): ParsedCommand {
  const plain = commandText(text);
  const [first = '', ...rest] = plain.split(' ');
  const word = first.replace(/^\//, '').toLowerCase();
  const name = (COMMANDS as readonly string[]).includes(word) ? (word as CommandName) : (ALIASES[word] ?? null);
  return { name, argument: rest.join(' ').trim() };
}

export type CommandReply = { kind: 'card'; card: AdaptiveCard } | { kind: 'text'; text: string };

export interface CommandDeps {
  incidents: IncidentReader;
  hunting: HuntRunner;
  log: Logger;
}

export interface CommandRequest {
  command: ParsedCommand;
  principal: Principal | null;
  conversationId: string;
}

const card = (c: AdaptiveCard): CommandReply => ({ kind: 'card', card: c });
const text = (t: string): CommandReply => ({ kind: 'text', text: t });

const UNKNOWN_PERSON =
  'Agent Warden does not know your account, so it shows you no incidents, agents or hunting results. ' +
  'Ask an admin to give you a role.';

/** Answers one command. Never throws: failures become a short text. */
export async function runCommand(deps: CommandDeps, request: CommandRequest): Promise<CommandReply> {
  try {
    return await answer(deps, request);
  } catch (err) {
    if (err instanceof ForbiddenError) return text(`You are not allowed to do that: ${err.message}`);
    deps.log.error(
      {
        command: request.command.name,
        error: err instanceof Error ? err.message : String(err),
      },
      'bot command failed',
    );
    return text('Agent Warden could not answer that just now. Try again, or open the tab.');
  }
}

async function answer(
  deps: CommandDeps,
  { command, principal, conversationId }: CommandRequest,
): Promise<CommandReply> {
  switch (command.name) {
    case 'status':
      return card(statusCard(await deps.incidents.statusView(conversationId)));
    case 'incidents':
      if (!principal) return text(UNKNOWN_PERSON);
      return card(incidentListCard(await deps.incidents.openIncidents(SHOWN_INCIDENTS)));
    case 'agent': {
      if (!principal) return text(UNKNOWN_PERSON);
      if (!command.argument) return text('Which agent? Type `agent <name>`, e.g. `agent Customer Billing Agent`.');
      const view = await deps.incidents.findAgentByName(command.argument);
      return view
        ? card(agentRiskCard(view))
        : text(`No single agent is named "${command.argument.slice(0, 100)}". Check the name in the tab's agent list.`);
    }
    case 'hunt': {
      if (!principal) return text(UNKNOWN_PERSON);
      const templates = await deps.hunting.templateIds();
      if (!command.argument)
        return text(`Which template? Type \`hunt <template>\`. Templates: ${templates.join(', ')}.`);
      const view = await deps.hunting.run(principal, command.argument, { rowLimit: SHOWN_HUNT_ROWS });
      return view
        ? card(huntResultsCard(view))
        : text(`No hunting template "${command.argument.slice(0, 100)}". Templates: ${templates.join(', ')}.`);
    }
    case 'help':
    case null:
      return card(helpCard({ huntTemplateIds: principal ? await deps.hunting.templateIds() : [] }));
  }
}
