import { Collection as MongoCollection, MongoClient, ObjectId } from 'mongodb';
import {
  applyUpdate,
  assertNoUndefined,
  dropUndefined,
  normaliseUpdate,
  upsertSeed,
  withIdTiebreak,
} from './semantics';
import {
  Collection,
  Doc,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  Store,
  TallyRow,
  Update,
} from './store';
import { boundedGate, Gate, openGate } from './mongo-gate';
import { ensureMongoIndex } from './mongo-indexes';
import { DocLocks, HeldLock, isServerDuplicate, LockDoc, lockKeyOf } from './mongo-locks';
import { TtlPurger } from './ttl-purge';

export { isServerDuplicate, lockKeyOf } from './mongo-locks';

function wrap(name: string, err: unknown): never {
  if (isServerDuplicate(err)) throw new DuplicateKeyError(name, err.message);
  throw err;
}

/** How many candidates a locked findOneAndUpdate fetches per look. */
const CANDIDATES = 16;

class MongoBackedCollection<T extends Doc> implements Collection<T> {
  constructor(
    public readonly name: string,
    private readonly col: MongoCollection<Doc>,
    private readonly dbName: string,
    private readonly locks: DocLocks | null,
    private readonly opTimeoutMs: number,
    private readonly ttl: TtlPurger,
    private readonly gate: Gate,
  ) {}

  async insertOne(doc: T): Promise<void> {
    try {
      await this.gate(() => this.col.insertOne(dropUndefined(doc) as Doc));
    } catch (err) {
      wrap(this.name, err);
    }
  }

  async findOne(filter: Filter): Promise<T | null> {
    assertNoUndefined(filter, this.name);
    return (await this.gate(() => this.col.findOne(filter as never))) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    assertNoUndefined(filter, this.name);
    let cursor = this.col.find(filter as never);
    if (options.sort) cursor = cursor.sort(withIdTiebreak(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await this.gate(() => cursor.toArray())) as T[];
  }

  /** MongoDB's documents are the caller's own already. */
  findReadonly(filter: Filter, options: FindOptions = {}): Promise<readonly Readonly<T>[]> {
    return this.find(filter, options);
  }

  async count(filter: Filter): Promise<number> {
    assertNoUndefined(filter, this.name);
    return this.gate(() => this.col.countDocuments(filter as never));
  }

  /**
   * One `$group` per accumulator: FerretDB 1.24 computes only the first accumulator of a
   * `$group` and gives 0 for the others (docs/ferretdb.md), so the count and each sum are asked
   * for apart and joined by their group key.
   */
  async tally(filter: Filter, by: string[], sum: string[] = []): Promise<TallyRow[]> {
    assertNoUndefined(filter, this.name);
    const _id = Object.fromEntries(by.map((f, i) => [`k${i}`, `$${f}`]));
    const run = (acc: unknown) =>
      this.gate(() =>
        this.col
          .aggregate<{ _id?: Record<string, unknown>; v: unknown }>([
            { $match: filter },
            { $group: { _id, v: acc } },
          ])
          .toArray(),
      );
    const [counts, ...sums] = await Promise.all([
      run({ $sum: 1 }),
      ...sum.map((f) => run({ $sum: `$${f}` })),
    ]);
    const keyOf = (id: Record<string, unknown> | undefined) =>
      by.map((_, i) => id?.[`k${i}`] ?? null);
    const rows = new Map<string, TallyRow>();
    // A missing field and a stored null are two groups on the server, one here: added up.
    for (const r of counts) {
      const key = keyOf(r._id);
      const id = JSON.stringify(key);
      const row = rows.get(id);
      if (row) row.count += Number(r.v);
      else rows.set(id, { key, count: Number(r.v), sums: sum.map(() => 0) });
    }
    sums.forEach((part, i) => {
      for (const r of part) {
        const row = rows.get(JSON.stringify(keyOf(r._id)));
        if (row) row.sums[i] += Number(r.v ?? 0);
      }
    });
    return [...rows.values()].filter((r) => r.count > 0);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> } = {},
  ): Promise<T | null> {
    assertNoUndefined(filter, this.name);
    const u = normaliseUpdate(update, this.name);
    try {
      if (this.locks) return await this.lockedFindOneAndUpdate(filter, u, options);
      const res = await this.gate(() =>
        this.col.findOneAndUpdate(filter as never, u as never, {
          upsert: options.upsert ?? false,
          sort: options.sort ? withIdTiebreak(options.sort) : undefined,
          returnDocument: 'after',
        }),
      );
      return res as T | null;
    } catch (err) {
      return wrap(this.name, err);
    }
  }

