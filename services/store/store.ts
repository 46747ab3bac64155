/** The persistence contract every store (embedded or MongoDB) fulfils; repositories use only this. */

export interface Doc {
  _id: string;
}

/**
 * The query subset both stores support: equality on (dotted) fields, and the operators
 * $in, $nin, $ne, $lt, $lte, $gt, $gte, $exists, plus top-level $or / $and.
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

export interface IndexSpec {
  /** One field, or several for a compound index. */
  fields: string[];
  unique?: boolean;
  /** Unique only among documents that have the field(s). */
  sparse?: boolean;
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
  /** Atomic single-document update; returns the document after the update, or null when none matched. */
  findOneAndUpdate(
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean; sort?: Record<string, 1 | -1> },
  ): Promise<T | null>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  ensureIndex(spec: IndexSpec): Promise<void>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends Doc>(name: string): Collection<T>;
  /** True when the store answers; used by /healthz and /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** True when an error is the store's unique-index refusal. */
export function isDuplicateKey(err: unknown): err is DuplicateKeyError {
  return err instanceof DuplicateKeyError;
}
