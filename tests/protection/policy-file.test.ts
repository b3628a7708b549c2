import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_FILE,
  POLICY_RULE_IDS,
  PolicyFileError,
  loadProtectionPolicy,
  parseProtectionPolicy,
} from '../../bot/src/protection/protection-policy.js';
import type { PolicyRuleId } from '../../bot/src/protection/protection-policy.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aw-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shipped = (): Record<string, unknown> => structuredClone(JSON.parse(JSON.stringify(loadProtectionPolicy())));

/** The policy document as plain JSON, loose enough to be broken on purpose. */
interface Doc {
  [key: string]: unknown;
  rules: Record<PolicyRuleId, Record<string, unknown>> & Record<string, Record<string, unknown> | undefined>;
  persistentJailbreak: Record<string, unknown>;
}

function withChange(edit: (p: Doc) => void): Record<string, unknown> {
  const p = shipped() as Doc;
  edit(p);
  return p;
}

describe('the shipped policy file', () => {
  it('is config/protection-policy.json at the repository root and validates', () => {
    expect(DEFAULT_POLICY_FILE.endsWith(path.join('config', 'protection-policy.json'))).toBe(true);
    const p = loadProtectionPolicy();
    expect(p.tenantDomains).toContain('zava.example');
    expect(Object.keys(p.rules).sort()).toEqual([...POLICY_RULE_IDS].sort());
    expect(p.rules.burst.maxCalls).toBeGreaterThan(0);
    expect(p.persistentJailbreak.minFlagged).toBeGreaterThan(0);
  });
});

