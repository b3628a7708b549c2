// Teams SSO for card actions that must act as the person who clicked (TENANT=graph: approving or rejecting a
// version in the Teams app catalog, which Microsoft Graph allows only with delegated permissions).
//
// The Universal Actions protocol (learn.microsoft.com: "Add code to enable SSO for Adaptive Cards Universal
// Actions"), for an `adaptiveCard/action` invoke of such a verb:
//   - the token service already has the person's token for the OAuth connection: the action runs with it;
//   - the invoke carries `value.authentication {id, connectionName, token}` (Teams got an SSO token after our
//     login request): the bot exchanges it at the token service and runs the action; a token it cannot exchange
//     is answered 412 `application/vnd.microsoft.error.preconditionFailed`, and Teams falls back to sign-in;
//   - the invoke carries `value.state` (the magic code of a sign-in through the OAuthCard's link): the bot
//     redeems it (GetToken with code) and runs the action; a wrong code is answered 412;
//   - otherwise the answer is 401 `application/vnd.microsoft.activity.loginRequest` with an OAuthCard that holds
//     the tokenExchangeResource (SSO) and the sign-in link (for clients where SSO does not work); Teams then
//     sends the same action again, signed in, and it completes.
import { ActivityTypes, INVOKE_RESPONSE_KEY } from 'botbuilder';
import type { Logger } from '../../domain/logger.js';
import type { Activity, TurnContext } from 'botbuilder';
import type { DelegatedAccess } from '../../tenant/tenant-ports.js';
import type { CardVerb } from '../cards/card-verbs.js';
import { CARD_VERBS } from '../cards/card-verbs.js';
import type { ActionName } from '../../domain/authorization.js';
import { mayPerform } from '../../domain/authorization.js';
import type { PrincipalResolver } from '../ports.js';
import type { BotTokenService } from './token-service.js';

/** The verbs that change the tenant as the clicker in TENANT=graph (docs/architecture.md, interface 5). */
export const VERBS_ACTING_AS_CLICKER: readonly CardVerb[] = [CARD_VERBS.approveSubmission, CARD_VERBS.rejectSubmission];

export const LOGIN_REQUEST_TYPE = 'application/vnd.microsoft.activity.loginRequest';
export const PRECONDITION_FAILED_TYPE = 'application/vnd.microsoft.error.preconditionFailed';
export const SIGN_IN_TEXT = 'Sign in to Agent Warden so the approval is made as you in Microsoft Teams.';
/** The token service and Entra get this long in all; Teams gives the whole invoke 5 s. */
const SIGN_IN_BUDGET_MS = 3_000;

/** The body of an `adaptiveCard/action` invoke response. */
export interface InvokeResponseBody {
  statusCode: number;
  type: string;
  value: unknown;
}

export type SignInOutcome =
  | { kind: 'signedIn'; access: DelegatedAccess }
  | { kind: 'answer'; body: InvokeResponseBody; why: string }
  /** The clicker may not take this action anyway: no sign-in; the action itself answers with the refusal. */
  | { kind: 'notAllowed' };

export interface CardSignInDeps {
  tokens: BotTokenService;
  principals: PrincipalResolver;
  log: Logger;
}

const ACTION_OF: Partial<Record<string, ActionName>> = {
  [CARD_VERBS.approveSubmission]: 'approveSubmission',
  [CARD_VERBS.rejectSubmission]: 'rejectSubmission',
};

const str = (v: unknown, max = 20_000): string | null =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;

const preconditionFailed = (message: string): InvokeResponseBody => ({
  statusCode: 412,
  type: PRECONDITION_FAILED_TYPE,
  value: { code: '412', message },
});

const message = (text: string): InvokeResponseBody => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: text,
});

export class CardSignIn {
  constructor(private readonly deps: CardSignInDeps) {}

  /** Whether `verb` runs as the clicker (and so needs their token). */
  needsSignIn(verb: string): boolean {
    return (VERBS_ACTING_AS_CLICKER as readonly string[]).includes(verb);
  }

