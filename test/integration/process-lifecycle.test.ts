import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { VALID_STEPS } from '../support/application-fixture';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { DEMO_SEED, DEMO_USERS, freshDataDir, PersonalChat } from '../support/test-app';
import { openTestStore, testStoreEnv } from '../support/test-store';

const ENTRY = path.join(__dirname, '..', '..', 'dist', 'bot', 'index.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startBot(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--no-deprecation', ENTRY], {
    env: {
      PATH: process.env.PATH,
      LOCAL_MODE: 'true',
      DATA_DIR: dataDir,
      SEED_FILE: DEMO_SEED,
      PORT: String(port),
      LOG_LEVEL: 'info',
      // Under TEST_STORE=mongodb the process runs on that server, one database per DATA_DIR.
      ...testStoreEnv(dataDir),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bot did not start')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`bot exited early with ${code}`)));
  });
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the bot as a process (npm run serve)', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });

  it('when it gets SIGTERM, then it exits cleanly, and after a restart on the same DATA_DIR the draft is there', async () => {
    const dataDir = freshDataDir();
    const port = await freePort();
    let bot = await startBot(dataDir, port);
    const url = `http://127.0.0.1:${port}`;
    const chat = new PersonalChat(url, connector.url, DEMO_USERS.anna);
    const { card } = await chat.click('application.new');
    const appId = /"appId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card))![1];
    const saved = await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
    expect(JSON.stringify(saved.card)).toContain('Steg 2 av 6');

    const exited = exitOf(bot);
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);

    bot = await startBot(dataDir, port);
    const resumed = await chat.click('application.continue', { appId });
    expect(JSON.stringify(resumed.card)).toContain('Steg 2 av 6');
    expect(JSON.stringify(resumed.card)).toContain(VALID_STEPS[0].title);
    const stopped = exitOf(bot);
    bot.kill('SIGTERM');
    expect(await stopped).toBe(0);
   }, 180_000);

  it('when it is killed with SIGKILL right after acknowledging a step, then the step is not lost', async () => {
    const dataDir = freshDataDir();
    const port = await freePort();
    const bot = await startBot(dataDir, port);
    const chat = new PersonalChat(`http://127.0.0.1:${port}`, connector.url, DEMO_USERS.anna);
    const { card } = await chat.click('application.new');
    const appId = /"appId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card))![1];
    await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
    const exited = exitOf(bot);
    bot.kill('SIGKILL');
    await exited;

    const store = await openTestStore(dataDir);
    const app = await store.collection<{ _id: string; inputs: Record<string, string>; step: number }>('applications').findOne({ _id: appId });
    expect(app?.inputs.title).toBe(VALID_STEPS[0].title);
    expect(app?.step).toBe(1);
    await store.close();
   }, 120_000);
});
