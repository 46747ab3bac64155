/**
 * Support for test/integration/multi-instance.test.ts: three bot processes on one MongoDB
 * database, an App-shaped handle whose `url` moves to the next instance on every use (so the
 * helpers written for one in-process app spread their requests over all three), and figures
 * over the requests the fake connector received.
 */
import type { App } from '../../bot/app';
import { createLogger } from '../../services/logging/logger';
import { createServices, Services } from '../../services/services';
import { MongoStore } from '../../services/store/mongo-store';
import { BotProcess, startBotProcess } from './bot-processes';
import { RecordedCall } from './fake-connector';

export interface Cluster {
  bots: BotProcess[];
  services: Services;
  store: MongoStore;
  /** An App-shaped handle over all instances: each read of `url` is the next instance's. */
  roundRobin: App;
  /** An App-shaped handle on one instance (its own url, the shared services). */
  on(i: number): App;
  close(): Promise<void>;
}

/** Starts `n` bot processes on database `db` (the first alone, so the demo seed is loaded once). */
export async function startCluster(
  uri: string,
  db: string,
  n: number,
  env: Record<string, string>,
): Promise<Cluster> {
  const common = { MONGODB_URI: uri, MONGODB_DB: db, ...env };
  const first = await startBotProcess(common);
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => startBotProcess(common)));
  const bots = [first, ...rest];
  const store = await MongoStore.connect(uri, db);
  const services = await createServices(store, {
    clock: () => new Date(),
    log: createLogger('silent'),
    admins: [],
  });
  let next = 0;
  const roundRobin = {
    get url() {
      return bots[next++ % bots.length].url;
    },
    services,
  } as unknown as App;
  return {
    bots,
    services,
    store,
    roundRobin,
    on: (i) => ({ url: bots[i].url, services }) as unknown as App,
    close: async () => {
      await Promise.all(bots.map((b) => b.stop()));
      await store.close();
    },
  };
}

/** The most requests in any sliding window of `windowMs` (each request opens a window). */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Requests that count against Teams' limits, by conversation (every one, answered 429 or not). */
export function countedByConversation(calls: RecordedCall[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of calls) {
    if (!['send', 'reply', 'update', 'delete'].includes(c.kind) || !c.conversationId) continue;
    const key = c.conversationId;
    out.set(key, [...(out.get(key) ?? []), c.at]);
  }
  return out;
}
