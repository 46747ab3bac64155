import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

/** A person in the playground's mock tenant (the CLI's schema requires every field). */
export interface PlaygroundUser {
  /** Bot Framework channel account id, e.g. `user-id-0`; arrives as `from.id`. */
  id: string;
  /** Display name; arrives as `from.name`. */
  name: string;
  /** UPN. The playground's schema spells the field `userPrincipleName` (sic). */
  userPrincipleName: string;
  /** AAD object id; arrives as `from.aadObjectId` and in TeamsInfo member lookups. */
  aadObjectId: string;
  /** Defaults to the first word of `name`. */
  givenName?: string;
  /** Defaults to the rest of `name`. */
  surname?: string;
  /** Defaults to `userPrincipleName`. */
  email?: string;
}

/** Mock tenant, chats and team that one playground instance shows; one per demo user. */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  /** The person using this playground instance (the UI has no user switcher). */
  currentUser: PlaygroundUser;
  /** Exactly five other people: they are members of the group chat and the team. */
  users: PlaygroundUser[];
  /** Conversation id of the 1:1 chat between currentUser and the bot. */
  personalChatId: string;
  groupChat: { id: string; name: string };
  /** The team id is also the General channel's conversation id; at most one more channel. */
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

/** Options for {@link startPlayground}. */
export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botEndpoint: string;
  /** Port for the playground UI and its mock connector; 0 picks a free one. */
  port: number;
  config: PlaygroundConfig;
  /** Directory for the YAML file and the playground's log (created if missing). */
  workDir: string;
  /** Milliseconds to wait for the playground to answer; default 30 000. */
  startTimeoutMs?: number;
  /** IANA zone the playground reports as `localTimezone`; default `TZ` or Europe/Stockholm. */
  timeZone?: string;
}

/** A running playground. */
export interface RunningPlayground {
  /** UI address to open in a browser, e.g. `http://127.0.0.1:56150`. */
  url: string;
  /** Port the playground really listens on (it silently moves to another if the port is taken). */
  port: number;
  /** serviceUrl the playground puts in activities; the bot's replies and proactive sends go here. */
  serviceUrl: string;
  /** Path of the YAML file written for this instance. */
  configPath: string;
  /** Stops the CLI and everything it started. */
  stop(): Promise<void>;
}

const PLAYGROUND_PACKAGE = '@microsoft/m365agentsplayground';
const USER_COUNT = 5;

/** Renders a value as a YAML double-quoted scalar (JSON strings are valid YAML). */
function q(value: string): string {
  return JSON.stringify(value);
}

function fullUser(user: PlaygroundUser): Required<PlaygroundUser> {
  const [first, ...rest] = user.name.trim().split(/\s+/);
  return {
    ...user,
    givenName: user.givenName ?? first ?? user.name,
    surname: user.surname ?? (rest.join(' ') || (first ?? user.name)),
    email: user.email ?? user.userPrincipleName,
  };
}

function userYaml(user: PlaygroundUser, indent: string, first: string): string[] {
  const u = fullUser(user);
  return [
    `${first}id: ${q(u.id)}`,
    `${indent}name: ${q(u.name)}`,
    `${indent}userPrincipleName: ${q(u.userPrincipleName)}`,
    `${indent}aadObjectId: ${q(u.aadObjectId)}`,
    `${indent}givenName: ${q(u.givenName)}`,
    `${indent}surname: ${q(u.surname)}`,
    `${indent}email: ${q(u.email)}`,
  ];
}

function duplicates(ids: string[]): string[] {
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}

