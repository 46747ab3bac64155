/**
 * Outbox benchmark: 10,000 reminders to 2,000 people and a few busy channels, through the real
 * delivery path (botbuilder's connector client over HTTP) to a fake Bot Connector that enforces
 * Teams' limits. Reports the time taken against the minimum the limits allow, and checks that
 * nothing was lost, nothing duplicated and no limit ever exceeded.
 *
 *   npm run build && node dist/test/bench/outbox-bench.js
 *
 * Environment: BENCH_MESSAGES (10000), BENCH_USERS (2000), BENCH_CHANNELS (3),
 * BENCH_CHANNEL_MESSAGES (120 per channel), BENCH_APP_RATE (50 per second: Teams' own limit;
 * may be raised to shorten the run, the minimum is then computed from the same limit),
 * BENCH_LATENCY_MS (20), BENCH_IN_FLIGHT (8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BotAdapter, createAuthentication } from '../../bot/adapter';
import { createOutboxDelivery } from '../../bot/outbox-delivery';
import { loadConfig } from '../../services/config/config';
import { createLogger } from '../../services/logging/logger';
import { OutboxSender } from '../../services/outbox/outbox-sender';
import {
  minimumSpanMs,
  TEAMS_PER_CONVERSATION,
  teamsRateLimits,
} from '../../services/outbox/rate-limits';
import { createServices } from '../../services/services';
import { openStore } from '../../services/store/open-store';
import { startFakeConnector } from '../support/fake-connector';
import { limitExcess, markerOf, seedChannel, seedUser } from '../unit/outbox/outbox-test-kit';

export interface OutboxBenchOptions {
  messages: number;
  users: number;
  channels: number;
  channelMessages: number;
  appRatePerSecond: number;
  latencyMs: number;
  maxInFlight: number;
}

export interface OutboxBenchResult extends OutboxBenchOptions {
  /** First to last accepted request at the connector. */
  spanMs: number;
  /** The least time Teams' limits allow for the same messages. */
  minimumSpanMs: number;
  /** minimumSpanMs / spanMs: 1 means as fast as the limits allow. */
  efficiency: number;
  messagesPerSecond: number;
  lost: number;
  duplicated: number;
  /** 429s from the connector's limit enforcer (0: the sender never exceeded a window). */
  throttled: number;
  /** Requests during a running Retry-After. */
  violations: number;
  worstExcessPerConversation: number;
  worstExcessAppWide: number;
  enqueueMs: number;
  totalMs: number;
}

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** Runs the benchmark once and returns its figures. */
export async function runOutboxBench(
  partial: Partial<OutboxBenchOptions> = {},
): Promise<OutboxBenchResult> {
  const o: OutboxBenchOptions = {
    messages: num('BENCH_MESSAGES', 10_000),
    users: num('BENCH_USERS', 2_000),
    channels: num('BENCH_CHANNELS', 3),
    channelMessages: num('BENCH_CHANNEL_MESSAGES', 120),
    appRatePerSecond: num('BENCH_APP_RATE', 50),
    latencyMs: num('BENCH_LATENCY_MS', 20),
    maxInFlight: num('BENCH_IN_FLIGHT', 8),
    ...partial,
  };
  const started = Date.now();
  const appWide = [{ limit: o.appRatePerSecond, windowMs: 1_000 }];
  const connector = await startFakeConnector({
    enforceTeamsLimits: { appWide },
    latencyMs: o.latencyMs,
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pk-outbox-bench-'));
  const env = { LOCAL_MODE: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  const config = loadConfig(env);
  const store = await openStore({ mongoDb: config.mongoDb, dataDir, mongoUri: undefined });
  const s = await createServices(store, {
    clock: () => new Date(),
    log: createLogger('silent'),
    admins: [],
  });
  try {
    const users: string[] = [];
    for (let i = 0; i < o.users; i++) users.push(await seedUser(s, connector.url, i));
    const channels = Array.from(
      { length: o.channels },
      (_, i) => `19:bench-busy-${i}@thread.tacv2`,
    );
    for (const c of channels) await seedChannel(s, connector.url, c);

    // Interleave: the channels' messages spread through the people's, people round-robin.
    const channelTotal = o.channels * o.channelMessages;
    const userTotal = o.messages - channelTotal;
    const every = channelTotal > 0 ? Math.max(1, Math.floor(o.messages / channelTotal)) : Infinity;
    const perConversation = new Map<string, number>();
    const t0 = Date.now();
    let u = 0;
    let c = 0;
    for (let i = 0; i < o.messages; i++) {
      const toChannel = (i % every === 0 && c < channelTotal) || u >= userTotal;
      const id = `bench:${i}`;
      const model = {
        digestId: id,
        day: '2027-03-08',
        items: [
          {
            key: `k${i}`,
            kind: 'draftIdle',
            dueAt: new Date().toISOString(),
            params: { title: `Ansökan ${i}`, since: '2027-03-01' },
            mandatory: false,
          },
        ],
      };
      if (toChannel) {
        const channelId = channels[c++ % channels.length];
        perConversation.set(channelId, (perConversation.get(channelId) ?? 0) + 1);
        await s.outbox.enqueue(
          id,
          { kind: 'channel', channelId },
          { card: { template: 'reminder-digest', model } },
          new Date(),
          new Date(),
          { bulk: true },
        );
      } else {
        const aad = users[u++ % users.length];
        perConversation.set(aad, (perConversation.get(aad) ?? 0) + 1);
        await s.outbox.enqueue(
          id,
          { kind: 'user', aadObjectId: aad },
          { card: { template: 'reminder-digest', model } },
          new Date(),
          new Date(),
          { bulk: true },
        );
      }
    }
    const enqueueMs = Date.now() - t0;

    const sender = new OutboxSender(
      s.outbox,
      createOutboxDelivery(new BotAdapter(createAuthentication(config, {})), s, config),
      () => new Date(),
      s.log,
      { pollMs: 100, limits: teamsRateLimits(o.appRatePerSecond), maxInFlight: o.maxInFlight },
    );
    await sender.drain(15 * 60_000);
    await sender.stop();
    await new Promise((r) => setTimeout(r, o.latencyMs + 50));

    const accepted = connector.sent();
    const seen = new Map<string, number>();
    for (const call of accepted) {
      const id = markerOf(call.activity);
      if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const times = accepted.map((x) => x.at);
    const spanMs = times.length > 1 ? Math.max(...times) - Math.min(...times) : 0;
    const minimum = minimumSpanMs([...perConversation.values()], {
      perConversation: [...TEAMS_PER_CONVERSATION],
      appWide,
    });
    const excess = limitExcess(connector.calls, appWide);
    return {
      ...o,
      spanMs,
      minimumSpanMs: minimum,
      efficiency: spanMs > 0 ? minimum / spanMs : 1,
      messagesPerSecond: spanMs > 0 ? (accepted.length - 1) / (spanMs / 1000) : accepted.length,
      lost: o.messages - seen.size,
      duplicated: [...seen.values()].reduce((n, k) => n + (k - 1), 0),
      throttled: connector.throttled,
      violations: connector.violations,
      worstExcessPerConversation: Math.max(0, excess.perConversation),
      worstExcessAppWide: Math.max(0, excess.appWide),
      enqueueMs,
      totalMs: Date.now() - started,
    };
  } finally {
    await store.close();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One line per figure, for people. */
export function formatOutboxBench(r: OutboxBenchResult): string {
  return [
    `outbox bench: ${r.messages} messages to ${r.users} people and ${r.channels} channels (${r.channelMessages} each)`,
    `  app-wide limit ${r.appRatePerSecond}/s, per conversation 7/1s 8/2s 60/30s 1800/h; connector latency ${r.latencyMs} ms; ${r.maxInFlight} in flight`,
    `  delivered in ${(r.spanMs / 1000).toFixed(1)} s; the limits allow ${(r.minimumSpanMs / 1000).toFixed(1)} s at best → ${(r.efficiency * 100).toFixed(1)} % of the allowed rate (${r.messagesPerSecond.toFixed(1)} msg/s)`,
    `  lost ${r.lost}, duplicated ${r.duplicated}, 429 from the enforcer ${r.throttled}, Retry-After violations ${r.violations}, worst window excess ${r.worstExcessPerConversation}/${r.worstExcessAppWide}`,
    `  enqueue ${(r.enqueueMs / 1000).toFixed(1)} s, total ${(r.totalMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

if (require.main === module) {
  runOutboxBench()
    .then((r) => {
      process.stdout.write(`${formatOutboxBench(r)}\n${JSON.stringify(r)}\n`);
      const ok =
        r.lost === 0 &&
        r.duplicated === 0 &&
        r.violations === 0 &&
        r.throttled === 0 &&
        r.efficiency >= 0.95;
      process.exit(ok ? 0 : 1);
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `outbox bench failed: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
      process.exit(2);
    });
}
