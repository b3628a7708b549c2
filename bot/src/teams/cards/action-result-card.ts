import type { AdaptiveCard, ContainerStyle } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import { LIMITS, clip, linkActions, plainLine } from './card-format.js';
import type { ActionResultCardView, ActionResultOutcome } from './card-views.js';

const STYLE: Record<ActionResultOutcome, ContainerStyle> = {
  done: 'good',
  noop: 'emphasis',
  denied: 'attention',
  failed: 'warning',
};

/** The answer to an action when there is no subject card to return (or it could not be built). */
export function actionResultCard(view: ActionResultCardView): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: `${clip(view.title, LIMITS.title)}: ${clip(view.message, LIMITS.line)}`,
    body: [
      {
        type: 'Container',
        style: STYLE[view.outcome],
        bleed: true,
        items: [{ type: 'TextBlock', text: clip(view.title, LIMITS.title), weight: 'bolder', wrap: true }],
      },
      plainLine([clip(view.message, LIMITS.paragraph)]),
      ...(view.links ? [{ type: 'ActionSet' as const, actions: linkActions(view.links, 'details') }] : []),
    ],
  };
}
