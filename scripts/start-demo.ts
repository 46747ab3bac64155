import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { App, createApp } from '../bot/app';
import { loadConfig } from '../services/config/config';
import { createLogger } from '../services/logging/logger';
import { demoPeople, demoPlaygroundConfigs, readDemoSeed, seedFilePath } from './demo-config';
import { startDemoServer } from './demo-server';
import { RunningPlayground, startPlayground } from './playground';

const BASE_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);
const DEMO_PORT = Number(process.env.DEMO_PORT ?? 3980);
const line = '─'.repeat(78);

/**
 * `npm start`: the bot on the embedded store with the demo seed, and the demo page (one browser
 * window, every demo person, one shared team; see docs/demo.md).
 * `npm run start:playground`: the bot plus one Microsoft 365 Agents Playground per demo person
 * instead (the playground has no user switcher and each instance only sees its own traffic).
 */
async function main(): Promise<void> {
  const playgroundMode = process.argv.includes('--playground');
  const root = path.resolve(__dirname, '..', '..');
  const env: NodeJS.ProcessEnv = {
    LOCAL_MODE: 'true',
    DATA_DIR: path.join(root, 'data'),
    SEED_FILE: seedFilePath(),
    LOG_LEVEL: 'warn',
    // The Playground always reports en-US; the demo speaks Swedish (`language english` switches).
    ...(playgroundMode ? { LOCALE_OVERRIDE: 'sv' } : {}),
    ...process.env,
  };
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  const app: App = await createApp({ config, env, log, host: '127.0.0.1' });
  const botEndpoint = `${app.url}/api/messages`;
  if (!playgroundMode) {
    await startPage(app, botEndpoint, config.dataDir);
    return;
  }
  const playgrounds: RunningPlayground[] = [];
  const configs = demoPlaygroundConfigs();
  const workRoot = path.join(config.dataDir, 'playground');
  mkdirSync(workRoot, { recursive: true });
  for (const [i, pc] of configs.entries()) {
    playgrounds.push(
      await startPlayground({
        botEndpoint,
        port: BASE_PORT + i,
        config: pc,
        workDir: path.join(workRoot, `user-${i + 1}`),
      }),
    );
  }

  const out: string[] = [
    '',
    line,
    ' Projektkontoret demo is running (LOCAL MODE: no Bot Connector auth – never use in production)',
    line,
    ` Bot:        ${botEndpoint}   (store: ${config.dataDir}, health: ${app.url}/healthz)`,
    " Open one Agents Playground per person (each is that person's Teams):",
  ];
  configs.forEach((pc, i) => {
    const seedRoles = rolesOf(pc.currentUser.aadObjectId);
    out.push(`   ${playgrounds[i].url.padEnd(26)} ${pc.currentUser.name.padEnd(18)} ${seedRoles}`);
  });
  out.push(
    '',
    ' Try: in the personal chat write "ny ansökan" (or "hjälp"). The team "' +
      configs[0].team.name +
      '" has the',
    ' General channel (project office) and the review channel; @mention Projektkontoret there.',
    ' Stop with Ctrl-C. Data survives restarts in ./data (delete it to start over).',
    line,
    '',
  );
  process.stdout.write(out.join('\n'));

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const p of playgrounds) await p.stop().catch(() => undefined);
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** The demo page: the bot's Bot Connector and a Teams-like page with a person switcher. */
async function startPage(app: App, botEndpoint: string, dataDir: string): Promise<void> {
  const seed = readDemoSeed();
  const demo = await startDemoServer({
    botEndpoint,
    tenantId: seed.tenantId,
    team: { id: seed.team.id, name: seed.team.name, channels: seed.team.channels },
    people: demoPeople(),
    port: DEMO_PORT,
    stateFile: path.join(dataDir, 'demo-teams.json'),
  });
  await demo.installAll();
  const out: string[] = [
    '',
    line,
    ' Projektkontoret demo is running (LOCAL MODE: no Bot Connector auth – never use in production)',
    line,
    ` Open ${demo.url} in your browser: Teams for six people, one click to switch person.`,
    ` Bot:        ${botEndpoint}   (store: ${dataDir}, health: ${app.url}/healthz)`,
    '',
  ];
  for (const p of demoPeople()) out.push(`   ${p.name.padEnd(18)} ${rolesOf(p.aadObjectId)}`);
  out.push(
    '',
    ' Try: as Anna, write "ny ansökan" in the chat with Projektkontoret. As Björn (project office),',
    ' mark it complete in General; the review group meets it in Beredningsgrupp.',
    ' Stop with Ctrl-C. Data survives restarts in ./data (delete it to start over).',
    line,
    '',
  );
  process.stdout.write(out.join('\n'));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await demo.stop().catch(() => undefined);
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function rolesOf(aad: string): string {
  const labels: Record<string, string> = {
    admin: 'projektkontoret (admin)',
    coach: 'projektcoach',
    reviewer: 'ledamot i beredningsgruppen',
    chair: 'ordförande',
    it: 'IT-funktionen',
    decisionMaker: 'beslutsfattare',
  };
  const seed = readDemoSeed();
  const roles = seed.users.find((u) => u.aadObjectId === aad)?.roles ?? [];
  return roles.length ? roles.map((r) => labels[r] ?? r).join(', ') : 'sökande';
}

main().catch((err: unknown) => {
  process.stderr.write(
    `The demo could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