  private lockKey(id: unknown): string {
    return lockKeyOf(this.name, id);
  }

  /**
   * findOneAndUpdate on a server without atomic updates: take the first candidate (in sort
   * order) whose lock is free, check the filter again under the lock and update it by _id;
   * a candidate locked by another update is passed over (it is probably being claimed).
   */
  private async lockedFindOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> },
  ): Promise<T | null> {
    const locks = this.locks!;
    const deadline = Date.now() + this.opTimeoutMs;
    const id = filter._id;
    if (typeof id === 'string' || typeof id === 'number' || id instanceof ObjectId) {
      // One possible document: wait for its lock (no search needed).
      for (let round = 0; round < 100; round++) {
        const held = await locks.acquire(this.lockKey(id), deadline);
        try {
          if (!locks.fresh(held)) continue;
          const doc = await this.gate(() =>
            this.col.findOneAndUpdate(filter as never, update as never, {
              returnDocument: 'after',
            }),
          );
          if (doc || !options.upsert) return doc as T | null;
          const created = await this.insertForUpsert(filter, update);
          if (created) return created;
        } finally {
          locks.release(held);
        }
      }
      throw new Error(`store: findOneAndUpdate on ${this.name} did not settle`);
    }
    for (let round = 0; ; round++) {
      let cursor = this.col.find(filter as never, { projection: { _id: 1 } });
      if (options.sort) cursor = cursor.sort(withIdTiebreak(options.sort));
      const candidates = await this.gate(() => cursor.limit(CANDIDATES).toArray());
      if (candidates.length === 0) {
        if (!options.upsert) return null;
        const created = await this.insertForUpsert(filter, update);
        if (created) return created;
        continue;
      }
      let firstBusy: unknown = undefined;
      for (const { _id } of candidates) {
        const held = await locks.tryAcquire(this.lockKey(_id));
        if (!held) {
          firstBusy ??= _id;
          continue;
        }
        const doc = await this.updateLocked(held, filter, _id, update);
        if (doc) return doc;
      }
      if (firstBusy === undefined) continue; // every candidate changed meanwhile: look again
      if (Date.now() > deadline) {
        throw new Error(
          `store: findOneAndUpdate on ${this.name} found only locked documents for ${this.opTimeoutMs} ms`,
        );
      }
      // Every free candidate was taken: wait for the first one another update holds.
      const held = await locks.acquire(this.lockKey(firstBusy), deadline);
      const doc = await this.updateLocked(held, filter, firstBusy, update);
      if (doc) return doc;
      if (round > 1000) throw new Error(`store: findOneAndUpdate on ${this.name} did not settle`);
    }
  }

  /** Under the document's lock: the filter checked again and the update applied; releases the lock. */
  private async updateLocked(
    held: HeldLock,
    filter: Filter,
    _id: unknown,
    update: Update,
  ): Promise<T | null> {
    const locks = this.locks!;
    try {
      if (!locks.fresh(held)) return null;
      // `_id` at the top level: FerretDB hands only top-level equalities to PostgreSQL and checks
      // `$and` in Go against every document of the collection (docs/ferretdb.md).
      const doc = await this.gate(() =>
        this.col.findOneAndUpdate({ _id, $and: [filter] } as never, update as never, {
          returnDocument: 'after',
        }),
      );
      return doc as T | null;
    } finally {
      locks.release(held);
    }
  }

  /**
   * The insert half of an upsert: the filter's equalities plus the update, inserted (atomic on
   * the unique _id). Null when a matching document appeared meanwhile: the caller updates it.
   */
  private async insertForUpsert(filter: Filter, update: Update): Promise<T | null> {
    const seed = upsertSeed(filter);
    if (seed._id === undefined) seed._id = new ObjectId();
    const doc = applyUpdate(seed, update);
    try {
      await this.gate(() => this.col.insertOne(doc as unknown as Doc));
      return doc as unknown as T;
    } catch (err) {
      if (!isServerDuplicate(err)) throw err;
      if ((await this.gate(() => this.col.countDocuments(filter as never))) > 0) return null;
      throw err;
    }
  }

  /** Returns how many documents matched (see store.ts), on every server. */
  async updateMany(filter: Filter, update: Update): Promise<number> {
    assertNoUndefined(filter, this.name);
    const u = normaliseUpdate(update, this.name);
    try {
      if (!this.locks)
        return (await this.gate(() => this.col.updateMany(filter as never, u as never)))
          .matchedCount;
      const locks = this.locks;
      const ids = (
        await this.gate(() => this.col.find(filter as never, { projection: { _id: 1 } }).toArray())
      ).map((d) => d._id);
      const deadline = Date.now() + this.opTimeoutMs;
      let matched = 0;
      for (let i = 0; i < ids.length; i += 8) {
        const counts = await Promise.all(
          ids.slice(i, i + 8).map(async (_id) => {
            for (;;) {
              const held = await locks.acquire(this.lockKey(_id), deadline);
              try {
                if (!locks.fresh(held)) continue;
                const res = await this.gate(() =>
                  this.col.updateOne({ _id, $and: [filter] } as never, u as never),
                );
                return res.matchedCount;
              } finally {
                locks.release(held);
              }
            }
          }),
        );
        for (const n of counts) matched += n;
      }
      return matched;
    } catch (err) {
      return wrap(this.name, err);
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertNoUndefined(filter, this.name);
    return (await this.gate(() => this.col.deleteMany(filter as never))).deletedCount;
  }

  /**
   * A TTL index (expireAfterSeconds) is a plain index on its field, purged by the store's own
   * TtlPurger: MongoDB's TTL monitor ignores our ISO-string times, and FerretDB has none.
   */
  async ensureIndex(spec: IndexSpec): Promise<void> {
    if (spec.expireAfterSeconds !== undefined && spec.fields.length !== 1)
      throw new Error(`store: a TTL index has one field, not ${spec.fields.join(', ')}`);
    await ensureMongoIndex(this.col, this.dbName, spec, this.locks !== null, this.gate);
    this.ttl.add(this as unknown as Collection<Doc>, spec);
  }
}

