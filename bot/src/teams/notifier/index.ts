export { Notifier } from './notifier.js';
export type { NotifierDeps, NotifierOptions, NotifierStore, PersonalChatLookup } from './notifier-options.js';
export { BotbuilderChannelSender } from './botbuilder-channel-sender.js';
export type { BotbuilderChannelSenderOptions } from './botbuilder-channel-sender.js';
export { SendError, classifyFailure, parseRetryAfter } from './channel-sender.js';
export type { ChannelSender, OutgoingMessage, SendFailureKind } from './channel-sender.js';
export { TEAMS_THREAD_LIMITS, TeamsRateLimiter, retryDelayMs } from './rate-limiter.js';
