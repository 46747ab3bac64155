import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startFakeConnector } from '../support/fake-connector';
import { ScaleDataConfig, ScaleDataResult } from './support/scale-data';
import { HTTP_APPS, PROBE_COUNT, REVIEW, REVIEWERS } from './support/scale-plan';
import { directoryBytes, RealServer, startRealServer, StoreTarget } from './support/scale-server';
import { measureTurns, Timing, TurnFigures, wizardOverHttp } from './support/scale-turns';

/**
 * Scale benchmark (issue 15): stores of N submitted applications with a year of votes, reminders,
 * outbox and audit; the real server restarted on each; data size, RSS, restart to `/readyz`, the
 * event loop's longest block and the time of the measured turns against an empty store (only the
 * measured people's own applications) in the same run. All stores are made first; then each
 * server is started and timed in turn, and the turns go to the servers interleaved (each round
 * sends one turn to every server), so the ratios compare the same minutes of the shared machine.
 *
 *   node dist/test/bench/scale-bench.js --sizes 1000,10000,50000 [--store embedded|mongodb]
 *     [--root <checkout whose dist/ runs the server and writes the data>] [--reps 40] [--keep]
 *     [--data <DATA_DIRs kept by --keep, one per size, comma-separated>]
 *
 * --keep copies each made embedded DATA_DIR to <dir>-kept (and <dir>-kept.json, what the data
 * maker reported) before it is measured; --data <dir>-kept measures a copy of such a store
 * instead of making the data again.
 *
 * A report: exits 0 whatever the figures, and prints FAIL next to each target missed.
 */

interface Options {
  sizes: number[];
  store: 'embedded' | 'mongodb';
  root: string;
  reps: number;
  mongoUri: string;
  /** Kept DATA_DIRs to measure (copies of them) instead of making the data, one per size. */
  data?: string[];
}

function parseArgs(argv: string[]): Options {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const store = arg('store') ?? 'embedded';
  if (store !== 'embedded' && store !== 'mongodb')
    throw new Error(`--store must be embedded or mongodb, not ${store}`);
  const sizes = (arg('sizes') ?? '1000').split(',').map((x) => Number(x.replace(/[_\s]/g, '')));
  if (sizes.some((n) => !Number.isInteger(n) || n < PROBE_COUNT))
    throw new Error(`--sizes: whole numbers of at least ${PROBE_COUNT}`);
  const data = arg('data')?.split(',');
  if (data && data.length !== sizes.length)
    throw new Error('--data: one kept DATA_DIR per size, in the order of --sizes');
  return {
    sizes,
    store,
    root: path.resolve(arg('root') ?? path.join(__dirname, '..', '..', '..')),
    reps: Number(arg('reps') ?? 40),
    mongoUri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27027/',
    data: arg('data')
      ?.split(',')
      .map((d) => path.resolve(d)),
  };
}

interface Row {
  size: number;
  label: string;
  dataMs: number;
  made: number;
  failed: Record<string, number>;
  bytes: number;
  readyMs: number;
  rssMb: number;
  peakMb: number;
  lagMs: number;
  /** The machine's 1-minute load average while the turns were measured (2 cores here: shared). */
  load: number;
  /** The event loop's longest block over one /metrics scrape alone (part of lagMs's window too). */
  scrapeLagMs: number;
  turns?: TurnFigures;
  error?: string;
}

function makeData(cfg: ScaleDataConfig): Promise<ScaleDataResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=8192',
        path.join(__dirname, 'support', 'scale-data.js'),
        JSON.stringify(cfg),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ScaleDataResult)
        : reject(new Error(`data maker exited with ${code}`)),
    );
  });
}

async function storeBytes(opts: Options, target: StoreTarget): Promise<number> {
  if (target.dataDir) return directoryBytes(target.dataDir);
  const client = await MongoClient.connect(opts.mongoUri);
  try {
    const st = await client.db(target.mongoDb).stats();
    return Number(st.totalSize ?? Number(st.storageSize ?? 0) + Number(st.indexSize ?? 0));
  } finally {
    await client.close();
  }
}

async function dropTarget(opts: Options, target: StoreTarget): Promise<void> {
  if (target.dataDir) return rmSync(target.dataDir, { recursive: true, force: true });
  const client = await MongoClient.connect(opts.mongoUri);
  await client
    .db(target.mongoDb)
    .dropDatabase()
    .finally(() => client.close());
}

/** A made store waiting to be measured (or the reason it could not be made). */
interface Prepared {
  row: Row;
  target: StoreTarget;
  pending: ScaleDataResult['pending'];
}

