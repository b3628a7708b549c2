/**
 * What of a user's prompt is kept for people to read: only for prompts flagged as a jailbreak, bounded, and as plain
 * one-line text (control and bidirectional-override characters dropped, whitespace runs folded). The tab renders it
 * as text, never as markup.
 */
export const PROMPT_EXCERPT_MAX = 500;

// C0/C1 controls, and the bidi overrides and isolates that can make text read differently than it is stored.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function promptExcerpt(text: string | null | undefined, max = PROMPT_EXCERPT_MAX): string | null {
  if (!text) return null;
  // Bounded work whatever the input's size: only a little more than the excerpt is ever scanned.
  const head = text.slice(0, max * 4);
  const clean = head.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  const chars = Array.from(clean);
  const cut = chars.length > max || text.length > head.length;
  return cut
    ? `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`
    : clean;
}
