/** The persistence contract every store (embedded or MongoDB) fulfils; repositories use only this. */

export interface Doc {
  _id: string;
}

/**
 * The query subset both stores support: equality on (dotted) fields, and the operators
 * $in, $nin, $ne, $lt, $lte, $gt, $gte, $exists, plus top-level $or / $and.
 *
 * Semantics both engines share (test/contract/store-contract.ts checks each):
 * - `{x: null}` matches documents where x is null AND documents without x (MongoDB's rule);
 *   `{x: {$ne: null}}` matches only documents where x is present and not null;
 *   `$exists` tells a stored null (exists) from a missing field (does not).
 * - A filter with `undefined` anywhere is refused with an Error naming the field.
 * - The store never holds `undefined`: such fields are left out on insert, and
 *   `$set: {k: undefined}` unsets k.
 * - An update that changes one path twice (`$set` and `$inc` of x, or `$set` of a and a.b) is
 *   refused (ConflictingUpdateError).
 * - A sort's ties are broken by `_id` ascending.
 */
export type Filter = Record<string, unknown>;

export interface Update {
  $set?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  $unset?: Record<string, true>;
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}

/**
 * A unique index treats null as a value (two documents with null collide). A single-field sparse
 * index leaves out documents WITHOUT the field; a compound unique index constrains only
 * documents that have every one of its fields (on MongoDB a partial index does this).
 */
export interface IndexSpec {
  /** One field, or several for a compound index. */
  fields: string[];
  unique?: boolean;
  /** Unique only among documents that have the field(s). */
  sparse?: boolean;
  /**
   * A time-to-live index (one field only): a document whose field holds an ISO-8601 UTC time
   * (`toISOString()`) more than this many seconds in the past is deleted by the store, within
   * `TTL_PURGE_INTERVAL_MS` plus one purge. MongoDB's own TTL monitor needs BSON dates, so every
   * engine purges by itself with an indexed range delete (the embedded store and FerretDB, which
   * has no TTL monitor, and MongoDB alike); callers must not rely on the document being gone
   * sooner, nor on it staying longer.
   */
  expireAfterSeconds?: number;
}

/** How often a store runs its TTL purges (see IndexSpec.expireAfterSeconds). */
export const TTL_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** An index this version wants exists in the database with another spec: the operator must migrate it. */
export class IndexSpecChangedError extends Error {
  constructor(
    public readonly collection: string,
    public readonly indexName: string,
    public readonly existing: string,
    public readonly wanted: string,
    public readonly migrate: string,
  ) {
    super(
      `index ${indexName} on collection ${collection} exists as ${existing} but this version needs ${wanted}. ` +
        `Migrate it: ${migrate}, then restart the bot (it creates the new index at start-up).`,
    );
    this.name = 'IndexSpecChangedError';
  }
}

/** A unique index refused a write: the caller decides what a duplicate means. */
export class DuplicateKeyError extends Error {
  constructor(
    public readonly collection: string,
    detail?: string,
  ) {
    super(`duplicate key in ${collection}${detail ? `: ${detail}` : ''}`);
    this.name = 'DuplicateKeyError';
  }
}

/** One group of a tally: the values of the grouping fields (null for a missing field), how many, the sums. */
export interface TallyRow {
  key: unknown[];
  count: number;
  sums: number[];
}

export interface Collection<T extends Doc> {
  readonly name: string;
  insertOne(doc: T): Promise<void>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  /**
   * Like `find`, for hot read paths that only look: the documents may be the store's own (the
   * embedded store hands out frozen ones instead of copies), so they must never be changed.
   */
  findReadonly(filter: Filter, options?: FindOptions): Promise<readonly Readonly<T>[]>;
  count(filter: Filter): Promise<number>;
  /**
   * The matching documents counted by the values of `by` (MongoDB's `$group`), with the sums of
   * the numeric fields `sum` (a value that is not a number counts as 0): for figures over many
   * documents without reading them. A missing or null field groups as null; the rows come in
   * no particular order. Grouping fields must hold strings or numbers (or be missing): not
   * booleans (SQLite reads them as 1 and 0), arrays or objects. Summed fields must hold numbers
   * (SQLite reads a numeric string as its number, MongoDB counts it as 0). The filter's fields
   * must hold what they are compared with (a string field compared with strings, a number field
   * with numbers, never an object or array there): the embedded store then answers from an
   * index that holds every field named, without reading a document.
   */
  tally(filter: Filter, by: string[], sum?: string[]): Promise<TallyRow[]>;
  /** Atomic single-document update; returns the document after the update, or null when none matched. */
  findOneAndUpdate(
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean; sort?: Record<string, 1 | -1> },
  ): Promise<T | null>;
  /**
   * Updates every matching document; returns how many MATCHED (MongoDB's matchedCount), whether
   * or not the update changed them (a `$set` to the value already there counts).
   */
  updateMany(filter: Filter, update: Update): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  /**
   * Creates the index under a stable name derived from its spec (semantics.ts indexName). When an
   * index on the same fields exists with other options, throws IndexSpecChangedError (the
   * operator migrates it; nothing is dropped automatically).
   */
  ensureIndex(spec: IndexSpec): Promise<void>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends Doc>(name: string): Collection<T>;
  /** True when the store answers; used by /healthz and /readyz. */
  ping(): Promise<boolean>;
  /**
   * Runs the purges of the TTL indexes ensured through this store now, instead of waiting for
   * the next periodic one: deletes the documents whose TTL field is more than its
   * expireAfterSeconds before `now` (default: the current time). Returns how many were deleted.
   * For tests and operators; the store purges by itself every TTL_PURGE_INTERVAL_MS.
   */
  purgeExpired(now?: Date): Promise<number>;
  /**
   * Drops the indexes this version no longer asks for: called once, after start-up has ensured
   * every index (services.ts). The embedded store drops those of its own naming that were not
   * ensured since it opened (an older version's, such as one made redundant by a compound
   * index); on MongoDB dropping an index is the operator's decision, so nothing is dropped.
   * Returns the names dropped.
   */
  retireUnusedIndexes(): Promise<string[]>;
  /**
   * Resolves once every write acknowledged so far is on stable storage; rejects as an outage
   * when that cannot be made so. A write's own promise resolves once it is committed (visible to
   * every reader, and kept through a crash of the process); whatever tells a person or another
   * system that something was saved (a turn's answer, a message sent, an outbox delivery) waits
   * for this first, so a power cut cannot lose what somebody was told. On MongoDB the write
   * concern has made each write durable before it was acknowledged: nothing to wait for.
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/** True when an error is the store's unique-index refusal. */
export function isDuplicateKey(err: unknown): err is DuplicateKeyError {
  return err instanceof DuplicateKeyError;
}
