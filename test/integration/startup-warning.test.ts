import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freshDataDir } from '../support/test-app';
import { testStoreEnv } from '../support/test-store';

const ENTRY = path.join(__dirname, '..', '..', 'dist', 'bot', 'index.js');
const PRODUCTION_SEED = path.join(__dirname, '..', '..', 'deployment', 'seed', 'production-seed.json');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `node dist/bot/index.js` (npm run serve) and returns its log lines once it listens. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; lines: string[] }> {
  const dataDir = freshDataDir();
  const child = spawn(process.execPath, ['--no-deprecation', ENTRY], {
    env: {
      PATH: process.env.PATH,
      LOCAL_MODE: 'true',
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      ...testStoreEnv(dataDir),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${lines.join('\n')}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.includes('is listening'))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`bot exited early with ${code}: ${stderr}`)));
  });
  return { child, lines };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The start-up log lines at level warn (pino: 40) that mention portfolios. */
function portfolioWarnings(lines: string[]): { level: number; msg: string }[] {
  return lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level === 40 && /portfolio/i.test(l.msg));
}

describe('npm run serve on a fresh install', () => {
  beforeAll(() => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
  });

  it('when no SEED_FILE is set and there is no portfolio, then it warns at start how to create the first one', async () => {
    const { child, lines } = await serve({});
    try {
      // The check runs once the app is up, right after "is listening".
      const until = Date.now() + 5000;
      while (portfolioWarnings(lines).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const warnings = portfolioWarnings(lines);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toContain('No portfolio exists');
      expect(warnings[0].msg).toContain('SEED_FILE=deployment/seed/production-seed.json');
      expect(warnings[0].msg).toContain('hantera portföljer');
    } finally {
      await stop(child);
    }
  });

  it('when the production seed is loaded, then there is no such warning', async () => {
    const { child, lines } = await serve({ SEED_FILE: PRODUCTION_SEED });
    try {
      // As long as the first test waits at most for the warning, and then some.
      await new Promise((r) => setTimeout(r, 1000));
      expect(portfolioWarnings(lines)).toEqual([]);
      expect(lines.some((l) => l.includes('seed applied'))).toBe(true);
    } finally {
      await stop(child);
    }
  });
});
