// The Microsoft 365 Agents Playground as Agent Warden's local Teams: its configuration (the team's people
// are the Zava personas) and the process `npm start` runs next to the server.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SettingError } from '../../domain/errors.js';
import { stableGuid } from '../../tenant/embedded/tenant-seed.js';
import type { ZavaAlias } from '../../tenant/embedded/zava/ids.js';
import { ZAVA_TENANT_ID, upnOf, userIdOf } from '../../tenant/embedded/zava/ids.js';
import { PLAYGROUND_BOT_ID } from '../bot-endpoint.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The file the playground reads from its working directory; the repository ships one for Megan. */
export const PLAYGROUND_CONFIG_FILE = '.m365agentsplayground.yml';

export interface PlaygroundPerson {
  alias: ZavaAlias;
  givenName: string;
  surname: string;
}

/** The SOC team in the playground: one person per role (responder, admin, viewer), who may act. */
export const PLAYGROUND_PERSONAS: readonly PlaygroundPerson[] = [
  { alias: 'megan', givenName: 'Megan', surname: 'Bowen' },
  { alias: 'adele', givenName: 'Adele', surname: 'Vance' },
  { alias: 'pradeep', givenName: 'Pradeep', surname: 'Gupta' },
];

/**
 * Everyone in the playground's tenant and team. Its schema wants exactly five users besides the current
 * one, so three Zava people without a SOC role fill the team: Griffin (the story's victim), Lee (an auditor
 * with the viewer role) and Nestor (the maker of Customer Billing Agent).
 */
export const PLAYGROUND_PEOPLE: readonly PlaygroundPerson[] = [
  ...PLAYGROUND_PERSONAS,
  { alias: 'griffin', givenName: 'Griffin', surname: 'Cho' },
  { alias: 'lee', givenName: 'Lee', surname: 'Gu' },
  { alias: 'nestor', givenName: 'Nestor', surname: 'Wilke' },
];

/**
 * What to do after `npm start`, printed under the URLs: where the cards appear and what makes one. Without the
 * playground (PLAYGROUND=0, or AUTH=entra), the tab is where the incident shows.
 */
export function nextSteps(playgroundUrl: string | null, tabUrl: string): string {
  const lines = playgroundUrl
    ? [
        `  1. Open ${playgroundUrl}, then the General channel of ${PLAYGROUND_TEAM.name} (the bot registers it).`,
        "  2. In another terminal: npm run simulate (Griffin's attack; the incident card arrives in General).",
        "  3. Click the card's buttons (revoke, block, resolve...). PLAYGROUND_USER=adele|pradeep shows other roles.",
      ]
    : [
        "  1. In another terminal: npm run simulate (Griffin's attack).",
        `  2. Open ${tabUrl} and follow the incident it opens.`,
      ];
  return ['  Next:', ...lines].join('\n');
}

export const PLAYGROUND_TEAM = {
  id: '19:zava-security-operations@thread.tacv2',
  name: 'Zava Security Operations',
  aadGroupId: stableGuid('zava:group:security-operations'),
  /** The playground adds the General channel itself, with the team's id. */
  channels: [{ id: '19:zava-soc-announcements@thread.tacv2', name: 'Announcements' }],
} as const;

/** The Teams user id (29:...) the playground gives a persona. */
export const playgroundUserId = (alias: ZavaAlias) => `29:zava-${alias}`;

/**
 * The ids the playground's built-in configuration (no config file) sends, mapped to the Zava directory by
 * name, so that even then a click is made by someone Agent Warden knows.
 */
export const PLAYGROUND_BUILTIN_AAD_IDS: ReadonlyMap<string, string> = new Map([
  ['00000000-0000-0000-0000-0000000000020', upnOf('alex')],
  ['00000000-0000-0000-0000-0000000000021', upnOf('megan')],
  ['00000000-0000-0000-0000-0000000000022', upnOf('adele')],
  ['00000000-0000-0000-0000-0000000000023', upnOf('isaiah')],
  ['00000000-0000-0000-0000-0000000000024', upnOf('patti')],
  ['00000000-0000-0000-0000-0000000000025', upnOf('lynne')],
]);

/** A PLAYGROUND_USER that is none of the playground team's people. */
export class PlaygroundUserError extends SettingError {}

