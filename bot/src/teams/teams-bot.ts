// The Teams bot: a teams-ai (v1) Application wired to the ports. Routes only; the decisions live in
// card-actions.ts, bot-commands.ts and channel-registry.ts.
import { Application } from '@microsoft/teams-ai/lib/Application.js'; // not the index: see bot-endpoint.ts
import type { Logger } from '../domain/logger.js';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import { ActivityTypes, CardFactory, MessageFactory } from 'botbuilder';
import type { Storage, TurnContext } from 'botbuilder';
import type { Principal } from '../domain/types.js';
import type { ResponseActions } from '../response/response-actions.js';
import { conversationIdOf, resolvePrincipal } from './activity-identity.js';
import { parseCommand, runCommand } from './bot-commands.js';
import { handleCardAction } from './card-actions.js';
import type { CardVerb } from './cards/card-verbs.js';
import { ALL_CARD_VERBS } from './cards/card-verbs.js';
import { createChannelRegistry } from './channel-registry.js';
import type { InvokeAnswer } from './invoke-answer.js';
import { answerWithin, errorAnswer, messageAnswer, sendInvokeAnswer } from './invoke-answer.js';
import type { ChannelStore, HuntRunner, IncidentReader, PrincipalResolver } from './ports.js';
import type { CardSignIn } from './sso/card-sign-in.js';
import { sendSignInAnswer } from './sso/card-sign-in.js';

/** Teams allows 5 s per invoke; answer before then whatever happens. */
export const INVOKE_TIMEOUT_MS = 4_500;

export const STILL_WORKING = 'Still working on it. The card will show the result for everyone as soon as it is done.';

export interface TeamsBotDeps {
  /** The CloudAdapter the server processes /api/messages with. Optional only for tests that call `app.run`. */
  adapter?: TeamsAdapter;
  /** MicrosoftAppId: needed by teams-ai for proactive calls. */
  botAppId?: string;
  /** teams-ai turn state storage. Agent Warden keeps no turn state; omit it. */
  storage?: Storage;
  channels: ChannelStore;
  incidents: IncidentReader;
  principals: PrincipalResolver;
  actions: ResponseActions;
  hunting: HuntRunner;
  clock?: () => Date;
  log?: Logger;
  /** Tests only. */
  invokeTimeoutMs?: number;
  /** Teams SSO (bot/src/teams/sso/) for the actions that must act as the clicker; absent in embedded mode. */
  signIn?: CardSignIn;
}

export interface TeamsBot {
  app: Application;
  /** The Action.Execute verbs the bot answers; any other verb gets a 400 error response. */
  verbs: readonly CardVerb[];
}

const consoleLogger: Logger = {
  info: (fields, message) => console.info(message, fields),
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

function isCardActionInvoke(context: TurnContext): Promise<boolean> {
  const a = context.activity;
  return Promise.resolve(a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action');
}

export function createTeamsBot(deps: TeamsBotDeps): TeamsBot {
  const log = deps.log ?? consoleLogger;
  const clock = deps.clock ?? (() => new Date());
  const timeoutMs = deps.invokeTimeoutMs ?? INVOKE_TIMEOUT_MS;

  const app = new Application({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    storage: deps.storage,
    // Asked for, not granted: teams-ai 1.7.4's Application.run starts its typing timer for every message turn
    // whatever this says, so a command that takes over a second shows Teams' typing indicator first.
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });

  const cardDeps = { incidents: deps.incidents, actions: deps.actions, log };

  const answerCardAction = async (context: TurnContext, verb: string, data: Record<string, unknown>) => {
    // --- Teams SSO hook (bot/src/teams/sso/): the clicker's token first, or a sign-in request as the answer.
    const signedIn = deps.signIn?.needsSignIn(verb) ? await deps.signIn.forCardAction(context.activity, verb) : null;
    if (signedIn?.kind === 'answer') {
      log.info({ verb, why: signedIn.why }, 'card action needs sign-in');
      await sendSignInAnswer(context, signedIn.body);
      return '';
    }
    const onBehalfOf = signedIn?.kind === 'signedIn' ? signedIn.access : null;
    // --- end of the Teams SSO hook.
    const work = (async (): Promise<InvokeAnswer> => {
      try {
        const principal = await resolvePrincipal(context, deps.principals);
        return await handleCardAction(cardDeps, {
          verb,
          data,
          principal,
          conversationId: conversationIdOf(context.activity) || null,
          onBehalfOf,
        });
      } catch (err) {
        log.error(
          {
            verb,
            error: err instanceof Error ? err.message : String(err),
          },
          'card action failed before it ran',
        );
        return errorAnswer(500, 'InternalError', 'Agent Warden could not complete this action. Try again.');
      }
    })();
    const { answer, timedOut } = await answerWithin(work, timeoutMs, messageAnswer(STILL_WORKING));
    if (timedOut) {
      log.info({ verb }, 'card action answered before it finished');
      void work.then((late) => log.info({ verb, outcome: late.kind }, 'card action finished after its answer'));
    }
    // Answer here rather than return the card to teams-ai: given a card with `refresh`, teams-ai would
    // also overwrite the channel's message with this user's view (buttons included) for everyone.
    await sendInvokeAnswer(context, answer);
    return '';
  };

  for (const verb of ALL_CARD_VERBS) {
    app.adaptiveCards.actionExecute<Record<string, unknown>>(verb, (context, _state, data) =>
      answerCardAction(context, verb, data),
    );
  }
  // After the known verbs: any other card action is a bad request, never the adapter's 501.
  app.addRoute(
    isCardActionInvoke,
    async (context) => {
      const value: unknown = context.activity.value;
      const action = value && typeof value === 'object' && 'action' in value ? value.action : null;
      const verb = action && typeof action === 'object' && 'verb' in action ? String(action.verb) : '';
      await sendInvokeAnswer(
        context,
        errorAnswer(400, 'BadRequest', `Agent Warden does not know the action '${verb}'.`),
      );
    },
    true,
  );

  const registry = createChannelRegistry({ channels: deps.channels, clock, log });
  app.activity(ActivityTypes.InstallationUpdate, (context) => registry.onInstallationUpdate(context));
  app.conversationUpdate('teamDeleted', (context) => registry.onTeamDeleted(context));
  app.conversationUpdate('teamHardDeleted', (context) => registry.onTeamDeleted(context));
  app.conversationUpdate('channelDeleted', (context) => registry.onChannelDeleted(context));
  app.conversationUpdate('membersAdded', (context) => registry.onMembersAdded(context));
  app.conversationUpdate('membersRemoved', (context) => registry.onMembersRemoved(context));

  app.message(
    (context) => Promise.resolve(context.activity.type === ActivityTypes.Message),
    async (context) => {
      let principal: Principal | null;
      try {
        principal = await resolvePrincipal(context, deps.principals);
      } catch (err) {
        log.error({ error: err instanceof Error ? err.message : String(err) }, 'could not resolve who sent a command');
        await context.sendActivity('Agent Warden could not answer that just now. Try again, or open the tab.');
        return;
      }
      const reply = await runCommand(
        { incidents: deps.incidents, hunting: deps.hunting, log },
        {
          command: parseCommand(context.activity.text ?? ''),
          principal,
          conversationId: conversationIdOf(context.activity),
        },
      );
      await context.sendActivity(
        reply.kind === 'card' ? MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)) : reply.text,
      );
    },
  );

  return { app, verbs: ALL_CARD_VERBS };
}
