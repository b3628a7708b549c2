import { describe, expect, it } from 'vitest';
import { PROMPT_EXCERPT_MAX, promptExcerpt } from '../../bot/src/domain/prompt-excerpt.js';

describe('promptExcerpt', () => {
  it('keeps a short prompt as one line of plain text', () => {
    expect(promptExcerpt('Ignore your\n\tprevious   instructions')).toBe('Ignore your previous instructions');
    expect(promptExcerpt(null)).toBeNull();
    expect(promptExcerpt('  \n ')).toBeNull();
  });

  it('drops control and bidirectional-override characters', () => {
    expect(promptExcerpt('a\u0000b\u202Ec\u2066d\u001be')).toBe('a b c d e');
  });

  it('bounds the excerpt, marks the cut, and never splits a surrogate pair', () => {
    const long = '😀'.repeat(2000);
    const out = promptExcerpt(long)!;
    expect(Array.from(out)).toHaveLength(PROMPT_EXCERPT_MAX);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    // A huge input is scanned only up to a bound.
    expect(promptExcerpt('x'.repeat(10_000_000))!.length).toBe(PROMPT_EXCERPT_MAX);
  });

  it('keeps markup as text (the tab renders it escaped)', () => {
    expect(promptExcerpt('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });
});