/** Throws the same rules the playground CLI enforces, but with a clear message before it starts. */
export function validatePlaygroundConfig(config: PlaygroundConfig): void {
  const problems: string[] = [];
  if (config.users.length !== USER_COUNT) {
    problems.push(`users must hold exactly ${USER_COUNT} people (got ${config.users.length})`);
  }
  if (config.team.channels.length > 1) {
    problems.push('team.channels may hold at most one channel besides General');
  }
  if (config.bot.name.length > 42) problems.push('bot.name may be at most 42 characters');
  const userDupes = duplicates([config.currentUser.id, ...config.users.map((u) => u.id)]);
  if (userDupes.length > 0) problems.push(`user ids must be unique: ${userDupes.join(', ')}`);
  const convDupes = duplicates([
    config.personalChatId,
    config.groupChat.id,
    config.team.id,
    ...config.team.channels.map((c) => c.id),
  ]);
  if (convDupes.length > 0) {
    problems.push(`chat, team and channel ids must be unique: ${convDupes.join(', ')}`);
  }
  for (const u of [config.currentUser, ...config.users]) {
    for (const key of ['id', 'name', 'userPrincipleName', 'aadObjectId'] as const) {
      if (!u[key]) problems.push(`user ${u.id || '?'} lacks ${key}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid playground config: ${problems.join('; ')}`);
}

/** Renders the `.m365agentsplayground.yml` (schema 0.1.1) so the mock data lives in typed code. */
export function buildPlaygroundYaml(config: PlaygroundConfig): string {
  validatePlaygroundConfig(config);
  const lines = [
    '# Generated by scripts/playground.ts; schema: https://aka.ms/teams-app-test-tool-config/0.1.1/config.schema.json',
    'version: "0.1.1"',
    `tenantId: ${q(config.tenantId)}`,
    'bot:',
    `  id: ${q(config.bot.id)}`,
    `  name: ${q(config.bot.name)}`,
    'currentUser:',
    ...userYaml(config.currentUser, '  ', '  '),
    'users:',
    ...config.users.flatMap((u) => userYaml(u, '    ', '  - ')),
    'personalChat:',
    `  id: ${q(config.personalChatId)}`,
    'groupChat:',
    `  id: ${q(config.groupChat.id)}`,
    `  name: ${q(config.groupChat.name)}`,
    'team:',
    `  id: ${q(config.team.id)}`,
    `  name: ${q(config.team.name)}`,
    `  aadGroupId: ${q(config.team.aadGroupId)}`,
    config.team.channels.length === 0 ? '  channels: []' : '  channels:',
    ...config.team.channels.flatMap((c) => [`    - id: ${q(c.id)}`, `      name: ${q(c.name)}`]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the CLI in the child and exits when the parent process is gone. */
const CHILD_BOOTSTRAP = `
const parent = Number(process.env.PLAYGROUND_PARENT_PID);
setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(0); } }, 1000).unref();
const cli = process.env.PLAYGROUND_CLI;
process.argv = [process.execPath, cli, ...process.argv.slice(1)];
require(cli);
`;

function playgroundCli(): string {
  const pkg = require.resolve(`${PLAYGROUND_PACKAGE}/package.json`);
  return path.join(path.dirname(pkg), 'cli.js');
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the CLI runs in its own process group (detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => killTree(child, 'SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    killTree(child, 'SIGTERM');
  });
}

/**
 * Starts one Microsoft 365 Agents Playground (the Teams-like web client) for one demo user,
 * pointed at the bot, and resolves once its UI answers.
 */
export async function startPlayground(options: StartPlaygroundOptions): Promise<RunningPlayground> {
  const { botEndpoint, port, config, workDir } = options;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  await mkdir(workDir, { recursive: true });
  const configPath = path.join(workDir, '.m365agentsplayground.yml');
  await writeFile(configPath, buildPlaygroundYaml(config), 'utf8');

  const cliArgs = ['-e', botEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'];
  // The CLI runs in its own process group so stop() can kill the whole tree; the watchdog ends
  // it when this process dies without calling stop() (Ctrl-C, a crashed test run).
  const child = spawn(process.execPath, ['-e', CHILD_BOOTSTRAP, '--', ...cliArgs], {
    cwd: workDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TZ: options.timeZone ?? process.env.TZ ?? 'Europe/Stockholm',
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'playground.log'),
      PLAYGROUND_CLI: playgroundCli(),
      PLAYGROUND_PARENT_PID: String(process.pid),
    },
  });

  let output = '';
  let actualPort: number | undefined;
  const onData = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8000);
    const match = /Listening on (\d+)/.exec(output);
    if (match && actualPort === undefined) actualPort = Number(match[1]);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`playground exited (${child.exitCode ?? child.signalCode}): ${output}`);
      }
      if (actualPort !== undefined && (await ping(`http://127.0.0.1:${actualPort}/_debug/ping`))) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`playground did not answer within ${timeoutMs} ms: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  }

  const url = `http://127.0.0.1:${actualPort}`;
  if (port !== 0 && actualPort !== port) {
    await stopChild(child);
    throw new Error(`playground port ${port} is taken (the CLI moved to ${actualPort})`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: actualPort as number,
    serviceUrl: `http://localhost:${actualPort}/_connector`,
    configPath,
    stop: () => (stopping ??= stopChild(child)),
  };
}
