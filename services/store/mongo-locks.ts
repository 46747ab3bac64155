import { createHash, randomUUID } from 'node:crypto';
import { Collection as MongoCollection, MongoServerError, ObjectId } from 'mongodb';
import { Gate, openGate } from './mongo-gate';

/**
 * A unique-index refusal, however the server words it: MongoDB's E11000 (code 11000, or 11001
 * from old servers), and FerretDB v1's update path, which passes PostgreSQL's unique_violation
 * (SQLSTATE 23505) through as code 1 "InternalError" (see docs/ferretdb.md).
 */
export function isServerDuplicate(err: unknown): err is MongoServerError {
  if (!(err instanceof MongoServerError)) return false;
  if (err.code === 11000 || err.code === 11001) return true;
  return (
    err.code === 1 &&
    /SQLSTATE 23505|duplicate key value violates unique constraint/.test(err.message)
  );
}

const lockTimeout = (key: string) =>
  new Error(`store: could not lock ${key} in time (held by another update)`);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LockDoc {
  _id: string;
  /** The locked key: `<collection>/<hash of the document _id>`. */
  k: string;
  /** The lock's generation: whoever inserted the highest one for k holds it (until it expires). */
  g: number;
  until: Date;
  owner: string;
}

export interface HeldLock {
  key: string;
  id: string;
  until: number;
}

/**
 * Per-document locks for servers whose updates are not atomic (FerretDB v1). The only atomic
 * step such a server offers is an insert refused by the unique `_id`; a lock is the document
 * `<key>#<generation>`. Whoever inserted the highest generation of a key holds it until it
 * expires; a holder releases by deleting its own document. A crashed holder's document expires
 * after `ttlMs` and the next taker inserts the next generation (nobody deletes another's lock,
 * which on FerretDB would race: its delete is also read-then-delete). See docs/ferretdb.md.
 */
export class DocLocks {
  private readonly owner = randomUUID();
  /**
   * Keys this process holds or is taking, with the updates of this process waiting for each
   * (first come, first served): only one update per process asks the server for a key, and a
   * lock with time left is handed straight to the next waiting update here.
   */
  private readonly local = new Map<string, ((handed: HeldLock | null) => void)[]>();
  /** Releases still talking to the server (close waits for them). */
  readonly releasing = new Set<Promise<void>>();

  constructor(
    private readonly col: MongoCollection<LockDoc>,
    readonly ttlMs: number,
    private readonly gate: Gate = openGate,
  ) {}

  private takeLocal(key: string): boolean {
    if (this.local.has(key)) return false;
    this.local.set(key, []);
    return true;
  }

  /** Frees the key here, or lets the next waiting update of this process have it. */
  private passLocal(key: string, handed: HeldLock | null): void {
    const next = this.local.get(key)?.shift();
    if (next) next(handed);
    else this.local.delete(key);
  }

  /** The lock, or null when someone (here or in another process) holds it now. */
  async tryAcquire(key: string): Promise<HeldLock | null> {
    if (!this.takeLocal(key)) return null;
    try {
      const held = await this.tryServer(key);
      if (!held) this.passLocal(key, null);
      return held;
    } catch (err) {
      this.passLocal(key, null);
      throw err;
    }
  }

  private async tryServer(key: string): Promise<HeldLock | null> {
    const [latest] = await this.gate(() =>
      this.col.find({ k: key }).sort({ g: -1 }).limit(1).toArray(),
    );
    if (latest && latest.until.getTime() > Date.now()) return null;
    const g = latest ? latest.g + 1 : 1;
    const until = Date.now() + this.ttlMs;
    const id = `${key}#${g}`;
    try {
      await this.gate(() =>
        this.col.insertOne({ _id: id, k: key, g, until: new Date(until), owner: this.owner }),
      );
    } catch (err) {
      if (isServerDuplicate(err)) return null;
      throw err;
    }
    return { key, id, until };
  }

  /** Waits for the lock until `deadline` (ms since the epoch). */
  async acquire(key: string, deadline: number): Promise<HeldLock> {
    if (!this.takeLocal(key)) {
      const handed = await this.waitLocal(key, deadline);
      if (handed) return handed;
    }
    try {
      for (let attempt = 0; ; attempt++) {
        const held = await this.tryServer(key);
        if (held) return held;
        if (Date.now() > deadline) throw lockTimeout(key);
        await sleep(backoff(attempt));
      }
    } catch (err) {
      this.passLocal(key, null);
      throw err;
    }
  }

  /**
   * Waits in this process's queue for the key until `deadline`: then the update gives up as it
   * would waiting for another process (an update here that never finished, say a request to a
   * server that stopped answering, must not hold every later update of the document for ever).
   */
  private waitLocal(key: string, deadline: number): Promise<HeldLock | null> {
    const queue = this.local.get(key)!;
    return new Promise<HeldLock | null>((resolve, reject) => {
      const waiter = (handed: HeldLock | null) => {
        clearTimeout(timer);
        resolve(handed);
      };
      const timer = setTimeout(
        () => {
          const at = queue.indexOf(waiter);
          if (at < 0) return; // already handed the key
          queue.splice(at, 1);
          reject(lockTimeout(key));
        },
        Math.max(0, deadline - Date.now()),
      );
      queue.push(waiter);
    });
  }

  /** True while enough of the lock's time is left to start a write under it. */
  fresh(held: HeldLock): boolean {
    return held.until - Date.now() > this.ttlMs / 2;
  }

  /** Releases without making the caller wait for the server. */
  release(held: HeldLock): void {
    if (this.local.get(held.key)?.length && this.fresh(held)) {
      this.passLocal(held.key, held);
      return;
    }
    const done = (async () => {
      try {
        // A lock that outlived its time is left alone: someone may hold a newer generation, and
        // deleting this one could let a third party take a generation that is already taken.
        if (Date.now() < held.until) await this.gate(() => this.col.deleteOne({ _id: held.id }));
      } catch {
        // It expires by itself.
      } finally {
        this.passLocal(held.key, null);
      }
    })();
    this.releasing.add(done);
    void done.finally(() => this.releasing.delete(done));
  }
}

/** The lock key of a document on FerretDB: the collection and a hash of its _id (ids may name people). */
export function lockKeyOf(collection: string, id: unknown): string {
  const raw = id instanceof ObjectId ? id.toHexString() : String(id);
  return `${collection}/${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}`;
}

/** A few ms, growing, with jitter, so waiting updates do not march in step. */
function backoff(attempt: number): number {
  return Math.min(40, 2 + attempt * 3) * (0.5 + Math.random());
}
