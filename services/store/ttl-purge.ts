import { Collection, Doc, IndexSpec, TTL_PURGE_INTERVAL_MS } from './store';

/**
 * How many expired documents one delete takes at most: the embedded store works synchronously.
 * A backlog of 50,000 processed activities in one delete held its event loop for about 370 ms;
 * in batches of 250, with a turn for other work between them, the longest wait was 14-48 ms
 * (two runs on a shared 2-core machine; the whole purge 0.7-1.4 s).
 */
export const TTL_PURGE_BATCH = 250;

/**
 * Runs the purges of a store's time-to-live indexes (IndexSpec.expireAfterSeconds): every
 * `intervalMs`, each registered collection deletes the documents whose field is older than its
 * window, with indexed deletes of at most `batch` documents each. Several instances
 * on one database may purge at once: a delete is idempotent. The timer never keeps the process
 * alive.
 */
export class TtlPurger {
  private readonly jobs = new Map<
    string,
    { col: Collection<Doc>; field: string; seconds: number }
  >();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly intervalMs = TTL_PURGE_INTERVAL_MS,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly batch = TTL_PURGE_BATCH,
  ) {}

  /** Registers a TTL index; the first purge runs at once (in the background). */
  add(col: Collection<Doc>, spec: IndexSpec): void {
    if (spec.expireAfterSeconds === undefined) return;
    if (spec.fields.length !== 1)
      throw new Error(`store: a TTL index has one field, not ${spec.fields.join(', ')}`);
    this.jobs.set(`${col.name}.${spec.fields[0]}`, {
      col,
      field: spec.fields[0],
      seconds: spec.expireAfterSeconds,
    });
    if (!this.timer) {
      this.timer = setInterval(() => void this.purgeNow(), this.intervalMs);
      this.timer.unref();
    }
    void this.purgeNow();
  }

  /**
   * Purges every registered collection now, judged at `at` (default: the purger's clock);
   * returns how many documents went.
   */
  async purgeNow(at?: Date): Promise<number> {
    while (this.running) await this.running;
    let total = 0;
    const run = (async () => {
      for (const { col, field, seconds } of this.jobs.values()) {
        const cutoff = new Date((at ?? this.now()).getTime() - seconds * 1000).toISOString();
        try {
          total += await this.purgeOne(col, field, cutoff);
        } catch (err) {
          this.onError(err);
        }
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
    return total;
  }

  /**
   * Deletes a collection's documents whose field is before `cutoff`, a batch at a time: the ids of
   * up to `batch` of them (by the index, unsorted: a sort would read the whole backlog on
   * MongoDB), then a delete of those still expired.
   */
  private async purgeOne(col: Collection<Doc>, field: string, cutoff: string): Promise<number> {
    const expired = { [field]: { $lt: cutoff } };
    let total = 0;
    while (!this.stopped) {
      const ids = (await col.findReadonly(expired, { limit: this.batch })).map((d) => d._id);
      if (ids.length === 0) break;
      total += await col.deleteMany({ _id: { $in: ids }, ...expired });
      if (ids.length < this.batch) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return total;
  }

  /** Stops the timer, and a purge under way after its current delete. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