describe('policy file validation: a bad file names the file and the field', () => {
  it.each<{ name: string; doc: unknown; message: RegExp }>([
    {
      name: 'burst.maxCalls zero',
      doc: withChange((p) => (p.rules.burst.maxCalls = 0)),
      message: /^bad\.json: rules\.burst\.maxCalls: expected a positive integer$/m,
    },
    {
      name: 'burst.maxCalls not a number',
      doc: withChange((p) => (p.rules.burst.maxCalls = '5')),
      message: /bad\.json: rules\.burst\.maxCalls: expected a positive integer/,
    },
    {
      name: 'missing burst.windowMinutes',
      doc: withChange((p) => delete p.rules.burst.windowMinutes),
      message: /bad\.json: rules\.burst\.windowMinutes: missing/,
    },
    {
      name: 'unknown mode',
      doc: withChange((p) => (p.rules.exfiltration.mode = 'warn')),
      message: /bad\.json: rules\.exfiltration\.mode: expected "block", "alert" or "off"/,
    },
    {
      name: 'a rule left out',
      doc: withChange((p) => Reflect.deleteProperty(p.rules, 'maker-mcp-write')),
      message: /bad\.json: rules\.maker-mcp-write: missing/,
    },
    {
      name: 'a per-agent mode that is not a mode',
      doc: withChange((p) => (p.rules.exfiltration.byAgent = [{ agents: ['a1'], mode: 'enforce' }])),
      message: /bad\.json: rules\.exfiltration\.byAgent\[0\]\.mode: expected "block", "alert" or "off"/,
    },
    {
      name: 'a per-agent entry without agents',
      doc: withChange((p) => (p.rules.burst.byAgent = [{ agents: [], mode: 'block' }])),
      message: /bad\.json: rules\.burst\.byAgent\[0\]\.agents: expected at least one agent id/,
    },
    {
      name: 'an agent named in two per-agent entries',
      doc: withChange(
        (p) =>
          (p.rules['rug-pull'].byAgent = [
            { agents: ['a1', 'a2'], mode: 'block' },
            { agents: ['a2'], mode: 'off' },
          ]),
      ),
      message: /bad\.json: rules\.rug-pull\.byAgent\[1\]\.agents\[0\]: agent "a2" is already in entry 0/,
    },
    {
      name: 'a "*" entry before others',
      doc: withChange(
        (p) =>
          (p.rules.exfiltration.byAgent = [
            { agents: '*', mode: 'alert' },
            { agents: ['a1'], mode: 'block' },
          ]),
      ),
      message: /bad\.json: rules\.exfiltration\.byAgent\[0\]\.agents: the "\*" entry must be the last one/,
    },
    {
      name: '"*" inside a list',
      doc: withChange((p) => (p.rules.exfiltration.byAgent = [{ agents: ['a1', '*'], mode: 'block' }])),
      message: /bad\.json: rules\.exfiltration\.byAgent\[0\]\.agents\[1\]: write "agents": "\*"/,
    },
    {
      name: 'a misspelt rule',
      doc: withChange((p) => (p.rules['exfiltraton'] = { mode: 'block' })),
      message: /bad\.json: rules: unknown field "exfiltraton"/,
    },
    {
      name: 'a tenant domain that is not a domain',
      doc: withChange((p) => (p.tenantDomains = ['zava.example', 'not a domain'])),
      message: /bad\.json: tenantDomains\[1\]: expected a domain name/,
    },
    {
      name: 'no tenant domain',
      doc: withChange((p) => (p.tenantDomains = [])),
      message: /bad\.json: tenantDomains: expected at least one domain/,
    },
    {
      name: 'a deny-list entry that is neither address nor domain',
      doc: withChange((p) => (p.denyList = ['evil'])),
      message: /bad\.json: denyList\[0\]: expected an address/,
    },
    {
      name: 'injection threshold above 1',
      doc: withChange((p) => (p.rules['injection-in-data'].threshold = 1.5)),
      message: /bad\.json: rules\.injection-in-data\.threshold: expected a number between 0 and 1/,
    },
    {
      name: 'persistentJailbreak window negative',
      doc: withChange((p) => (p.persistentJailbreak.windowMinutes = -5)),
      message: /bad\.json: persistentJailbreak\.windowMinutes: expected a positive integer/,
    },
    { name: 'not an object', doc: [1, 2], message: /bad\.json: \(document\): / },
  ])('$name', ({ doc, message }) => {
    expect(() => parseProtectionPolicy(doc, 'bad.json')).toThrow(PolicyFileError);
    expect(() => parseProtectionPolicy(doc, 'bad.json')).toThrow(message);
  });

  it('lists every problem, one per line', () => {
    const doc = withChange((p) => {
      p.rules.burst.maxCalls = 0;
      p.rules.exfiltration.mode = 'sometimes';
    });
    const err = (() => {
      try {
        parseProtectionPolicy(doc, 'bad.json');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message.split('\n')).toHaveLength(2);
  });

  it('a file with broken JSON', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "tenantDomains": ["zava.example"], ');
    expect(() => loadProtectionPolicy(file)).toThrow(/broken\.json: not valid JSON/);
  });

  it('a missing file', () => {
    expect(() => loadProtectionPolicy(path.join(dir, 'nowhere.json'))).toThrow(
      /nowhere\.json: cannot read the policy file \(ENOENT\)/,
    );
  });

  it('a file on disk with a bad field', () => {
    const file = path.join(dir, 'protection-policy.json');
    writeFileSync(file, JSON.stringify(withChange((p) => (p.rules.burst.maxCalls = 2.5))));
    expect(() => loadProtectionPolicy(file)).toThrow(
      /protection-policy\.json: rules\.burst\.maxCalls: expected a positive integer/,
    );
  });

  it('defaults: optional parameters may be left out', () => {
    const p = parseProtectionPolicy(
      withChange((d) => {
        delete d.denyList;
        delete d.sensitiveTools;
        d.rules.exfiltration = { mode: 'alert' };
        d.rules['injection-in-data'] = { mode: 'block' };
      }),
      'x.json',
    );
    expect(p.denyList).toEqual([]);
    expect(p.rules.exfiltration).toEqual({ mode: 'alert', injectionCounts: true });
    expect(p.rules['injection-in-data'].threshold).toBe(0.5);
    expect(p.sensitiveTools.capabilities).toEqual(['email', 'message', 'http']);
  });
});
