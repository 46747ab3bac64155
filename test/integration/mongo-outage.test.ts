/**
 * MongoDB outages, against the bot as a process (`node dist/bot/index.js`) and a private FerretDB
 * (scripts/ferretdb.sh with its own FERRETDB_STATE, so the shared server is never touched) that
 * this test stops and starts on the same port.
 *
 * The start-up check needs no server and always runs. The mid-run outage runs under
 * TEST_STORE=mongodb or whenever MONGODB_URI is set (`npm run test:mongodb`, CI's second run):
 * it needs `scripts/ferretdb.sh build` to work (Go and PostgreSQL), which the plain embedded
 * `npm test` does not require. When it runs and FerretDB cannot be built, it fails.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postActivity, personalMessage } from '../support/activities';
import { VALID_STEPS } from '../support/application-fixture';
import { freePort } from '../support/bot-processes';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { ferretdb } from '../support/private-ferretdb';
import {
  appIdOf,
  cardText,
  DEMO_SEED,
  DEMO_TENANT,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
} from '../support/test-app';

const ROOT = path.join(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'dist', 'bot', 'index.js');

const runsHere = process.env.TEST_STORE === 'mongodb' || !!process.env.MONGODB_URI;

/** scripts/ferretdb.sh on this test's own state directory and port. */
function ferret(state: string, port: number, command: 'start' | 'stop' | 'pause' | 'resume'): void {
  ferretdb(state, port, command, 'pk_outage');
}

interface Bot {
  proc: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; ms: number }>;
}

function spawnBot(env: Record<string, string>): Bot {
  const started = Date.now();
  const proc = spawn(process.execPath, ['--no-deprecation', ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOCAL_MODE: 'true', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; ms: number }>((resolve) =>
    proc.once('exit', (code) => resolve({ code, ms: Date.now() - started })),
  );
  return { proc, output: () => out, exit };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function readyz(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
}

const bots: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(ENTRY))
    throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
});
afterAll(() => {
  for (const b of bots) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
});

describe('MongoDB down at start (the bot as a process)', () => {
  it('when MongoDB does not answer at start, then the bot exits non-zero within the timeout with a clear message and no secret', async () => {
    const nobody = await freePort(); // nothing listens there
    const bot = spawnBot({
      DATA_DIR: freshDataDir(),
      MONGODB_URI: `mongodb://projekt:Hemligt-db-42@127.0.0.1:${nobody}/?authSource=admin`,
      MONGODB_DB: 'pk_outage_never',
    });
    bots.push(bot.proc);
    const { code, ms } = await bot.exit;
    const out = bot.output();
    expect(code).toBe(1);
    // It gives up after the driver's server selection timeout (5 s), not after a restart loop;
    // the bound is loose because loading the bot takes seconds on a busy CI machine.
    expect(out).toContain(
      `Cannot use the database: MongoDB at 127.0.0.1:${nobody} did not answer within 5000 ms`,
    );
    expect(ms).toBeLessThan(45_000);
    expect(out).toContain('Projektkontoret cannot start.');
    expect(out).toContain(
      `Check that the MongoDB server in MONGODB_URI (mongodb://127.0.0.1:${nobody}/) is running`,
    );
    expect(out).not.toContain('Hemligt');
    expect(out).not.toMatch(/\n\s+at /); // no stack trace for an operator's problem
    expect(out).not.toMatch(/is listening/);
  }, 60_000);
});

