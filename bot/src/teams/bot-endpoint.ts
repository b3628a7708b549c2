// POST /api/messages: the Bot Framework endpoint. botbuilder's CloudAdapter (teams-ai's TeamsAdapter)
// authenticates each activity and runs the teams-ai Application on it.
//
// Identity (docs/architecture.md, interface 6): BOT_TYPE SingleTenant (BOT_ID, BOT_PASSWORD, BOT_TENANT_ID) or
// UserAssignedMsi (BOT_ID, BOT_TENANT_ID; the managed identity is the bot). With AUTH=entra every activity
// must carry a valid Bot Framework token: without one the answer is 401 before anything runs, and the
// adapter rejects a bad one (401). With AUTH=dev (loopback only) the endpoint also takes the unauthenticated
// calls of the Microsoft 365 Agents Playground: those go through an adapter without credentials.
// Deep imports: the package's index also loads its AI, planner and streaming modules, which this bot never uses
// (about 170 ms of every start).
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Logger } from '../domain/logger.js';
import type { Application } from '@microsoft/teams-ai/lib/Application.js';
import { ActivityTypes, CallerIdConstants, TurnContext } from 'botbuilder';
import type { Activity, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { devSignInRefusal, isLoopbackUrl } from '../auth/dev-sign-in.js';
import type { StorePrincipalResolver } from './store/store-principals.js';
import type { PersonalChatStore } from './ports.js';

/** The bot id the Agents Playground configuration uses when no BOT_ID is set (embedded mode). */
export const PLAYGROUND_BOT_ID = '00000000-0000-0000-0000-0000000a3d3e';

export interface BotAdapters {
  /** For proactive posts (the notifier) and for activities that carry a token. */
  adapter: TeamsAdapter;
  /** Takes activities that carry a Bot Framework token; null when no bot identity is configured. */
  authenticated: TeamsAdapter | null;
  /** AUTH=dev only: takes the playground's activities, which carry no token. */
  anonymous: TeamsAdapter | null;
  /** MicrosoftAppId for `continueConversationAsync`. */
  botAppId: string;
}

/** The MicrosoftApp* settings botbuilder reads, from the BOT_* configuration. */
export function botFrameworkAuthOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions | null {
  if (!config.bot.id) return null;
  return {
    MicrosoftAppId: config.bot.id,
    MicrosoftAppType: config.bot.type,
    MicrosoftAppTenantId: config.bot.tenantId ?? undefined,
    ...(config.bot.type === 'UserAssignedMsi' ? {} : { MicrosoftAppPassword: config.bot.password ?? undefined }),
    ...channelOverrides(config),
  };
}

/**
 * BOT_OPENID_METADATA_URL / BOT_TOKEN_ISSUER: where the channel's signing keys are and who issues its tokens.
 * botbuilder takes any such setting as a full set (the others would be left empty), so the rest are the public
 * cloud's values, the ones it uses when none is set.
 */
function channelOverrides(config: Config): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  const { openIdMetadataUrl, tokenIssuer } = config.bot;
  if (!openIdMetadataUrl && !tokenIssuer) return {};
  // botframework-connector's AuthenticationConstants (not exported by botbuilder).
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: tokenIssuer ?? 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl:
      openIdMetadataUrl ?? 'https://login.botframework.com/v1/.well-known/openidconfiguration',
    ToBotFromEmulatorOpenIdMetadataUrl:
      'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    OAuthUrl: config.bot.sso?.tokenServiceUrl ?? 'https://api.botframework.com',
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

export function createBotAdapters(config: Config): BotAdapters {
  const options = botFrameworkAuthOptions(config);
  const authenticated = options ? new TeamsAdapter(options) : null;
  // No MicrosoftAppId: botbuilder treats authentication as disabled (no token checked, none sent).
  const anonymous = config.auth === 'dev' ? new TeamsAdapter({}) : null;
  // In AUTH=dev without a bot identity, proactive posts go to the playground without a token.
  const adapter = authenticated ?? anonymous ?? new TeamsAdapter({});
  return { adapter, authenticated, anonymous, botAppId: config.bot.id ?? PLAYGROUND_BOT_ID };
}

export interface BotEndpointDeps {
  config: Config;
  adapters: BotAdapters;
  app: Application;
  personalChats: PersonalChatStore;
  principals: StorePrincipalResolver;
  clock: () => Date;
  log: Logger;
}

/** The buffered answer CloudAdapter writes through botbuilder's minimal Response interface. */
class BufferedResponse {
  statusCode = 200;
  headers: Record<string, string> = {};
  body: unknown = undefined;
  ended = false;
  readonly socket = null;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.ended = true;
    return this;
  }
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Remembers the personal chat of whoever talks to the bot there, for messages to makers later. */
export async function recordPersonalChat(
  context: TurnContext,
  deps: Pick<BotEndpointDeps, 'personalChats' | 'principals' | 'clock'>,
): Promise<void> {
  const activity = context.activity;
  if (activity.conversation?.conversationType !== 'personal') return;
  if (activity.type !== ActivityTypes.Message && activity.type !== ActivityTypes.InstallationUpdate) return;
  const aadObjectId = activity.from?.aadObjectId;
  if (!aadObjectId || !activity.conversation.id) return;
  const user = await deps.principals.userByAadObjectId(aadObjectId);
  const reference = TurnContext.getConversationReference(activity);
  // Posts continue the chat; no reply-to.
  delete reference.activityId;
  await deps.personalChats.save({
    aadObjectId,
    userId: user?.id ?? null,
    upn: user?.upn ?? null,
    reference,
    updatedAt: deps.clock().toISOString(),
  });
}

/**
 * What a turn's uncaught error does: logged, and a message turn gets an apology. botbuilder hands the error here
 * and then ends the turn normally, proactive turns included (`continueConversationAsync` does not reject), so a
 * caller that must know about a failure catches it inside its own turn logic (BotbuilderChannelSender does).
 */
export function turnErrorHandler(log: Pick<Logger, 'error'>): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    log.error(
      {
        type: context.activity.type,
        name: context.activity.name,
        error: error instanceof Error ? error.message : String(error),
      },
      'bot turn failed',
    );
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity('Agent Warden could not answer that just now. Try again, or open the tab.');
    }
  };
}

