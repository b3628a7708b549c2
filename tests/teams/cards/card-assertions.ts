// Checks every card test shares: the Adaptive Cards parser accepts the card without a single event,
// and helpers to find a card's buttons and text.
import { AdaptiveCard as ParsedCard, SerializationContext, ValidationEvent, Versions } from 'adaptivecards';
import type {
  AdaptiveCard,
  CardAction,
  CardElement,
  ActionExecute,
} from '../../../bot/src/teams/cards/adaptive-card-types.js';

/** Parse and validation events of the adaptivecards package, as readable strings; [] when the card is clean. */
export function cardProblems(card: AdaptiveCard): string[] {
  const parsed = new ParsedCard();
  const context = new SerializationContext(Versions.v1_5);
  // Round-trip through JSON: that is what Teams receives.
  parsed.parse(JSON.parse(JSON.stringify(card)), context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse ${ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push(`validate ${ValidationEvent[e.event]}: ${e.message}`);
  }
  return problems;
}

export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

function elementActions(el: CardElement): CardAction[] {
  switch (el.type) {
    case 'ActionSet':
      return el.actions;
    case 'Container':
      return el.items.flatMap(elementActions);
    case 'ColumnSet':
      return el.columns.flatMap((c) => c.items.flatMap(elementActions));
    case 'Table':
      return el.rows.flatMap((r) => r.cells.flatMap((c) => c.items.flatMap(elementActions)));
    default:
      return [];
  }
}

/** Every action of the card, ShowCard contents and body ActionSets included. */
export function allActions(card: Pick<AdaptiveCard, 'body' | 'actions'>): CardAction[] {
  const top = [...(card.actions ?? []), ...card.body.flatMap(elementActions)];
  return top.flatMap((a) => (a.type === 'Action.ShowCard' ? [a, ...allActions(a.card)] : [a]));
}

export function executeActions(card: AdaptiveCard): ActionExecute[] {
  return allActions(card).filter((a): a is ActionExecute => a.type === 'Action.Execute');
}

export function verbs(card: AdaptiveCard): string[] {
  return [...new Set(executeActions(card).map((a) => a.verb))].sort();
}

/** All visible text of the card (text blocks, runs, facts, button titles), one string for `toContain`. */
export function cardText(card: AdaptiveCard): string {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if ((k === 'text' || k === 'title' || k === 'value' || k === 'label') && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(card.body);
  walk(card.actions ?? []);
  return out.join('\n');
}
