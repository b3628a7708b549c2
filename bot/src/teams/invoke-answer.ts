// The answer to an `adaptiveCard/action` invoke (Universal Actions): HTTP 200 with a body
// `{statusCode, type, value}` that carries a card, a message or an error.
import { ActivityTypes, INVOKE_RESPONSE_KEY } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from './cards/adaptive-card-types.js';

export type InvokeAnswer =
  | { kind: 'card'; card: AdaptiveCard }
  | { kind: 'message'; text: string }
  | { kind: 'error'; statusCode: 400 | 404 | 500; code: string; message: string };

export const INVOKE_CONTENT_TYPES = {
  card: 'application/vnd.microsoft.card.adaptive',
  message: 'application/vnd.microsoft.activity.message',
  error: 'application/vnd.microsoft.error',
} as const;

export interface AdaptiveCardInvokeBody {
  statusCode: number;
  type: (typeof INVOKE_CONTENT_TYPES)[keyof typeof INVOKE_CONTENT_TYPES];
  value: AdaptiveCard | string | { code: string; message: string };
}

export const cardAnswer = (card: AdaptiveCard): InvokeAnswer => ({ kind: 'card', card });
export const messageAnswer = (text: string): InvokeAnswer => ({ kind: 'message', text });
export const errorAnswer = (statusCode: 400 | 404 | 500, code: string, message: string): InvokeAnswer => ({
  kind: 'error',
  statusCode,
  code,
  message,
});

export function invokeBody(answer: InvokeAnswer): AdaptiveCardInvokeBody {
  switch (answer.kind) {
    case 'card':
      return { statusCode: 200, type: INVOKE_CONTENT_TYPES.card, value: answer.card };
    case 'message':
      return { statusCode: 200, type: INVOKE_CONTENT_TYPES.message, value: answer.text };
    case 'error':
      return {
        statusCode: answer.statusCode,
        type: INVOKE_CONTENT_TYPES.error,
        value: { code: answer.code, message: answer.message },
      };
  }
}

/** Sets the turn's invoke response; the adapter returns it as the HTTP answer when the turn ends. */
export async function sendInvokeAnswer(context: TurnContext, answer: InvokeAnswer): Promise<void> {
  const activity: Partial<Activity> = {
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: invokeBody(answer) },
  };
  // CloudAdapter records the response under this key as it sends; other adapters (TestAdapter) do not,
  // and teams-ai looks for it to know the invoke was answered.
  context.turnState.set(INVOKE_RESPONSE_KEY, activity);
  await context.sendActivity(activity);
}

/**
 * Teams gives an invoke 5 seconds. Whatever is not done by `timeoutMs` is answered with `late`; the work
 * carries on, and its effect reaches the card through the outbox like any other change.
 */
export async function answerWithin(
  work: Promise<InvokeAnswer>,
  timeoutMs: number,
  late: InvokeAnswer,
): Promise<{ answer: InvokeAnswer; timedOut: boolean }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ answer: InvokeAnswer; timedOut: boolean }>((resolve) => {
    timer = setTimeout(() => resolve({ answer: late, timedOut: true }), timeoutMs);
  });
  try {
    return await Promise.race([work.then((answer) => ({ answer, timedOut: false })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
