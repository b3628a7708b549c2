// Small pieces every card builder shares: text that stays short and inert, times in UTC, severity
// colours, and the elements built from them.
import type { Severity } from '../../domain/types.js';
import type { RiskLevel } from '../../domain/risk.js';
import type {
  ActionOpenUrl,
  CardElement,
  ContainerStyle,
  Fact,
  FactSet,
  RichTextBlock,
  TextBlock,
  TextColor,
  TextRun,
} from './adaptive-card-types.js';
import type { CardHistoryEntry, CardLinks } from './card-views.js';

export const LIMITS = {
  name: 80,
  title: 160,
  line: 240,
  paragraph: 600,
  listItems: 5,
} as const;

/** One line, at most `max` characters, ending in an ellipsis when cut. */
export function clip(text: string, max: number = LIMITS.line): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * For text shown where Teams renders markdown (TextBlock, Fact values): names come from makers and
 * attackers, so a "[click](https://...)" in an agent name must not become a link on a SOC card.
 */
export function inert(text: string, max: number = LIMITS.line): string {
  return clip(text, max).replace(/\]\(/g, ']\u200b(').replace(/</g, '‹').replace(/>/g, '›');
}

/** "a, b, c and 4 more"; "none" when empty. */
export function listWithMore(
  items: readonly string[],
  max: number = LIMITS.listItems,
  itemMax: number = LIMITS.name,
): string {
  if (items.length === 0) return 'none';
  const shown = items.slice(0, max).map((i) => clip(i, itemMax));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** "10:42 UTC" */
export function utcClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2 Mar 2026" */
export function utcDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "2 Mar 2026, 10:42 UTC" */
export function utcDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${utcDate(iso)}, ${utcClock(iso)}`;
}

export function severityColor(severity: Severity | RiskLevel): TextColor {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'attention';
    case 'medium':
      return 'warning';
    case 'low':
      return 'accent';
    default:
      return 'default';
  }
}

export function severityStyle(severity: Severity | RiskLevel): ContainerStyle {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'attention';
    case 'medium':
      return 'warning';
    default:
      return 'emphasis';
  }
}

export const severityLabel = (severity: Severity | RiskLevel): string => severity.toUpperCase();

/** camelCase enum value to words: "truePositive" -> "true positive". */
export function words(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function heading(text: string): TextBlock {
  return { type: 'TextBlock', text, weight: 'bolder', spacing: 'medium', wrap: true };
}

export function note(text: string, color: TextColor = 'default'): TextBlock {
  return { type: 'TextBlock', text, wrap: true, isSubtle: color === 'default', color, spacing: 'small' };
}

/** A line of untrusted text, never read as markdown. */
export function plainLine(runs: (string | TextRun)[], spacing: 'none' | 'small' = 'small'): RichTextBlock {
  return {
    type: 'RichTextBlock',
    spacing,
    inlines: runs.map((r) => (typeof r === 'string' ? { type: 'TextRun', text: r } : r)),
  };
}

export function facts(entries: [title: string, value: string | null | undefined][]): FactSet {
  const list: Fact[] = entries
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0)
    .map(([title, value]) => ({ title, value }));
  return { type: 'FactSet', facts: list, spacing: 'small' };
}

export function openUrl(title: string, url: string): ActionOpenUrl {
  return { type: 'Action.OpenUrl', title, url };
}

export function linkActions(links: CardLinks, what: string): ActionOpenUrl[] {
  return [openUrl(`Open ${what} in Teams`, links.teams), openUrl('Open in browser', links.browser)];
}

const HISTORY_VERB: Record<CardHistoryEntry['action'], (e: CardHistoryEntry) => string> = {
  revokeUser: (e) => `Sessions of ${e.targetName ?? 'the user'} revoked and password reset required`,
  blockAgent: (e) => (e.targetName ? `Agent ${e.targetName} blocked` : 'Agent blocked'),
  unblockAgent: (e) => (e.targetName ? `Agent ${e.targetName} unblocked` : 'Agent unblocked'),
  resolveIncident: (e) => (e.detail ? `Resolved as ${words(e.detail)}` : 'Resolved'),
  assignIncident: (e) => `Assigned to ${e.targetName ?? 'someone'}`,
  notifyMaker: (e) => `Maker of ${e.targetName ?? 'the agent'} notified`,
  approveSubmission: (e) => `Version ${e.targetName ?? ''} approved and published`.replace('  ', ' '),
  rejectSubmission: (e) => `Version ${e.targetName ?? ''} rejected`.replace('  ', ' '),
};

/** "Agent Customer Billing Agent blocked by Adele Vance at 10:42 UTC on 2 Mar 2026" */
export function historyText(entry: CardHistoryEntry): string {
  const what = clip(HISTORY_VERB[entry.action](entry), LIMITS.title);
  const decided = entry.action === 'rejectSubmission' || entry.action === 'approveSubmission';
  const why = decided && entry.detail ? `: ${clip(entry.detail, LIMITS.line)}` : '';
  return `${what} by ${clip(entry.actorName, LIMITS.name)} at ${utcClock(entry.at)} on ${utcDate(entry.at)}${why}`;
}

/** The newest `max` history lines, oldest of them first, under a heading. */
export function historySection(history: readonly CardHistoryEntry[], max = 6): CardElement[] {
  if (history.length === 0) return [];
  const shown = history.slice(-max);
  const hidden = history.length - shown.length;
  return [
    heading('What happened'),
    ...(hidden > 0 ? [note(`${hidden} earlier ${hidden === 1 ? 'action' : 'actions'} in the tab`)] : []),
    ...shown.map((e) => plainLine([{ type: 'TextRun', text: historyText(e), weight: 'bolder', color: 'good' }])),
  ];
}
