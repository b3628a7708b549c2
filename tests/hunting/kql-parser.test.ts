import { describe, expect, it } from 'vitest';
import { KqlError, parseKql } from '../../bot/src/hunting/kql/index.js';

const TABLES = ['AIAgentsInfo', 'AgentsInfo'];
const parse = (text: string) => parseKql(text, TABLES);

describe('KQL parser', () => {
  it('parses a pipeline into operators with their places', () => {
    const q = parse(
      'AIAgentsInfo\n| where AgentStatus == "Published"\n| project AIAgentId, Name = AIAgentName\n| take 5',
    );
    expect(q.body.source).toMatchObject({ kind: 'name', name: 'AIAgentsInfo' });
    expect(q.body.operators.map((o) => [o.kind, o.pos.line, o.pos.column])).toEqual([
      ['where', 2, 3],
      ['project', 3, 3],
      ['take', 4, 3],
    ]);
    const project = q.body.operators[1];
    expect(project?.kind === 'project' && project.columns.map((c) => c.name)).toEqual([null, 'Name']);
  });

  it('gives and binding over or, and comparisons over both', () => {
    const q = parse('AIAgentsInfo | where A == 1 or B == 2 and C == 3');
    const where = q.body.operators[0];
    expect(where?.kind).toBe('where');
    if (where?.kind !== 'where') return;
    expect(where.predicate).toMatchObject({
      kind: 'binary',
      op: 'or',
      left: { kind: 'binary', op: '==' },
      right: { kind: 'binary', op: 'and', left: { op: '==' }, right: { op: '==' } },
    });
  });

  it('parses member and index access on dynamic values', () => {
    const q = parse('AIAgentsInfo | extend K = Action.action.operationDetails["$kind"]');
    const extend = q.body.operators[0];
    if (extend?.kind !== 'extend') throw new Error('expected extend');
    expect(extend.columns[0]?.expr).toMatchObject({
      kind: 'index',
      index: { kind: 'literal', value: '$kind' },
      target: {
        kind: 'member',
        name: 'operationDetails',
        target: { kind: 'member', name: 'action', target: { kind: 'column', name: 'Action' } },
      },
    });
  });

  it('tells tabular lets from scalar lets', () => {
    const q = parse('let cutoff = ago(30d);\nlet Recent = AIAgentsInfo | where Timestamp > cutoff;\nRecent | count');
    expect(q.lets.map((l) => [l.kind, l.name])).toEqual([
      ['let-scalar', 'cutoff'],
      ['let-tabular', 'Recent'],
    ]);
    expect(q.body.source).toMatchObject({ kind: 'name', name: 'Recent' });
  });

  it.each([
    ['AIAgentsInfo | where A !in ("x", "y")', { kind: 'in', op: '!in' }],
    ['AIAgentsInfo | where A in~ ("x")', { kind: 'in', op: 'in~' }],
    ['AIAgentsInfo | where A !has "x"', { kind: 'binary', op: '!has' }],
    ['AIAgentsInfo | where A matches regex "x+"', { kind: 'binary', op: 'matches regex' }],
    ['AIAgentsInfo | where A between (1 .. 5)', { kind: 'between', negated: false }],
    ['AIAgentsInfo | where not(isempty(A))', { kind: 'call', name: 'not' }],
  ])('parses the predicate of %s', (text, shape) => {
    const where = parse(text).body.operators[0];
    expect(where?.kind === 'where' && where.predicate).toMatchObject(shape);
  });

  it('parses join kinds and $left/$right keys', () => {
    const q = parse(
      'AIAgentsInfo | join kind=leftouter (AgentsInfo | project AgentId) on $left.AIAgentId == $right.AgentId',
    );
    const join = q.body.operators[0];
    expect(join).toMatchObject({ kind: 'join', joinKind: 'leftouter', on: [{ left: 'AIAgentId', right: 'AgentId' }] });
  });

  it('keeps operators after a union with the outer query', () => {
    const q = parse('AIAgentsInfo | union (AgentsInfo | project AgentId) | take 3');
    expect(q.body.operators.map((o) => o.kind)).toEqual(['union', 'take']);
  });

  it.each([
    ['AIAgentsInfo\n| where AgentStatus == "Published"\n| summarise count()', 3, 3, "unknown operator 'summarise'"],
    ['AIAgentsInfo | where', 1, 21, 'expected an expression, found the end of the query'],
    ['AIAgentsInfo | where (A == 1', 1, 29, "expected ')', found the end of the query"],
    ['Agents | take 1', 1, 1, "unknown table 'Agents' (known: AIAgentsInfo, AgentsInfo)"],
    [
      'AIAgentsInfo | join kind=outerish AgentsInfo on A',
      1,
      26,
      "unknown join kind 'outerish' (known: innerunique, inner, leftouter, leftanti, leftsemi, rightanti, rightsemi)",
    ],
    ['AIAgentsInfo | order A', 1, 22, "expected 'by', found 'A'"],
    ['let x = 1;', 1, 11, 'the query has no tabular expression (only let statements)'],
    ['AIAgentsInfo | take 1 AgentsInfo', 1, 23, "expected ';' or the end of the query, found 'AgentsInfo'"],
    ['AIAgentsInfo | extend x = dynamic([1, @])', 1, 39, "unexpected character '@'"],
    ['AIAgentsInfo\n| where Timestamp > datetime(not a date)', 2, 30, "'not a date' is not a date and time"],
  ])('points at the error in %j', (text, line, column, detail) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect(error).toMatchObject({ line, column, detail });
  });

  it.each([
    [
      '3,000 parentheses',
      `AIAgentsInfo | where ${'('.repeat(3000)}1${')'.repeat(3000)} == 1`,
      'nests deeper than 64 levels',
    ],
    ['nested sub-queries', `${'('.repeat(2000)}AIAgentsInfo${')'.repeat(2000)}`, 'nests deeper than 64 levels'],
    [
      'a nested dynamic literal',
      `AIAgentsInfo | extend d = dynamic(${'['.repeat(3000)}${']'.repeat(3000)})`,
      'nests deeper than 64',
    ],
    ['unary signs', `AIAgentsInfo | extend x = ${'-'.repeat(3000)}1`, 'nests deeper than 64 levels'],
    [
      'a chain of 6,000 additions',
      `AIAgentsInfo | extend x = ${Array(6000).fill('1').join('+')}`,
      'nest deeper than 256',
    ],
    ['a chain of 4,000 ands', `AIAgentsInfo | where ${Array(4000).fill('true').join(' and ')}`, 'nest deeper than 256'],
    ['a chain of member accesses', `AIAgentsInfo | extend x = d${'.a'.repeat(3000)}`, 'nest deeper than 256'],
  ])('refuses %s with a KqlError at its place, not a stack overflow', (_name, text, message) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect((error as KqlError).message).toContain(message);
    expect((error as KqlError).line).toBe(1);
  });

  it('still parses a chain as long as a real query writes', () => {
    expect(() => parse(`AIAgentsInfo | where ${Array(200).fill('true').join(' and ')}`)).not.toThrow();
  });
});
