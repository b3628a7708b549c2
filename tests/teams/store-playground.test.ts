// The playground configuration the repository ships, and the one `npm start` writes for PLAYGROUND_USER.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PLAYGROUND_CONFIG_FILE,
  PLAYGROUND_PEOPLE,
  PlaygroundUserError,
  nextSteps,
  playgroundConfigYaml,
  playgroundPerson,
} from '../../bot/src/teams/store/playground.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';

describe('Agents Playground configuration', () => {
  it('the shipped file is the generated one, with Megan acting', () => {
    const shipped = fs.readFileSync(path.resolve(PLAYGROUND_CONFIG_FILE), 'utf8');
    expect(shipped).toBe(playgroundConfigYaml('megan'));
  });

  it('puts the chosen persona in currentUser and everyone else (exactly five) in users', () => {
    const yaml = playgroundConfigYaml('Pradeep');
    const current = yaml.slice(yaml.indexOf('currentUser:'), yaml.indexOf('users:'));
    const users = yaml.slice(yaml.indexOf('users:'), yaml.indexOf('personalChat:'));
    expect(current).toContain(`aadObjectId: '${userIdOf('pradeep')}'`);
    expect(current).toContain("userPrincipleName: 'pradeep@zava.example'");
    expect(users.match(/- id: /g)).toHaveLength(5);
    expect(users).not.toContain('pradeep@zava.example');
    for (const p of PLAYGROUND_PEOPLE.filter((x) => x.alias !== 'pradeep')) {
      expect(users).toContain(`aadObjectId: '${userIdOf(p.alias)}'`);
    }
    expect(yaml).toContain("version: '0.1.1'");
  });

  it('accepts an alias, a first name, a full name or a UPN, and refuses anyone outside the SOC personas', () => {
    for (const who of ['adele', 'Adele', 'Adele Vance', 'ADELE@zava.example'])
      expect(playgroundPerson(who).alias).toBe('adele');
    expect(() => playgroundPerson('griffin')).toThrow(PlaygroundUserError);
    expect(() => playgroundPerson('mallory')).toThrow(/megan, adele, pradeep/);
  });

  it('tells the user what to do after npm start: open General, run npm run simulate, click the card', () => {
    const steps = nextSteps('http://localhost:56150', 'http://localhost:3978/?as=megan@zava.example');
    expect(steps).toContain('http://localhost:56150');
    expect(steps).toContain('General channel');
    expect(steps).toContain('npm run simulate');
    expect(steps).toMatch(/Click the card/);
    const withoutPlayground = nextSteps(null, 'http://localhost:3978/');
    expect(withoutPlayground).toContain('npm run simulate');
    expect(withoutPlayground).toContain('http://localhost:3978/');
    expect(withoutPlayground).not.toContain('General');
  });
});