/** One store: made (HTTP wizard, then in process), or a copy of a kept one. */
async function prepareSize(
  opts: Options,
  connector: Awaited<ReturnType<typeof startFakeConnector>>,
  size: number,
): Promise<Prepared> {
  const others = size === 0 ? 0 : size - PROBE_COUNT;
  const target: StoreTarget =
    opts.store === 'mongodb'
      ? { mongoUri: opts.mongoUri, mongoDb: `scale_bench_${size}_${process.pid}` }
      : { dataDir: mkdtempSync(path.join(tmpdir(), `pk-scale-${size}-`)) };
  const row: Row = {
    size,
    label: size === 0 ? `empty (${PROBE_COUNT} own)` : size.toLocaleString('en'),
    dataMs: 0,
    made: 0,
    failed: {},
    bytes: NaN,
    readyMs: NaN,
    rssMb: NaN,
    peakMb: NaN,
    lagMs: NaN,
    load: NaN,
    scrapeLagMs: NaN,
  };
  try {
    const t0 = Date.now();
    const keptDir = opts.data?.[opts.sizes.indexOf(size)];
    if (keptDir && size > 0 && target.dataDir) {
      const kept = JSON.parse(readFileSync(`${keptDir}.json`, 'utf8')) as ScaleDataResult & {
        made: number;
      };
      cpSync(keptDir, target.dataDir, { recursive: true });
      Object.assign(row, { made: kept.made, failed: kept.failed });
      return { row, target, pending: kept.pending };
    }
    const httpApps = Math.min(HTTP_APPS, others);
    if (httpApps > 0) {
      const first = await startRealServer(opts.root, target);
      try {
        row.made += await wizardOverHttp(first.url, connector, httpApps, others);
      } finally {
        await first.stop();
      }
    }
    const data = await makeData({ root: opts.root, ...target, others });
    row.made += data.made;
    row.failed = data.failed;
    row.dataMs = Date.now() - t0;
    if (target.dataDir && process.argv.includes('--keep')) {
      // A pristine copy (the measured turns change the store), for --data later.
      cpSync(target.dataDir, `${target.dataDir}-kept`, { recursive: true });
      writeFileSync(`${target.dataDir}-kept.json`, JSON.stringify({ ...data, made: row.made }));
      process.stderr.write(`  kept a copy in ${target.dataDir}-kept (--keep)\n`);
    }
    return { row, target, pending: data.pending };
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
    return { row, target, pending: [] };
  }
}

/**
 * The server restarted on each made store, one after the other (each restart timed alone; the
 * servers started before it stay up, idle), then the turns measured on all of them interleaved
 * (`measureTurns`), then each server's event-loop block, load and memory read and all stopped.
 */
async function measureStores(
  opts: Options,
  connector: Awaited<ReturnType<typeof startFakeConnector>>,
  stores: Prepared[],
): Promise<void> {
  const running: { p: Prepared; server: RealServer }[] = [];
  try {
    for (const p of stores) {
      if (p.row.error) continue;
      try {
        p.row.bytes = await storeBytes(opts, p.target);
        process.stderr.write(
          `  ${p.row.label}: ${p.row.made} applications made in ${(p.row.dataMs / 1000).toFixed(0)} s; restarting the server\n`,
        );
        const server = await startRealServer(opts.root, p.target);
        p.row.readyMs = server.readyMs;
        running.push({ p, server });
      } catch (err) {
        p.row.error = err instanceof Error ? err.message : String(err);
      }
    }
    // Resets each window: only the measured turns count.
    for (const { server } of running) await server.eventLoopMaxMs();
    const figures = await measureTurns(
      running.map(({ p, server }) => ({ url: server.url, pending: p.pending })),
      connector,
      opts.reps,
    );
    const load = loadavg()[0];
    for (const [k, { p, server }] of running.entries()) {
      p.row.turns = figures[k];
      p.row.lagMs = await server.eventLoopMaxMs();
      // What a scrape alone blocks (it counts the outbox by status): read right after the last one.
      p.row.scrapeLagMs = await server.eventLoopMaxMs();
      p.row.load = load;
      Object.assign(p.row, server.memory());
    }
  } finally {
    for (const { server } of running) await server.stop();
  }
}

const fmtMs = (t: Timing | undefined) =>
  t && t.n > 0
    ? `${t.medianMs.toFixed(1)} / ${t.p95Ms.toFixed(1)}${t.failures ? ` (${t.failures} failed)` : ''}`
    : '—';
const ratio = (t: Timing | undefined, base: Timing | undefined) =>
  t && base && t.n > 0 && base.n > 0 ? t.medianMs / base.medianMs : NaN;
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const TURNS: [keyof TurnFigures, string][] = [
  ['myAnna', '`mina ansökningar` (3 own)'],
  ['myOffice', '`mina ansökningar` (office, 220 own)'],
  ['portfolios', '`portföljer 2027`'],
  ['vote', 'review vote'],
  ['complete', '"Komplett"'],
];

