/**
 * Real bot processes (`node dist/bot/index.js`) for tests that need several instances on one
 * database, or a process killed with SIGKILL at a chosen point (PK_CRASH_AT, see
 * services/shared/crash-points.ts). Needs `npm run build` first.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { VALID_STEPS } from './application-fixture';
import { DEMO_SEED } from './test-app';

export const BOT_ENTRY = path.join(__dirname, '..', '..', 'dist', 'bot', 'index.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Resolves with the exit code (null) and signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr (logs, for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<BotProcess>();

/**
 * Starts a bot process on a free port (local mode, the demo seed) with `env` on top, and
 * resolves once it listens. `port` reuses a port (a restart behind the same address).
 */
export async function startBotProcess(
  env: Record<string, string>,
  port?: number,
): Promise<BotProcess> {
  if (!existsSync(BOT_ENTRY)) throw new Error(`${BOT_ENTRY} is missing: run npm run build first`);
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['--no-deprecation', BOT_ENTRY], {
    env: {
      PATH: process.env.PATH,
      LOCAL_MODE: 'true',
      SEED_FILE: DEMO_SEED,
      LOG_LEVEL: 'info',
      PORT: String(p),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const bot: BotProcess = {
    child,
    url: `http://127.0.0.1:${p}`,
    port: p,
    exited,
    output: () => out,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(bot);
    },
  };
  running.add(bot);
  void exited.then(() => running.delete(bot));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bot did not start within 60 s:\n${out.slice(-4000)}`)),
      60_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.length > 2_000_000) out = out.slice(-1_000_000);
      if (/is listening/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`bot exited early (${code ?? signal}):\n${out.slice(-4000)}`));
    });
  });
  return bot;
}

/** Stops every bot process a test started and left running (afterAll). */
export async function stopAllBotProcesses(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop(5_000)));
}

/** A complete draft, as the wizard leaves it on its last step (for quick submits). */
export function completeDraft(id: string, owner: { aadObjectId: string; name: string }, now: Date) {
  return {
    _id: id,
    ownerId: owner.aadObjectId.toLowerCase(),
    ownerName: owner.name,
    status: 'draft' as const,
    inputs: Object.assign({}, ...VALID_STEPS) as Record<string, string>,
    step: VALID_STEPS.length - 1,
    reached: VALID_STEPS.length - 1,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
