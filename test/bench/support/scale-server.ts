import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import path from 'node:path';

/**
 * The real server process of a checkout (`node <root>/dist/bot/index.js`, production flags), as
 * an operator starts it, on a given DATA_DIR or MongoDB database: spawn, time to `/readyz`, RSS
 * from /proc, the event loop's longest block from `/metrics` (prom-client's default
 * `nodejs_eventloop_lag_max_seconds`: monitorEventLoopDelay, reset at each scrape).
 */

export interface StoreTarget {
  dataDir?: string;
  mongoUri?: string;
  mongoDb?: string;
}

export interface RealServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first `/readyz` 200. */
  readyMs: number;
  /** Resident and peak resident memory (MB) now. */
  memory(): { rssMb: number; peakMb: number };
  /** Scrapes /metrics: the longest event-loop delay (ms) since the previous scrape. */
  eventLoopMaxMs(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
  });
}

function procMemory(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, peakMb: NaN };
  }
}

/** Bytes under a directory (the embedded store's files). */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? directoryBytes(p) : st.size;
  }
  return total;
}

/** Starts `<root>/dist/bot/index.js` in local mode with the demo seed and waits for `/readyz`. */
export async function startRealServer(
  root: string,
  target: StoreTarget,
  timeoutMs = 180_000,
): Promise<RealServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['MONGODB_URI', 'MONGODB_DB', 'DATA_DIR', 'MicrosoftAppId', 'NODE_ENV'])
    delete env[k];
  Object.assign(env, {
    LOCAL_MODE: 'true',
    PORT: String(port),
    SEED_FILE: path.join(root, 'deployment', 'seed', 'demo-seed.json'),
    LOG_LEVEL: 'warn',
    METRICS_ENABLED: 'true',
    ...(target.mongoUri
      ? { MONGODB_URI: target.mongoUri, MONGODB_DB: target.mongoDb }
      : { DATA_DIR: target.dataDir }),
  });
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--max-semi-space-size=16',
      '--no-deprecation',
      // Node flags to try (a later V8 flag wins): the same variable the turn benchmarks read.
      ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
      path.join(root, 'dist', 'bot', 'index.js'),
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited !== undefined)
      throw new Error(`server exited with ${exited} before /readyz: ${stderr.trim().slice(-1500)}`);
    if (Number(process.hrtime.bigint() - started) / 1e6 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${timeoutMs / 1000} s`);
    }
    const res = await get(`${url}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  const pid = child.pid!;
  return {
    url,
    pid,
    readyMs,
    memory: () => procMemory(pid),
    async eventLoopMaxMs() {
      const res = await get(`${url}/metrics`);
      const m = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)/m.exec(res.body);
      return m ? Number(m[1]) * 1000 : NaN;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== undefined) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      }),
  };
}