export interface MongoStoreOptions {
  /** How long connect (and any operation) waits for a server before failing; default 5000 ms. */
  serverSelectionTimeoutMS?: number;
  /** How long ping() waits before answering false; default 2000 ms. */
  pingTimeoutMS?: number;
  /** How long a per-document lock lives when its holder dies (FerretDB only); default 5000 ms. */
  lockTtlMS?: number;
  /** How long a locked update waits for other holders before failing; default 30000 ms. */
  lockWaitMS?: number;
  /** Told when a TTL purge fails (the next purge tries again); default: ignored. */
  onTtlPurgeError?: (err: unknown) => void;
  /**
   * On FerretDB, at most this many operations at once per store, open cursors included (the
   * driver's pool and a gate, mongo-gate.ts), unless the URI sets `maxPoolSize`; default 8.
   * FerretDB v1 deadlocks when its PostgreSQL pool runs dry (docs/ferretdb.md, "Its PostgreSQL
   * pool"): keep the sum over every instance on one FerretDB under 25.
   */
  ferretdbMaxPoolSize?: number;
}

/** The hosts of a MongoDB URI, without user or password (for messages and logs). */
export function uriHosts(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return m ? m[1] : '(unparsable MongoDB URI)';
}

/**
 * The production store: MongoDB (replica set, Atlas or Cosmos DB vCore) with majority writes.
 * On FerretDB (detected at connect) updates go through per-document locks; see docs/ferretdb.md.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;

  /** How many commands this store runs on the server at once (the driver's connection pool). */
  get maxPoolSize(): number {
    return this.client.options.maxPoolSize;
  }

  private constructor(
    private readonly client: MongoClient,
    private readonly dbName: string,
    /** The server is FerretDB: its updates are read-then-write, so they are serialised with locks. */
    readonly ferretdb: boolean,
    private readonly locks: DocLocks | null,
    private readonly options: Required<MongoStoreOptions>,
    /** FerretDB: at most maxPoolSize operations at once, open cursors included (mongo-gate.ts). */
    private readonly gate: Gate,
  ) {}

  /** The purges of this store's TTL indexes (IndexSpec.expireAfterSeconds); stopped by close(). */
  private readonly ttl = new TtlPurger(undefined, undefined, (err) => {
    if (!this.closed) this.options.onTtlPurgeError(err);
  });
  private closed = false;

  static async connect(
    uri: string,
    dbName: string,
    opts: MongoStoreOptions = {},
  ): Promise<MongoStore> {
    const options: Required<MongoStoreOptions> = {
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5000,
      pingTimeoutMS: opts.pingTimeoutMS ?? 2000,
      lockTtlMS: opts.lockTtlMS ?? 5000,
      lockWaitMS: opts.lockWaitMS ?? 30000,
      onTtlPurgeError: opts.onTtlPurgeError ?? (() => undefined),
      ferretdbMaxPoolSize: opts.ferretdbMaxPoolSize ?? 8,
    };
    const clientFor = (maxPoolSize?: number) =>
      new MongoClient(uri, {
        writeConcern: { w: 'majority' },
        readConcern: { level: 'majority' },
        retryWrites: true,
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMS,
        connectTimeoutMS: options.serverSelectionTimeoutMS,
        ignoreUndefined: true,
        appName: 'projektkontoret',
        ...(maxPoolSize ? { maxPoolSize } : {}),
      });
    let client = clientFor();
    let ferretdb: boolean;
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      ferretdb = 'ferretdbVersion' in info;
      if (ferretdb && !/[?&]maxPoolSize=/i.test(uri)) {
        // FerretDB v1's own PostgreSQL pool deadlocks when too many commands run at once.
        await client.close();
        client = clientFor(options.ferretdbMaxPoolSize);
        await client.connect();
      }
    } catch (err) {
      await client.close().catch(() => undefined);
      const detail = err instanceof Error ? err.message : String(err);
      const password = /^mongodb(?:\+srv)?:\/\/[^:@/]*:([^@/]*)@/.exec(uri)?.[1];
      const safe = password ? detail.split(password).join('***') : detail;
      throw new Error(
        `MongoDB at ${uriHosts(uri)} did not answer within ${options.serverSelectionTimeoutMS} ms: ${safe}`,
        { cause: err },
      );
    }
    let locks: DocLocks | null = null;
    const gate = ferretdb ? boundedGate(client.options.maxPoolSize) : openGate;
    if (ferretdb) {
      const col = client.db(dbName).collection<LockDoc>('_pk_locks');
      await col.createIndex({ k: 1, g: -1 }, { name: 'pk_k__g' });
      locks = new DocLocks(col, options.lockTtlMS, gate);
    }
    return new MongoStore(client, dbName, ferretdb, locks, options, gate);
  }

  collection<T extends Doc>(name: string): Collection<T> {
    return new MongoBackedCollection<T>(
      name,
      this.client.db(this.dbName).collection<Doc>(name),
      this.dbName,
      this.locks,
      this.options.lockWaitMS,
      this.ttl,
      this.gate,
    );
  }

  purgeExpired(now?: Date): Promise<number> {
    return this.ttl.purgeNow(now);
  }

  /** Nothing is dropped on MongoDB (see Store.retireUnusedIndexes): an operator decides. */
  /** Each write was acknowledged under the connection's write concern: nothing to wait for. */
  async durable(): Promise<void> {}

  async retireUnusedIndexes(): Promise<string[]> {
    return [];
  }

  /** True when the server answers within pingTimeoutMS; the same client reconnects by itself. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.pingTimeoutMS);
    });
    const answer = this.client
      .db(this.dbName)
      .command({ ping: 1 }, { timeoutMS: this.options.pingTimeoutMS })
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ttl.stop();
    if (this.locks) await Promise.all([...this.locks.releasing]);
    await this.client.close();
  }
}
