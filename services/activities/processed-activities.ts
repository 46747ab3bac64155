import { Collection, isDuplicateKey, Store } from '../store/store';

interface ProcessedActivity {
  _id: string;
  status: 'processing' | 'done';
  /** Wall-clock start of the turn (tests and demos set the app clock): the TTL field. */
  startedAt: string;
  leaseUntil: string;
}

/** The answer a turn gave: its HTTP status and, for an invoke, the JSON body as sent. */
export interface TurnAnswer {
  status: number;
  json?: string;
}

export type ClaimResult =
  { kind: 'claimed' } | { kind: 'duplicate'; response?: TurnAnswer } | { kind: 'in-progress' };

/**
 * Answers are kept for redeliveries up to this many bytes of JSON in all (the oldest go first).
 * They are kept as text: a card as an object graph would be hundreds of live objects each, and
 * thousands of them make every garbage collection slower.
 */
const RECENT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * How long an activity is remembered (from when its turn started): 7 days, far past Teams'
 * redelivery, which comes within minutes. The store deletes older records by itself (a TTL
 * index on `startedAt`), so the collection holds about a week of turns, not all of history.
 */
export const PROCESSED_ACTIVITY_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Remembers which Teams activities were handled, so a redelivered one has no second effect. */
export class ProcessedActivities {
  private readonly col: Collection<ProcessedActivity>;

  constructor(
    store: Store,
    private readonly leaseMs = 60_000,
    private readonly wall: () => Date = () => new Date(),
  ) {
    this.col = store.collection<ProcessedActivity>('processedActivities');
  }

  /** Answers given recently, for redelivered invokes; a redelivery after a restart gets a short notice instead. */
  private readonly recent = new Map<string, TurnAnswer>();
  private recentBytes = 0;

  /** The TTL index: records older than PROCESSED_ACTIVITY_TTL_SECONDS are purged by the store. */
  async init(): Promise<void> {
    await this.col.ensureIndex({
      fields: ['startedAt'],
      expireAfterSeconds: PROCESSED_ACTIVITY_TTL_SECONDS,
    });
  }

  /**
   * Claims the activity for this turn; a crashed turn's claim can be taken over after the lease.
   * `now` is the app clock (for the lease); the record's age is counted on the wall clock.
   */
  async claim(key: string, now: Date): Promise<ClaimResult> {
    const leaseUntil = new Date(now.getTime() + this.leaseMs).toISOString();
    const startedAt = this.wall().toISOString();
    try {
      await this.col.insertOne({ _id: key, status: 'processing', startedAt, leaseUntil });
      return { kind: 'claimed' };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.col.findOne({ _id: key });
    if (existing?.status === 'done') return { kind: 'duplicate', response: this.recent.get(key) };
    const taken = await this.col.findOneAndUpdate(
      { _id: key, status: 'processing', leaseUntil: { $lt: now.toISOString() } },
      { $set: { leaseUntil, startedAt } },
    );
    return taken ? { kind: 'claimed' } : { kind: 'in-progress' };
  }

  async complete(key: string, answer?: TurnAnswer | null): Promise<void> {
    await this.col.findOneAndUpdate({ _id: key }, { $set: { status: 'done' } });
    if (!answer) return;
    const size = answer.json?.length ?? 0;
    const old = this.recent.get(key);
    if (old) this.recentBytes -= old.json?.length ?? 0;
    this.recent.delete(key);
    this.recent.set(key, answer);
    this.recentBytes += size;
    for (const [k, v] of this.recent) {
      if (this.recentBytes <= RECENT_MAX_BYTES || k === key) break;
      this.recent.delete(k);
      this.recentBytes -= v.json?.length ?? 0;
    }
  }

  /** Lets a failed turn be retried by the next redelivery. */
  async release(key: string): Promise<void> {
    await this.col.deleteMany({ _id: key, status: 'processing' });
  }
}