// Needs a FerretDB of its own (see the top of this file).
if (runsHere)
  describe('MongoDB outage mid-run (the bot as a process, a private FerretDB stopped and started)', () => {
    let state: string;
    let port: number;
    let connector: FakeConnector;

    beforeAll(async () => {
      state = mkdtempSync(path.join(tmpdir(), 'pk-ferret-outage-'));
      port = await freePort();
      ferret(state, port, 'start');
      connector = await startFakeConnector();
    }, 300_000);

    afterAll(async () => {
      await connector?.stop();
      if (state) {
        ferret(state, port, 'stop');
        rmSync(state, { recursive: true, force: true });
      }
    }, 60_000);

    it('when MongoDB goes away mid-run, then turns answer "try again shortly" (no 500), /readyz goes red, nothing unsaved is acknowledged, and the bot recovers by itself', async () => {
      const dataDir = freshDataDir();
      const botPort = await freePort();
      const bot = spawnBot({
        DATA_DIR: dataDir,
        PORT: String(botPort),
        SEED_FILE: DEMO_SEED,
        OUTBOX_POLL_MS: '200',
        MONGODB_URI: `mongodb://127.0.0.1:${port}/`,
        MONGODB_DB: 'pk_outage_bot',
      });
      bots.push(bot.proc);
      await until(
        'the bot to listen',
        async () => (bot.output().includes('is listening') ? true : undefined),
        60_000,
      );
      const url = `http://127.0.0.1:${botPort}`;
      const anna = new PersonalChat(url, connector.url, DEMO_USERS.anna);
      const bjorn = new PersonalChat(url, connector.url, DEMO_USERS.bjorn, 'en-US');

      // Before: a saved first step, and a ready instance.
      const opened = await anna.click('application.new');
      const appId = appIdOf(opened.card);
      const saved = await anna.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
      expect(cardText(saved.card)).toContain('Steg 2 av 6');
      expect(await readyz(url)).toBe(200);

      ferret(state, port, 'pause');
      try {
        // The platform takes the instance out of rotation quickly (the probe does not hang).
        const started = Date.now();
        expect(await readyz(url)).toBe(503);
        expect(Date.now() - started).toBeLessThan(5_000);

        // A card click: an answer card that says to try again, never a success, never a 500.
        const during = await anna.click('application.next', { appId, step: 1, ...VALID_STEPS[1] });
        expect(during.status).toBe(200);
        const duringText = cardText(during.card);
        expect(duringText).toMatch(/försök igen om en stund/);
        expect(duringText).not.toContain('Steg 3 av 6');

        // A message: a reply in the user's language, and 200 to Teams.
        connector.reset();
        const conversationId = bjorn.conversationId;
        const res = await postActivity(
          `${url}/api/messages`,
          personalMessage({
            serviceUrl: connector.url,
            tenantId: DEMO_TENANT,
            from: DEMO_USERS.bjorn,
            text: 'help',
            conversationId,
            locale: 'en-US',
          }),
        );
        expect(res.status).toBe(200);
        const reply = await connector.waitFor(
          (c) => c.kind === 'reply' && c.conversationId === conversationId,
          5_000,
        );
        expect(String(reply.activity?.text)).toMatch(/try again shortly/);
        expect(await readyz(url)).toBe(503);
      } finally {
        ferret(state, port, 'resume');
      }

      // After: the driver reconnects on its own; the instance is ready and turns work again.
      await until(
        '/readyz to turn green',
        async () => ((await readyz(url)) === 200 ? true : undefined),
        60_000,
      );
      const resumed = await anna.click('application.continue', { appId });
      const resumedText = cardText(resumed.card);
      // What was saved before the outage is there; the step refused during it was not saved.
      expect(resumedText).toContain('Steg 2 av 6');
      expect(resumedText).toContain(VALID_STEPS[0].title);
      expect(resumedText).not.toContain(VALID_STEPS[1].need);
      const next = await anna.click('application.next', { appId, step: 1, ...VALID_STEPS[1] });
      expect(cardText(next.card)).toContain('Steg 3 av 6');
      connector.reset();
      expect(await bjorn.say('help')).toBe(200);
      const help = await connector.waitFor((c) => c.kind === 'reply', 10_000);
      expect(JSON.stringify(help.activity)).not.toMatch(/try again shortly/);

      const stopped = bot.exit;
      bot.proc.kill('SIGTERM');
      expect((await stopped).code).toBe(0);
    }, 180_000);
  });
