import type { AdaptiveCard } from './adaptive-card-types.js';
import { CARD_SCHEMA, CARD_VERSION } from './adaptive-card-types.js';
import { LIMITS, clip, facts, heading, listWithMore, note } from './card-format.js';

export interface HelpCardOptions {
  /** Hunting template ids `hunt` accepts, to list under the commands. */
  huntTemplateIds?: readonly string[];
}

/** The bot's commands. In a channel, mention the bot first. */
export function helpCard(options: HelpCardOptions = {}): AdaptiveCard {
  const templates = options.huntTemplateIds ?? [];
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    fallbackText: 'Agent Warden commands: help, incidents, agent <name>, status, hunt <template>',
    body: [
      { type: 'TextBlock', text: 'Agent Warden', weight: 'bolder', size: 'medium' },
      note('Security operations for AI agents. In a channel, mention @Agent Warden before the command.'),
      heading('Commands'),
      facts([
        ['help', 'This list'],
        ['incidents', 'Open incidents, most severe first'],
        ['agent <name>', "An agent's risk, signals and tools"],
        ['status', 'Whether this channel receives incident cards, and the queue'],
        ['hunt <template>', 'Run a hunting template and show the first rows'],
      ]),
      ...(templates.length > 0
        ? [heading('Hunting templates'), note(clip(listWithMore(templates, 12, LIMITS.name), LIMITS.paragraph))]
        : []),
    ],
  };
}
