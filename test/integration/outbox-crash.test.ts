import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BotAdapter, createAuthentication } from '../../bot/adapter';
import { createOutboxDelivery } from '../../bot/outbox-delivery';
import { loadConfig } from '../../services/config/config';
import { createLogger } from '../../services/logging/logger';
import { OutboxSender } from '../../services/outbox/outbox-sender';
import { createServices } from '../../services/services';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { freshDataDir } from '../support/test-app';
import { openTestStore, testStoreEnv } from '../support/test-store';
import { limitExcess, markerOf } from '../unit/outbox/outbox-test-kit';

const ROOT = path.resolve(__dirname, '..', '..');
const NOW = '2027-03-01T10:00:00+01:00'; // a Monday, in office hours
const USERS = 120;

/** Lets a plain node child require the project's TypeScript (transpiled on the fly, no type check). */
const HOOK = `
const fs = require('fs');
const ts = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'typescript'))});
require.extensions['.ts'] = function (module, filename) {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
  }).outputText;
  module._compile(out, filename);
};
`;

/**
 * The bot in its own process: on the test store of DATA_DIR (embedded, or that directory's
 * database under TEST_STORE=mongodb), with the demo's idle drafts of USERS people (seeded idempotently), it runs the reminder scheduler once and then sends.
 * Prints READY, and STATUS <json> whenever asked on stdin.
 */
const CHILD = `
require('./hook.js');
const R = ${JSON.stringify(ROOT)};
const { createApp } = require(R + '/bot/app.ts');
const { loadConfig } = require(R + '/services/config/config.ts');
const { createLogger } = require(R + '/services/logging/logger.ts');
const kit = require(R + '/test/unit/outbox/outbox-test-kit.ts');
(async () => {
  const env = {
    LOCAL_MODE: 'true', DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '50',
    SCHEDULER_ENABLED: 'false', OUTBOX_LEASE_MS: '1500', OUTBOX_REQUEST_TIMEOUT_MS: '1000',
    ...JSON.parse(process.env.PK_STORE_ENV || '{}'),
  };
  const now = new Date(${JSON.stringify(NOW)});
  const app = await createApp({ config: loadConfig(env), env, port: 0, host: '127.0.0.1', clock: () => now, log: createLogger('silent'), startSender: false, startScheduler: false });
  const s = app.services;
  for (let i = 0; i < ${USERS}; i++) {
    const aad = await kit.seedUser(s, process.env.SERVICE_URL, i);
    await s.applications.insert({
      _id: 'draft-' + i, ownerId: aad, ownerName: 'Person ' + i, status: 'draft', inputs: { title: 'Utkast ' + i },
      step: 1, reached: 1, version: 1, createdAt: '2027-02-01T09:00:00.000Z', updatedAt: '2027-02-01T09:00:00.000Z',
    }).catch(() => undefined);
  }
  const run = await app.scheduler.runOnce();
  process.stdout.write('READY ' + run.digestsQueued + '\\n');
  app.sender.start();
  process.stdin.on('data', async () => {
    const all = await s.outbox.col.find({});
    process.stdout.write('STATUS ' + JSON.stringify(all.map((m) => [m._id, m.status])) + '\\n');
  });
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

interface Child {
  proc: ChildProcess;
  ready: Promise<number>;
  status(): Promise<[string, string][]>;
}

const children: ChildProcess[] = [];

function startChild(dir: string, dataDir: string, serviceUrl: string): Child {
  const proc = spawn(process.execPath, [path.join(dir, 'child.js')], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SERVICE_URL: serviceUrl,
      PK_STORE_ENV: JSON.stringify(testStoreEnv(dataDir)),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  let buf = '';
  let err = '';
  const waiters: ((line: string) => void)[] = [];
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiters.splice(0).forEach((w) => w(line));
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child: no ${prefix} line; stderr: ${err}`)),
        60_000,
      );
      const wait = (line: string) => {
        if (line.startsWith(prefix)) {
          clearTimeout(timer);
          resolve(line.slice(prefix.length).trim());
        } else waiters.push(wait);
      };
      waiters.push(wait);
      proc.once('exit', (code) => code && reject(new Error(`child exited ${code}: ${err}`)));
    });
  return {
    proc,
    ready: next('READY').then(Number),
    status: async () => {
      const p = next('STATUS');
      proc.stdin!.write('?\n');
      return JSON.parse(await p) as [string, string][];
    },
  };
}

