import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationDoc } from '../../services/applications/application';
import { VALID_STEPS } from '../support/application-fixture';
import {
  BOT_ENTRY,
  BotProcess,
  completeDraft,
  freePort,
  startBotProcess,
  stopAllBotProcesses,
} from '../support/bot-processes';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { appIdOf, cardText, DEMO_SEED, freshDataDir, PersonalChat } from '../support/test-app';
import { openTestStore, testStoreEnv } from '../support/test-store';

/**
 * The embedded store under the faults a small install meets: the process killed during a burst
 * of submits, a full disk, a read-only DATA_DIR. Nothing acknowledged may be missing, nothing
 * unwritten may be acknowledged, and nobody gets a 500.
 */
const person = (i: number) => ({
  id: `29:f${i}`,
  aadObjectId: `00000000-0000-4000-8000-${String(700 + i).padStart(12, '0')}`,
  name: `Person ${i}`,
});
const regNoIn = (card: unknown): string | undefined => /PK \d{4}\/\d{4}/.exec(cardText(card))?.[0];
const readyz = async (url: string) =>
  (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;

/** Mounts a small tmpfs at `dir` (root only); false where this machine does not allow it. */
function mountTmpfs(dir: string, sizeKb: number): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]).status === 0;
}
const umount = (dir: string) => spawnSync('umount', ['-l', dir]);

describe('embedded store faults', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await stopAllBotProcesses();
    await connector.stop();
  });

  it('when the process is killed with SIGKILL during a burst of submits, then every acknowledged submit is there after the restart, with its number', async () => {
    const dataDir = freshDataDir('pk-burst-kill-');
    const env = { DATA_DIR: dataDir, OUTBOX_POLL_MS: '100', ...testStoreEnv(dataDir) };
    const people = Array.from({ length: 60 }, (_, i) => person(i));
    const store = await openTestStore(dataDir);
    const now = new Date();
    for (const [i, p] of people.entries()) {
      await store
        .collection<ApplicationDoc>('applications')
        .insertOne(completeDraft(`burst-${i}`, p, now) as ApplicationDoc);
    }
    await store.close();

    let bot: BotProcess = await startBotProcess(env);
    const acknowledged = new Map<string, string>();
    const clicks = people.map((p, i) =>
      new PersonalChat(bot.url, connector.url, p)
        .click('application.submit', { appId: `burst-${i}` })
        .then(
          (r) => {
            const regNo = regNoIn(r.card);
            if (r.status === 200 && regNo) acknowledged.set(`burst-${i}`, regNo);
            if (acknowledged.size === 15) bot.child.kill('SIGKILL');
          },
          () => undefined, // the connection the kill cut: not acknowledged
        ),
    );
    await Promise.all(clicks);
    expect((await bot.exited).signal).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(15);
    expect(acknowledged.size).toBeLessThan(people.length);

    bot = await startBotProcess(env, bot.port);
    await bot.stop();
    const after = await openTestStore(dataDir);
    const apps = await after
      .collection<ApplicationDoc>('applications')
      .find({ status: 'submitted' });
    const stored = new Map(apps.map((a) => [a._id, a.regNo]));
    for (const [id, regNo] of acknowledged) expect(stored.get(id)).toBe(regNo);
    // Numbers stay gapless: the submits that were not acknowledged took none or keep theirs.
    const seqs = apps.map((a) => a.regSeq!).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await after.close();
  }, 180_000);

  // The cases below start their bots without MONGODB_URI: they test the embedded store on
  // every pass, also when the suite runs on MongoDB.
  it('when the disk holding DATA_DIR fills up, then a step answers "nothing new was saved" with a 200, what was saved stays, and the bot carries on once there is room', async () => {
    const dataDir = freshDataDir('pk-disk-full-');
    const mounted = mountTmpfs(dataDir, 6 * 1024);
    // Without the right to mount, a size cap on the database gives the same SQLite error (SQLITE_FULL).
    const env: Record<string, string> = { DATA_DIR: dataDir, OUTBOX_POLL_MS: '100' };
    if (!mounted) env.EMBEDDED_MAX_MB = '3';
    try {
      const bot = await startBotProcess(env);
      const anna = new PersonalChat(bot.url, connector.url, person(90));
      const opened = await anna.click('application.new');
      const appId = appIdOf(opened.card);
      const saved = await anna.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
      expect(cardText(saved.card)).toContain('Steg 2 av 6');

      const filler = path.join(dataDir, 'filler.bin');
      if (mounted) {
        // Fill the file system to the last block.
        const chunk = Buffer.alloc(64 * 1024, 1);
        try {
          for (let i = 0; i < 10_000; i++) writeFileSync(filler, chunk, { flag: 'a' });
        } catch {
          /* ENOSPC: full */
        }
        try {
          for (let i = 0; i < 10_000; i++)
            writeFileSync(filler, Buffer.alloc(512, 1), { flag: 'a' });
        } catch {
          /* ENOSPC: full to the block */
        }
      } else {
        // Grow the database to its cap with drafts of long texts until a step is refused.
        const other = new PersonalChat(bot.url, connector.url, person(91));
        for (let i = 0; i < 400; i++) {
          const r = await other.click('application.new');
          if (/försök igen om en stund/.test(cardText(r.card))) break;
        }
      }
      const long = { ...VALID_STEPS[1], need: `${VALID_STEPS[1].need} ${'Behov. '.repeat(2000)}` };
      const during = await anna.click('application.next', { appId, step: 1, ...long });
      expect(during.status).toBe(200);
      expect(cardText(during.card)).toMatch(/försök igen om en stund/);
      if (mounted) expect(await readyz(bot.url)).toBe(503);

      if (mounted) rmSync(filler);
      else {
        await bot.stop();
        delete env.EMBEDDED_MAX_MB;
      }
      const again = mounted ? bot : await startBotProcess(env, bot.port);
      const resumed = await anna.click('application.continue', { appId });
      // What was saved before is there; the refused step was not saved.
      expect(cardText(resumed.card)).toContain('Steg 2 av 6');
      expect(cardText(resumed.card)).not.toContain('Behov. Behov.');
      const next = await anna.click('application.next', { appId, step: 1, ...VALID_STEPS[1] });
      expect(cardText(next.card)).toContain('Steg 3 av 6');
      expect(await readyz(again.url)).toBe(200);
      await again.stop();
    } finally {
      if (mounted) umount(dataDir);
    }
  }, 180_000);

  it('when DATA_DIR is read-only at start, then the bot says so and exits 1 without a stack trace', async () => {
    const dataDir = freshDataDir('pk-read-only-');
    const mounted = mountTmpfs(dataDir, 1024);
    try {
      if (mounted) execFileSync('mount', ['-o', 'remount,ro', dataDir]);
      else execFileSync('chmod', ['0500', dataDir]);
      const run = spawnSync(process.execPath, ['--no-deprecation', BOT_ENTRY], {
        env: {
          PATH: process.env.PATH,
          LOCAL_MODE: 'true',
          SEED_FILE: DEMO_SEED,
          DATA_DIR: dataDir,
          PORT: String(await freePort()),
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Projektkontoret cannot start.');
      expect(run.stderr).toMatch(/DATA_DIR is read-only or not writable by this process/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      if (mounted) umount(dataDir);
      else execFileSync('chmod', ['0700', dataDir]);
    }
  }, 90_000);
});
