// The SOC bot assembled over the store: the ports, the teams-ai Application and POST /api/messages.
// createAgentWarden (bot/src/app.ts) calls this; the notifier uses the `TeamsRoom` it returns.
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Logger } from '../../domain/logger.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { ResponseActions } from '../../response/response-actions.js';
import type { ChannelRepository } from '../../store/channel-repository.js';
import type { Store } from '../../store/store.js';
import { botEndpoint, createBotAdapters } from '../bot-endpoint.js';
import type { HuntRunner, PersonalChatStore } from '../ports.js';
import type { TeamsBot } from '../teams-bot.js';
import { createTeamsBot } from '../teams-bot.js';
import { PLAYGROUND_BUILTIN_AAD_IDS } from './playground.js';
import { StoreIncidentReader } from './store-incident-reader.js';
import { StorePrincipalResolver } from './store-principals.js';
import { CardSignIn } from '../sso/card-sign-in.js';
import { BotTokenService } from '../sso/token-service.js';

export interface TeamsRoom {
  /** For proactive posts: `adapter.continueConversationAsync(botAppId, reference, ...)`. */
  adapter: TeamsAdapter;
  botAppId: string;
  personalChats: PersonalChatStore;
  /** The store's channels: the ChannelStore port, with the settings and the notifier's reads. */
  channels: ChannelRepository;
  incidents: StoreIncidentReader;
  principals: StorePrincipalResolver;
  bot: TeamsBot;
}

/** Until hunting lands on the server: no templates, so `hunt` lists none and runs none. */
export const NO_HUNTING: HuntRunner = {
  templateIds: async () => [],
  run: async () => null,
};

export interface TeamsRoomDeps {
  config: Config;
  store: Store;
  actions: ResponseActions;
  clock: () => Date;
  version: string;
  hunting?: HuntRunner;
  log: Logger;
}

/** TENANT=graph with BOT_SSO_CONNECTION: approvals from cards act as the clicker (config.ts validated the rest). */
function cardSignIn(config: Config, principals: StorePrincipalResolver, log: Logger): CardSignIn | undefined {
  const { sso, id, password, tenantId } = config.bot;
  if (config.tenant !== 'graph' || !sso || !id || !password || !tenantId) return undefined;
  const tokens = new BotTokenService({
    appId: id,
    appPassword: password,
    tenantId,
    loginUrl: config.graph.loginUrl,
    tokenServiceUrl: sso.tokenServiceUrl,
    connectionName: sso.connectionName,
  });
  return new CardSignIn({ tokens, principals, log });
}

export function createTeamsRoom(deps: TeamsRoomDeps): { teams: TeamsRoom; plugin: (app: FastifyInstance) => void } {
  const { config, store, clock, log } = deps;
  const adapters = createBotAdapters(config);
  const { channels, personalChats } = store;
  const incidents = new StoreIncidentReader({
    store,
    clock,
    teamsAppId: config.bot.teamsAppId,
    publicUrl: config.publicUrl,
    tenant: config.tenant,
    version: deps.version,
  });
  const principals = new StorePrincipalResolver(store.users, {
    aliases: config.tenant === 'embedded' ? PLAYGROUND_BUILTIN_AAD_IDS : undefined,
  });
  const bot = createTeamsBot({
    signIn: cardSignIn(config, principals, log),
    adapter: adapters.adapter,
    botAppId: adapters.botAppId,
    channels,
    incidents,
    principals,
    actions: deps.actions,
    hunting: deps.hunting ?? NO_HUNTING,
    clock,
    log,
  });
  const plugin = botEndpoint({ config, adapters, app: bot.app, personalChats, principals, clock, log });
  return {
    teams: {
      adapter: adapters.adapter,
      botAppId: adapters.botAppId,
      personalChats,
      channels,
      incidents,
      principals,
      bot,
    },
    plugin,
  };
}
