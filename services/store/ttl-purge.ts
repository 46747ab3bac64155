import { Collection, Doc, IndexSpec, TTL_PURGE_INTERVAL_MS } from './store';

/**
 * Runs the purges of a store's time-to-live indexes (IndexSpec.expireAfterSeconds): every
 * `intervalMs`, each registered collection deletes the documents whose field is older than its
 * window, with one indexed range delete. Several instances on one database may purge at once:
 * a delete is idempotent. The timer never keeps the process alive.
 */
export class TtlPurger {
  private readonly jobs = new Map<
    string,
    { col: Collection<Doc>; field: string; seconds: number }
  >();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly intervalMs = TTL_PURGE_INTERVAL_MS,
    private readonly onError: (err: unknown) => void = () => undefined,
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
          total += await col.deleteMany({ [field]: { $lt: cutoff } });
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

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