/** `PLAYGROUND_USER`: an alias, a first name, a full name or a UPN of one of the personas. */
export function playgroundPerson(who: string): PlaygroundPerson {
  const w = who.trim().toLowerCase();
  const found = PLAYGROUND_PERSONAS.find(
    (p) =>
      w === p.alias ||
      w === p.givenName.toLowerCase() ||
      w === `${p.givenName} ${p.surname}`.toLowerCase() ||
      w === upnOf(p.alias),
  );
  if (!found) {
    throw new PlaygroundUserError(
      `PLAYGROUND_USER=${who} is not in the playground's team: use one of ${PLAYGROUND_PERSONAS.map((p) => p.alias).join(', ')}`,
    );
  }
  return found;
}

/** A single-quoted YAML scalar (the style prettier keeps). */
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

function userYaml(p: PlaygroundPerson, indent: string): string {
  const fields: [string, string][] = [
    ['id', playgroundUserId(p.alias)],
    ['name', `${p.givenName} ${p.surname}`],
    ['userPrincipleName', upnOf(p.alias)],
    ['aadObjectId', userIdOf(p.alias)],
    ['givenName', p.givenName],
    ['surname', p.surname],
    ['email', upnOf(p.alias)],
  ];
  return fields.map(([k, v], i) => `${i === 0 ? indent.slice(0, -2) + '- ' : indent}${k}: ${q(v)}`).join('\n');
}

/** The playground configuration with `who` acting (currentUser) and the other personas as members. */
export function playgroundConfigYaml(who: string = 'megan'): string {
  const current = playgroundPerson(who);
  const others = PLAYGROUND_PEOPLE.filter((p) => p !== current);
  const currentLines = userYaml(current, '  ').replace(/^- /, '  ');
  return [
    '# Microsoft 365 Agents Playground configuration (https://aka.ms/teams-toolkit-playground-config).',
    "# The team's SOC people are the Zava personas Megan (responder), Adele (admin) and Pradeep (viewer);",
    '# Griffin, Lee and Nestor fill the five other users the playground requires.',
    '# Generated by bot/src/teams/store/playground.ts; `npm start` writes the same with PLAYGROUND_USER acting.',
    "version: '0.1.1'",
    `tenantId: ${q(ZAVA_TENANT_ID)}`,
    'bot:',
    `  id: ${q(PLAYGROUND_BOT_ID)}`,
    "  name: 'Agent Warden'",
    'currentUser:',
    currentLines,
    'users:',
    ...others.map((p) => userYaml(p, '    ')),
    'personalChat:',
    `  id: ${q(`a:zava-personal-${current.alias}`)}`,
    'groupChat:',
    "  id: '19:zava-soc-leads@thread.v2'",
    "  name: 'SOC leads'",
    'team:',
    `  id: ${q(PLAYGROUND_TEAM.id)}`,
    `  name: ${q(PLAYGROUND_TEAM.name)}`,
    `  aadGroupId: ${q(PLAYGROUND_TEAM.aadGroupId)}`,
    '  channels:',
    ...PLAYGROUND_TEAM.channels.map((c) => `    - id: ${q(c.id)}\n      name: ${q(c.name)}`),
    '',
  ].join('\n');
}

export interface PlaygroundOptions {
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  endpoint: string;
  port: number;
  user: string;
  /** Where the effective configuration and the playground's log go. */
  dataDir: string;
  /** stdio of the child; 'ignore' by default. */
  stdio?: 'ignore' | 'inherit' | 'pipe';
}

export interface RunningPlayground {
  url: string;
  configPath: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the playground against the bot: writes the configuration for `user` under DATA_DIR, disables its
 * telemetry and its browser launch (it must not reach the internet), and waits until its page answers.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const dir = path.join(options.dataDir, 'playground');
  await fs.mkdir(dir, { recursive: true });
  const configPath = path.join(dir, PLAYGROUND_CONFIG_FILE);
  await fs.writeFile(configPath, playgroundConfigYaml(options.user));
  const bin = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const child = spawn(
    process.execPath,
    [bin, '-e', options.endpoint, '-c', 'msteams', '-p', String(options.port), '--disable-telemetry'],
    {
      cwd: dir,
      stdio: options.stdio ?? 'ignore',
      env: {
        ...process.env,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, 'playground.log'),
        TEAMSAPPTESTER_BROWSER: 'none',
        // Its Application Insights client otherwise asks the cloud metadata endpoint (169.254.169.254)
        // whether it runs on an Azure VM, even with telemetry disabled.
        APPLICATION_INSIGHTS_NO_STATSBEAT: '1',
        // Installation activities are what register the team's channel.
        SEND_INSTALLATION_ACTIVITY: 'true',
      },
    },
  );
  // The playground never outlives the process that started it (a test run that fails, npm start stopped).
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    process.removeListener('exit', killChild);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the playground exited with code ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, configPath, process: child, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the playground did not answer on ${url}`);
}
