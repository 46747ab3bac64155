import Datastore from '@seald-io/nedb';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  Collection,
  Doc,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  Store,
  Update,
} from './store';

/** nedb has no compound unique index: a hidden field holds the joined key. */
const compoundField = (fields: string[]): string => `__idx_${fields.join('__').replace(/\./g, '_')}`;

function getPath(doc: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = doc;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function wrapDuplicate(name: string, err: unknown): never {
  if (err && typeof err === 'object' && (err as { errorType?: string }).errorType === 'uniqueViolated') {
    throw new DuplicateKeyError(name, (err as { key?: string }).key);
  }
  throw err;
}

/** Strips nedb-only fields before a document leaves the store. */
function clean<T>(doc: T): T {
  if (!doc || typeof doc !== 'object') return doc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (!k.startsWith('__idx_')) out[k] = v;
  }
  return out as T;
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  private compound: string[][] = [];

  constructor(
    public readonly name: string,
    private readonly db: Datastore<Record<string, unknown>>,
  ) {}

  private withCompound(doc: Record<string, unknown>): Record<string, unknown> {
    for (const fields of this.compound) {
      const values = fields.map((f) => getPath(doc, f));
      if (values.some((v) => v === undefined || v === null)) continue;
      doc[compoundField(fields)] = JSON.stringify(values);
    }
    return doc;
  }

  async insertOne(doc: T): Promise<void> {
    try {
      await this.db.insertAsync(this.withCompound({ ...(doc as unknown as Record<string, unknown>) }));
    } catch (err) {
      wrapDuplicate(this.name, err);
    }
  }

  async findOne(filter: Filter): Promise<T | null> {
    const doc = await this.db.findOneAsync(filter as never);
    return doc ? clean(doc as unknown as T) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.db.findAsync(filter as never);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    const docs = await cursor;
    return docs.map((d) => clean(d as unknown as T));
  }

  async count(filter: Filter): Promise<number> {
    return this.db.countAsync(filter as never);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> } = {},
  ): Promise<T | null> {
    // nedb's update has no sort: pick the first candidate, then update it only if it still matches.
    for (let attempt = 0; attempt < 20; attempt++) {
      let target: Filter = filter;
      if (options.sort) {
        const [first] = await this.db.findAsync(filter as never).sort(options.sort).limit(1);
        if (!first) {
          if (!options.upsert) return null;
        } else {
          target = { $and: [filter, { _id: first._id }] };
        }
      }
      try {
        const res = await this.db.updateAsync(target as never, this.toNedbUpdate(update) as never, {
          upsert: options.upsert ?? false,
          returnUpdatedDocs: true,
          multi: false,
        });
        const doc = res.affectedDocuments as unknown as Record<string, unknown> | null;
        if (doc) return clean(await this.refreshCompound(doc) as unknown as T);
        if (!options.sort) return null;
      } catch (err) {
        wrapDuplicate(this.name, err);
      }
    }
    return null;
  }

  private async refreshCompound(doc: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.compound.length === 0) return doc;
    const before = JSON.stringify(this.compound.map((f) => doc[compoundField(f)]));
    const next = this.withCompound({ ...doc });
    const after = JSON.stringify(this.compound.map((f) => next[compoundField(f)]));
    if (before !== after) {
      const $set: Record<string, unknown> = {};
      for (const f of this.compound) $set[compoundField(f)] = next[compoundField(f)];
      try {
        await this.db.updateAsync({ _id: doc._id } as never, { $set } as never, {});
      } catch (err) {
        wrapDuplicate(this.name, err);
      }
    }
    return next;
  }

  private toNedbUpdate(update: Update): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (update.$set) out.$set = update.$set;
    if (update.$inc) out.$inc = update.$inc;
    if (update.$push) out.$push = update.$push;
    if (update.$unset) out.$unset = update.$unset;
    return out;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    try {
      const res = await this.db.updateAsync(filter as never, this.toNedbUpdate(update) as never, {
        multi: true,
      });
      return res.numAffected;
    } catch (err) {
      return wrapDuplicate(this.name, err);
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.db.removeAsync(filter as never, { multi: true });
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    if (spec.fields.length === 1) {
      await this.db.ensureIndexAsync({
        fieldName: spec.fields[0],
        unique: spec.unique ?? false,
        sparse: spec.sparse ?? false,
      });
      return;
    }
    this.compound.push(spec.fields);
    await this.db.ensureIndexAsync({
      fieldName: compoundField(spec.fields),
      unique: spec.unique ?? false,
      sparse: true,
    });
  }
}

/** The store used without MONGODB_URI: nedb files under DATA_DIR that survive restarts. */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<Doc>>();
  private readonly stores: Datastore<Record<string, unknown>>[] = [];

  private constructor(private readonly dir: string | null) {}

  /** Opens (or creates) the store in `dir`; `null` keeps everything in memory (tests only). */
  static async open(dir: string | null): Promise<EmbeddedStore> {
    if (dir) mkdirSync(dir, { recursive: true });
    return new EmbeddedStore(dir);
  }

  private pending = new Map<string, Promise<void>>();

  collection<T extends Doc>(name: string): Collection<T> {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    let col = this.collections.get(name);
    if (!col) {
      const ds = new Datastore<Record<string, unknown>>(
        this.dir ? { filename: path.join(this.dir, `${name}.db`) } : { inMemoryOnly: true },
      );
      this.stores.push(ds);
      this.pending.set(name, ds.loadDatabaseAsync());
      col = new EmbeddedCollection<Doc>(name, ds);
      this.collections.set(name, col);
    }
    return col as unknown as Collection<T>;
  }

  /** Waits until every opened collection has loaded from disk. */
  async ready(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  async ping(): Promise<boolean> {
    try {
      await this.ready();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.ready();
    for (const ds of this.stores) {
      await ds.compactDatafileAsync().catch(() => undefined);
    }
  }
}
