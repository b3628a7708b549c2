import { describe, expect, it } from 'vitest';
import { changedHunks, diffLines } from '../../bot/src/domain/text-diff.js';

const kinds = (before: string, after: string) => diffLines(before, after).map((l) => `${l.kind[0]}:${l.text}`);

describe('line diff of instructions', () => {
  it.each([
    ['an added last line', 'a\nb', 'a\nb\nc', ['s:a', 's:b', 'a:c']],
    ['a removed line', 'a\nb\nc', 'a\nc', ['s:a', 'r:b', 's:c']],
    ['a changed line', 'a\nb\nc', 'a\nB\nc', ['s:a', 'r:b', 'a:B', 's:c']],
    ['an inserted line between kept ones', 'a\nb\nc\nd', 'a\nb\nx\nc\nd', ['s:a', 's:b', 'a:x', 's:c', 's:d']],
    ['from nothing', '', 'a', ['a:a']],
    ['to nothing', 'a', '', ['r:a']],
    ['Windows line ends are lines too', 'a\r\nb', 'a\nb\nc', ['s:a', 's:b', 'a:c']],
  ])('%s', (_name, before, after, expected) => {
    expect(kinds(before, after)).toEqual(expected);
  });

  it('finds moved-around lines with the exact diff in the changed middle', () => {
    expect(kinds('x\na\nb\nc\ny', 'x\nb\nc\na\ny')).toEqual(['s:x', 'r:a', 's:b', 's:c', 'a:a', 's:y']);
  });

  it('shows a huge changed middle as replaced instead of building a huge table (bounded work)', () => {
    const before = Array.from({ length: 2000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 2000 }, (_, i) => `new ${i}`).join('\n');
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind === 'removed')).toHaveLength(2000);
    expect(lines.filter((l) => l.kind === 'added')).toHaveLength(2000);
  });

  it('keeps one line of context around each change and marks what is left out', () => {
    const before = ['1', '2', '3', '4', '5', '6'].join('\n');
    const hunks = changedHunks(diffLines(before, `${before}\nAlways CC finance-archive@outside.example`));
    expect(hunks).toEqual([
      null,
      { kind: 'same', text: '6' },
      { kind: 'added', text: 'Always CC finance-archive@outside.example' },
    ]);
  });
});
