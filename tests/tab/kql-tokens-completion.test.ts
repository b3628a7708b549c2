import { describe, expect, it } from 'vitest';
import { completeKql, MAX_ITEMS } from '../../src/components/kql-editor/kql-completion.js';
import { tokenizeKql, type KqlSchema, type KqlTokenKind } from '../../src/components/kql-editor/kql-tokens.js';

const schema: KqlSchema = {
  tables: [
    {
      name: 'AIAgentsInfo',
      columns: [
        { name: 'AIAgentId', type: 'string' },
        { name: 'AIAgentName', type: 'string' },
        { name: 'AgentToolsDetails', type: 'dynamic' },
        { name: 'Timestamp', type: 'datetime' },
      ],
    },
    {
      name: 'IdentityInfo',
      columns: [
        { name: 'AccountObjectId', type: 'string' },
        { name: 'AccountDisplayName', type: 'string' },
      ],
    },
  ],
};

/** The non-blank tokens as `kind:text`. */
const kinds = (text: string) =>
  tokenizeKql(text, schema)
    .filter((t) => t.kind !== 'whitespace')
    .map((t) => `${t.kind}:${t.text}`);

describe('tokenizeKql', () => {
  it('covers the text exactly, whitespace included', () => {
    const text = 'AIAgentsInfo\n| where AIAgentName has "x" // note\n| take 5';
    expect(
      tokenizeKql(text, schema)
        .map((t) => t.text)
        .join(''),
    ).toBe(text);
  });

  it.each<[string, string[]]>([
    [
      'AIAgentsInfo | where AIAgentName has "Sales" and Timestamp > ago(30d)',
      [
        'table:AIAgentsInfo',
        'pipe:|',
        'keyword:where',
        'column:AIAgentName',
        'operator:has',
        'string:"Sales"',
        'operator:and',
        'column:Timestamp',
        'operator:>',
        'function:ago',
        'punctuation:(',
        'number:30d',
        'punctuation:)',
      ],
    ],
    [
      'T | mv-expand Tool = AgentToolsDetails | project-reorder Tool',
      [
        'identifier:T',
        'pipe:|',
        'keyword:mv-expand',
        'identifier:Tool',
        'operator:=',
        'column:AgentToolsDetails',
        'pipe:|',
        'keyword:project-reorder',
        'identifier:Tool',
      ],
    ],
    // A minus between names is a subtraction; `!has` and `in~` are one operator; a member after `.` is no keyword.
    [
      'a-b !has x in~ (1) Tool.action.where',
      [
        'identifier:a',
        'operator:-',
        'identifier:b',
        'operator:!has',
        'identifier:x',
        'operator:in~',
        'punctuation:(',
        'number:1',
        'punctuation:)',
        'identifier:Tool',
        'punctuation:.',
        'identifier:action',
        'punctuation:.',
        'identifier:where',
      ],
    ],
    [
      `@"C:\\dir" 'it''s' h"secret" "a\\"b" 0x1F 1.5e3`,
      [
        'string:@"C:\\dir"',
        "string:'it'",
        "string:'s'",
        'string:h"secret"',
        'string:"a\\"b"',
        'number:0x1F',
        'number:1.5e3',
      ],
    ],
    [
      'summarize count() by bin(Timestamp, 1h)',
      [
        'keyword:summarize',
        'function:count',
        'punctuation:(',
        'punctuation:)',
        'keyword:by',
        'function:bin',
        'punctuation:(',
        'column:Timestamp',
        'punctuation:,',
        'number:1h',
        'punctuation:)',
      ],
    ],
    [
      '// all of it\nlet x = 1;',
      ['comment:// all of it', 'keyword:let', 'identifier:x', 'operator:=', 'number:1', 'punctuation:;'],
    ],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it('marks an unclosed string as open, up to the end of its line', () => {
    const [first, , second] = tokenizeKql('"abc\n"de');
    expect(first).toMatchObject({ kind: 'string' as KqlTokenKind, text: '"abc', open: true });
    expect(second).toMatchObject({ kind: 'string', text: '"de', open: true });
  });
});

const labels = (text: string, caret = text.length) => completeKql(text, caret, schema)?.items.map((i) => i.label);

describe('completeKql', () => {
  it('offers tables where a query starts, narrowed by what is typed', () => {
    expect(labels('')).toEqual(['AIAgentsInfo', 'IdentityInfo']);
    expect(labels('Ide')).toEqual(['IdentityInfo']);
    const c = completeKql('AIAg | take 1', 4, schema);
    expect(c).toMatchObject({ from: 0, to: 4, context: 'table' });
    expect(labels('let x = ')).toEqual(['AIAgentsInfo', 'IdentityInfo']);
    expect(labels('let x = 1;\nId')).toEqual(['IdentityInfo']);
  });

  it('offers tabular operators after a pipe', () => {
    const c = completeKql('AIAgentsInfo | ', 15, schema);
    expect(c?.context).toBe('operator');
    expect(c?.items.map((i) => i.label)).toContain('mv-expand');
    expect(labels('AIAgentsInfo | project-r')).toEqual(['project-rename', 'project-reorder']);
    expect(completeKql('AIAgentsInfo | project- | take 1', 23, schema)).toMatchObject({ from: 15, to: 23 });
    expect(labels('AIAgentsInfo | mv')).toEqual(['mv-apply', 'mv-expand', 'mvexpand']);
    expect(c?.items.find((i) => i.label === 'where')?.insert).toBe('where ');
  });

  it("offers the pipeline's table's columns in an operator's arguments, with what it added first", () => {
    expect(labels('IdentityInfo | where ')).toEqual(['AccountObjectId', 'AccountDisplayName']);
    expect(labels('AIAgentsInfo | where AIAgentN')).toEqual(['AIAgentName']);
    // Names that start with the word first, then names that contain it.
    expect(labels('AIAgentsInfo | extend Tools = array_length(AgentToolsDetails) | where T')).toEqual([
      'Tools',
      'Timestamp',
      'AIAgentId',
      'AIAgentName',
      'AgentToolsDetails',
    ]);
    // Inside a call the pipeline is still AIAgentsInfo's.
    expect(labels('AIAgentsInfo | where strlen(AIAgentN')).toEqual(['AIAgentName']);
    // A join's subquery starts anew: first a table, then that table's columns.
    expect(labels('AIAgentsInfo | join kind=inner (')).toEqual(['AIAgentsInfo', 'IdentityInfo']);
    expect(labels('AIAgentsInfo | join kind=inner (IdentityInfo | where Acc')).toEqual([
      'AccountObjectId',
      'AccountDisplayName',
    ]);
    expect(
      labels('AIAgentsInfo | join (IdentityInfo) on $left.AIAgentId == $right.AccountObjectId | project Acc'),
    ).toEqual(['AccountObjectId', 'AccountDisplayName']);
  });

  it('replaces the whole word at the caret', () => {
    const text = 'AIAgentsInfo | where AIAgentName == "x"';
    const c = completeKql(text, 25, schema);
    expect(c).toMatchObject({ from: 21, to: 32, context: 'column' });
    expect(c?.items[0]?.label).toBe('AIAgentId');
  });

  it('offers nothing inside a string or a comment', () => {
    expect(completeKql('AIAgentsInfo | where AIAgentName == "AI', 39, schema)).toBeNull();
    expect(completeKql('AIAgentsInfo // AI', 18, schema)).toBeNull();
  });

  it('quotes column names that are not identifiers and caps the list', () => {
    const odd: KqlSchema = {
      tables: [
        {
          name: 'T',
          columns: [
            { name: 'odd name', type: 'string' },
            ...Array.from({ length: 80 }, (_, i) => ({ name: `c${i}`, type: 'long' })),
          ],
        },
      ],
    };
    const c = completeKql('T | project ', 12, odd);
    expect(c?.items[0]).toMatchObject({ label: 'odd name', insert: "['odd name']" });
    expect(c?.items).toHaveLength(MAX_ITEMS);
  });
});