/** Registers POST /api/messages on the server (buildHttpServer's `plugins` hook). */
export function botEndpoint(deps: BotEndpointDeps): (app: FastifyInstance) => void {
  const { adapters, log } = deps;
  for (const adapter of [adapters.authenticated, adapters.anonymous]) {
    if (!adapter) continue;
    adapter.onTurnError = turnErrorHandler(log);
  }

  const logic = async (context: TurnContext) => {
    try {
      await recordPersonalChat(context, deps);
    } catch (err) {
      // The command still gets its answer; the maker just will not hear from the bot in this chat.
      log.error({ error: err instanceof Error ? err.message : String(err) }, 'could not store the personal chat');
    }
    await deps.app.run(context);
  };

  return (app) => {
    app.post('/api/messages', async (request: FastifyRequest, reply: FastifyReply) => {
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return reply
          .code(400)
          .send(errorBody('bad_request', 'the body must be a Bot Framework activity (JSON object)'));
      }
      const activity = body as Partial<Activity>;
      if (typeof activity.type !== 'string' || !activity.type) {
        return reply.code(400).send(errorBody('bad_request', 'the activity has no type'));
      }
      const authorization = request.headers.authorization;
      if (!authorization && adapters.anonymous) {
        // The bot answers at serviceUrl: without a token, only the Agents Playground on this machine,
        // reached on this machine, so no stranger can make the server call a URL of their choosing.
        const refusal =
          devSignInRefusal(request.headers) ??
          (isLoopbackUrl(activity.serviceUrl)
            ? null
            : 'without a Bot Framework token the serviceUrl must be on this machine (the Agents Playground)');
        if (refusal) return reply.code(401).send(errorBody('unauthorized', refusal));
      }
      const adapter = authorization ? adapters.authenticated : adapters.anonymous;
      if (!adapter) {
        const message = authorization
          ? 'no bot identity is configured (BOT_ID): the token cannot be checked'
          : 'a Bot Framework token is required (Authorization: Bearer ...)';
        return reply.code(401).send(errorBody('unauthorized', message));
      }
      const res = new BufferedResponse();
      await adapter.process(
        { body: body as Record<string, unknown>, headers: request.headers, method: request.method },
        res,
        logic,
      );
      for (const [name, value] of Object.entries(res.headers)) reply.header(name, value);
      if (res.statusCode >= 400) {
        const code = res.statusCode === 401 ? 'unauthorized' : res.statusCode < 500 ? 'bad_request' : 'internal';
        const message =
          res.statusCode === 401
            ? 'the Bot Framework token is not valid'
            : typeof res.body === 'string' && res.statusCode < 500
              ? res.body
              : 'the bot could not process the activity';
        if (res.statusCode >= 500) log.error({ status: res.statusCode, detail: res.body }, 'bot endpoint failed');
        return reply.code(res.statusCode).send(errorBody(code, message));
      }
      reply.code(res.statusCode);
      return res.body === undefined ? reply.send() : reply.send(res.body);
    });
  };
}