const exited = (p: ChildProcess) =>
  new Promise<void>((resolve) =>
    p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve()),
  );

describe('the outbox across a crash (kill -9 during a burst)', () => {
  let connector: FakeConnector;

  beforeAll(async () => {
    // Latency keeps several requests in flight at the moment of the kill.
    connector = await startFakeConnector({ enforceTeamsLimits: true, latencyMs: 40 });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await connector.stop();
  });

  it('when the bot is killed while sending a burst of reminders, then after restart none is sent twice and none is silently lost', async () => {
    const dir = freshDataDir('pk-crash-');
    writeFileSync(path.join(dir, 'hook.js'), HOOK);
    writeFileSync(path.join(dir, 'child.js'), CHILD);
    const dataDir = freshDataDir();

    const first = startChild(dir, dataDir, connector.url);
    expect(await first.ready).toBe(USERS); // one digest per person with an idle draft
    await connector.waitUntil(
      (calls) => calls.filter((c) => c.kind === 'send').length >= 40,
      30_000,
    );
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    const atKill = connector.calls.filter((c) => c.kind === 'send').length;
    expect(atKill).toBeLessThan(USERS);

    // Restart on the same data: the scheduler recomputes the same reminders (same ids: nothing new),
    // the sender takes over the dead instance's claims and judges its interrupted sends.
    const second = startChild(dir, dataDir, connector.url);
    expect(await second.ready).toBe(0);
    let statuses: [string, string][] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      statuses = await second.status();
      if (statuses.every(([, st]) => st !== 'pending' && st !== 'sending')) break;
      if (Date.now() > deadline)
        throw new Error(
          `not settled: ${JSON.stringify(statuses.filter(([, st]) => st === 'pending' || st === 'sending'))}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    second.proc.kill('SIGTERM');
    await exited(second.proc);
    await connector.waitUntil((calls) => calls.every((c) => c.answered), 5000);

    const delivered = new Map<string, number>();
    for (const c of connector.sent()) {
      const id = markerOf(c.activity);
      if (id) delivered.set(id, (delivered.get(id) ?? 0) + 1);
    }
    // Nothing twice.
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    // Every reminder is either known delivered, or visibly uncertain: no silent loss.
    expect(statuses).toHaveLength(USERS);
    const sent = statuses.filter(([, st]) => st === 'sent').map(([id]) => id);
    const uncertain = statuses.filter(([, st]) => st === 'uncertain').map(([id]) => id);
    expect(sent.length + uncertain.length).toBe(USERS);
    for (const id of sent) expect(delivered.get(id)).toBe(1);
    // Only what was really in flight at the kill is uncertain (4 at most in flight); the kill
    // came while the connector held the last request's answer, so there is at least one, and
    // it had in fact arrived: a blind re-send would have duplicated it.
    expect(uncertain.length).toBeGreaterThanOrEqual(1);
    expect(uncertain.length).toBeLessThanOrEqual(4);
    expect(connector.violations).toBe(0);
    expect(
      limitExcess(connector.calls, [{ limit: 50, windowMs: 1000 }]).appWide,
    ).toBeLessThanOrEqual(0);

    // An admin reconciles the uncertain ones with what Teams shows: arrived → confirmed; missing → sent again.
    const env = { LOCAL_MODE: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const store = await openTestStore(dataDir);
    const s = await createServices(store, {
      clock: () => new Date(NOW),
      log: createLogger('silent'),
      admins: [],
    });
    for (const id of uncertain) {
      if (delivered.has(id)) await s.outbox.confirmDelivered(id, 'admin', new Date(NOW));
      else await s.outbox.requeue(id, 'admin', new Date(NOW));
    }
    const config = loadConfig(env);
    const sender = new OutboxSender(
      s.outbox,
      createOutboxDelivery(new BotAdapter(createAuthentication(config, {})), s, config),
      s.clock,
      s.log,
      { pollMs: 50 },
    );
    await sender.drain(30_000);
    await sender.stop();
    const final = await s.outbox.col.find({});
    expect(final.every((m) => m.status === 'sent')).toBe(true);
    const after = new Map<string, number>();
    for (const c of connector.sent()) {
      const id = markerOf(c.activity);
      if (id) after.set(id, (after.get(id) ?? 0) + 1);
    }
    expect(after.size).toBe(USERS);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    await store.close();
  }, 120_000);
});