  /**
   * The clicker's delegated access for `verb`, or the invoke answer that asks them to sign in (or says why not).
   * Someone whose role does not allow the action is not asked to sign in for nothing.
   */
  async forCardAction(activity: Partial<Activity>, verb: string): Promise<SignInOutcome> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<SignInOutcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            kind: 'answer',
            why: 'timeout',
            body: message('Signing you in is taking longer than usual. Click the button again in a moment.'),
          }),
        SIGN_IN_BUDGET_MS,
      );
    });
    try {
      return await Promise.race([this.outcome(activity, verb), late]);
    } catch (err) {
      this.deps.log.error({ error: err instanceof Error ? err.message : String(err) }, 'teams sign-in failed');
      return {
        kind: 'answer',
        why: 'token service failed',
        body: message('Agent Warden could not sign you in just now. Nothing was changed; try again.'),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private async outcome(activity: Partial<Activity>, verb: string): Promise<SignInOutcome> {
    const { tokens } = this.deps;
    const userId = str(activity.from?.id, 500);
    const aadObjectId = str(activity.from?.aadObjectId, 100);
    const channelId = str(activity.channelId, 100);
    const action = ACTION_OF[verb];
    const principal = aadObjectId ? await this.deps.principals.byAadObjectId(aadObjectId) : null;
    if (!principal || (action && !mayPerform(principal, action))) return { kind: 'notAllowed' };
    if (!userId || !aadObjectId || !channelId) {
      return {
        kind: 'answer',
        why: 'no user',
        body: message('Teams did not say who you are, so Agent Warden cannot act as you. Nothing was changed.'),
      };
    }
    const signedIn = (token: string): SignInOutcome => ({
      kind: 'signedIn',
      access: { userId: aadObjectId, accessToken: token },
    });
    const value = (activity.value ?? {}) as { authentication?: unknown; state?: unknown };

    if (value.authentication !== undefined && value.authentication !== null) {
      const auth = value.authentication as { connectionName?: unknown; token?: unknown };
      const token = str(auth.token);
      if (!token || (auth.connectionName !== undefined && auth.connectionName !== tokens.connectionName)) {
        return { kind: 'answer', why: 'bad sso token', body: preconditionFailed('authentication token not valid') };
      }
      const exchanged = await tokens.exchange(userId, channelId, token);
      if (!exchanged) {
        return { kind: 'answer', why: 'exchange refused', body: preconditionFailed('authentication token expired') };
      }
      return signedIn(exchanged.token);
    }

    if (value.state !== undefined && value.state !== null) {
      const code = str(value.state, 200);
      const redeemed = code ? await tokens.getToken(userId, channelId, code) : null;
      if (!redeemed) return { kind: 'answer', why: 'bad state', body: preconditionFailed('sign-in state not valid') };
      return signedIn(redeemed.token);
    }

    const cached = await tokens.getToken(userId, channelId);
    if (cached) return signedIn(cached.token);

    const resource = await tokens.signInResource({
      activityId: activity.id,
      user: { id: userId, name: activity.from?.name, aadObjectId },
      bot: activity.recipient ? { id: activity.recipient.id, name: activity.recipient.name } : undefined,
      conversation: {
        id: activity.conversation?.id ?? '',
        conversationType: activity.conversation?.conversationType,
        tenantId: activity.conversation?.tenantId,
      },
      channelId,
      serviceUrl: activity.serviceUrl ?? '',
      locale: activity.locale,
    });
    return {
      kind: 'answer',
      why: 'sign-in needed',
      body: {
        statusCode: 401,
        type: LOGIN_REQUEST_TYPE,
        value: {
          text: SIGN_IN_TEXT,
          connectionName: tokens.connectionName,
          ...(resource.tokenExchangeResource ? { tokenExchangeResource: resource.tokenExchangeResource } : {}),
          buttons: [{ type: 'signin', title: 'Sign in', text: 'Sign in', value: resource.signInLink }],
        },
      },
    };
  }
}

/** Answers the invoke with `body` (the adapter returns it as the HTTP answer when the turn ends). */
export async function sendSignInAnswer(context: TurnContext, body: InvokeResponseBody): Promise<void> {
  const activity: Partial<Activity> = { type: ActivityTypes.InvokeResponse, value: { status: 200, body } };
  // As invoke-answer.ts: teams-ai looks for this key to know the invoke was answered.
  context.turnState.set(INVOKE_RESPONSE_KEY, activity);
  await context.sendActivity(activity);
}
