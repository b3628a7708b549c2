import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BENIGN_SET, JAILBREAK_SET, loadLabelledSet } from '../../bot/scripts/detector-report.js';
import { INTENT_EXPRESSIONS } from '../../bot/src/protection/detector/intent.js';
import { JAILBREAK_PATTERNS } from '../../bot/src/protection/jailbreak-patterns.js';
import { scannedTable } from '../../bot/src/protection/pattern-scanner.js';
import { literalPrefixes, literalRequirements } from '../../bot/src/protection/regex-literals.js';
import { normalizeText } from '../../bot/src/protection/text-normalize.js';

// The pattern table is tried only where a pattern's literal prefixes occur. That must find exactly the first
// match a plain `exec` over the whole text finds, for every pattern and every text.

describe('literal prefixes of a regular expression', () => {
  it.each([
    ['\\bignore (?:all )?previous', ['ignore all p', 'ignore previ']], // cut to 12 characters
    ['\\bneither (?:his|her) brother', ['neither her ', 'neither his ']],
    ['\\b(?:act|behave) as\\b', ['act as', 'behave as']],
    ["(?:you(?:'re| are)) now", ['you are now', "you're now"]],
    ['\\bpretend(?:ing)?\\b.{0,20}rules', ['pretend']],
    ['(?<![a-z])dan mode|stan mode', ['dan mode', 'stan mode']],
    ['colou?r', ['color', 'colour']],
    ['(?:ab|abc)d', ['abcd', 'abd']],
    ['(?:ignore|ignores) all', ['ignore all', 'ignores all']],
  ])('%s starts with one of %j', (source, expected) => {
    expect(literalPrefixes(source)?.sort()).toEqual([...expected].sort());
  });

  it.each([
    ['.{0,40}override'], // may start anywhere
    ['(?:a|b)c'], // prefixes shorter than three characters occur everywhere
    ['\\w+ mode'],
    ['[^x]yz'],
    ['(?:foo)?bar|x*baz'],
    ['(a)\\1'], // back-references are not read
  ])('%s has none it can promise', (source) => {
    expect(literalPrefixes(source)).toBeNull();
  });

  it('knows the literals every match contains when the prefixes say too little', () => {
    const rogue = literalRequirements('\\b(?:an?|the) (?:[\\w-]+ )?(?:amoral|unfiltered) (?:bot|ai)\\b');
    expect(rogue.prefixes).toBeNull(); // "a " is in every text
    expect(rogue.required?.sort()).toEqual(['amoral ai', 'amoral bot', 'unfiltered a', 'unfiltered b']);
    expect(literalRequirements('.{0,40}override').required).toEqual(['override']);
    expect(literalRequirements('\\w+ mode').required).toEqual([' mode']);
  });

  it('gives most patterns of the table prefixes, and the others required literals', () => {
    const needs = JAILBREAK_PATTERNS.map((p) => literalRequirements(p.re.source));
    expect(needs.filter((n) => n.prefixes !== null).length).toBeGreaterThan(JAILBREAK_PATTERNS.length * 0.8);
    expect(needs.filter((n) => n.prefixes === null && n.required === null)).toEqual([]);
  });
});

describe('the scanned pattern tables (jailbreak patterns, intent)', () => {
  const tables = [JAILBREAK_PATTERNS.map((p) => p.re), INTENT_EXPRESSIONS].map((expressions) => ({
    expressions,
    table: scannedTable(expressions),
  }));
  const same = (text: string) => {
    for (const { expressions, table } of tables) {
      const starts = table.starts(text);
      expressions.forEach((re, i) => {
        const plain = re.exec(text);
        const scanned = table.exec(i, text, starts);
        expect({ re: re.source.slice(0, 60), at: scanned?.index, match: scanned?.[0] }).toEqual({
          re: re.source.slice(0, 60),
          at: plain?.index,
          match: plain?.[0],
        });
      });
    }
  };

  it('finds the same first match as a plain exec on every prompt of the labelled set', () => {
    const texts = [...loadLabelledSet(JAILBREAK_SET), ...loadLabelledSet(BENIGN_SET)].map(
      (p) => normalizeText(p.text).text,
    );
    let matched = 0;
    for (const text of texts) {
      same(text);
      if (JAILBREAK_PATTERNS.some((p) => p.re.test(text))) matched++;
    }
    expect(matched).toBeGreaterThan(200); // the check saw matches, not only misses
  });

  it('finds the same first match on attacks cut, repeated and mixed with other text', () => {
    const attacks = loadLabelledSet(JAILBREAK_SET).map((p) => normalizeText(p.text).text);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...attacks), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 40 }),
        fc.nat(200),
        (picked, noise, cut) => {
          const joined = picked.join(noise.toLowerCase());
          same(joined.slice(cut % Math.max(1, joined.length)));
          same(`${noise} ${joined}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