function report(opts: Options, rows: Row[]): void {
  const base = rows[0].turns;
  console.log(
    `Scale benchmark: ${opts.store} store, code of ${opts.root}; turns one at a time, interleaved across the stores' servers, median / p95 ms (ratio = median over the empty store's)`,
  );
  console.log(
    `| submitted applications | data on disk | RSS after restart (peak) | restart to /readyz | max event-loop block | ${TURNS.map(([, n]) => n).join(' | ')} |`,
  );
  console.log(`|---|---|---|---|---|${TURNS.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = TURNS.map(
      ([k]) =>
        `${fmtMs(r.turns?.[k])}${r.size === 0 ? '' : ` (${fmtRatio(ratio(r.turns?.[k], base?.[k]))})`}`,
    );
    const mb = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : '—');
    console.log(
      `| ${r.label} | ${Number.isFinite(r.bytes) ? `${(r.bytes / 1e6).toFixed(1)} MB` : '—'} | ${mb(r.rssMb)} (${mb(r.peakMb)}) | ${Number.isFinite(r.readyMs) ? `${(r.readyMs / 1000).toFixed(2)} s` : '—'} | ${Number.isFinite(r.lagMs) ? `${r.lagMs.toFixed(0)} ms` : '—'} | ${cells.join(' | ')} |`,
    );
  }
  for (const r of rows) {
    const failed = Object.entries(r.failed);
    console.log(
      `${r.label}: load average ${r.load.toFixed(1)} while measured; a /metrics scrape alone blocked ${r.scrapeLagMs.toFixed(0)} ms; data made in ${(r.dataMs / 1000).toFixed(0)} s (${r.made} applications${failed.length ? `; not made: ${failed.map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''})${r.error ? `; ERROR: ${r.error}` : ''}`,
    );
  }
  const targets: [string, Row | undefined, boolean][] = [];
  const at = (n: number) => rows.find((r) => r.size === n);
  const r10 = at(10_000);
  if (r10) {
    targets.push(['10,000: RSS after restart < 250 MB', r10, r10.rssMb < 250]);
    targets.push(['10,000: restart to /readyz < 3 s', r10, r10.readyMs < 3000]);
    for (const k of ['myAnna', 'vote', 'complete'] as const)
      targets.push([
        `10,000: ${TURNS.find(([x]) => x === k)![1]} ≤ 1.2× empty store (${fmtRatio(ratio(r10.turns?.[k], base?.[k]))})`,
        r10,
        ratio(r10.turns?.[k], base?.[k]) <= 1.2,
      ]);
    targets.push([
      `10,000: \`portföljer 2027\` < 50 ms (median ${fmtMs(r10.turns?.portfolios)})`,
      r10,
      (r10.turns?.portfolios.medianMs ?? Infinity) < 50,
    ]);
  }
  const r50 = at(50_000);
  if (r50)
    targets.push([
      `50,000: the server starts, in under 5 s${r50.error ? ` (${r50.error.slice(0, 120)})` : ''}`,
      r50,
      r50.readyMs < 5000,
    ]);
  for (const r of rows.filter((x) => x.size > 0))
    if (Number.isFinite(r.lagMs))
      targets.push([
        `${r.label}: no turn blocks the event loop > 50 ms (max ${r.lagMs.toFixed(0)} ms)`,
        r,
        r.lagMs <= 50,
      ]);
  if (targets.length > 0) console.log('Targets (issue 15):');
  for (const [what, , ok] of targets) console.log(`  ${ok ? 'pass' : 'FAIL'}  ${what}`);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const connector = await startFakeConnector();
  connector.setRoster(
    REVIEW,
    REVIEWERS.map((m) => ({ id: m.id, aadObjectId: m.aadObjectId, name: m.name })),
  );
  const stores: Prepared[] = [];
  try {
    for (const size of [0, ...opts.sizes]) {
      process.stderr.write(`scale bench: ${size === 0 ? 'empty store' : `${size} applications`}\n`);
      stores.push(await prepareSize(opts, connector, size));
      connector.reset({ rosters: false });
    }
    await measureStores(opts, connector, stores);
    // Each store's figures as they are (a long report stopped later keeps them).
    for (const { row } of stores) process.stderr.write(`  figures: ${JSON.stringify(row)}\n`);
  } finally {
    await connector.stop();
    for (const { target } of stores) await dropTarget(opts, target).catch(() => undefined);
  }
  const rows = stores.map((p) => p.row);
  report(opts, rows);
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
