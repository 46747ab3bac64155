import Datastore from '@seald-io/nedb';
import { mkdirSync } from 'node:fs';
import { Journal, JournalRecord } from './journal';
import {
  Collection,
  Doc,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  IndexSpecChangedError,
  Store,
  Update,
} from './store';
import { assertNoUndefined, dropUndefined, indexName, mongoNullFilter, normaliseUpdate, withIdTiebreak } from './semantics';

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

/**
 * nedb's own cursor (version pinned). Its `find` uses it with a general deep copy; reads here pass
 * a copy made for what the store holds (JSON documents: they go through the journal), about twice
 * as fast, which a vote's tally (every vote of the item) feels.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NedbCursor = require('@seald-io/nedb/lib/cursor') as new <R>(
  db: Datastore<Record<string, unknown>>,
  query: unknown,
  mapFn: (docs: Record<string, unknown>[]) => R,
) => Promise<R> & {
  sort(spec: Record<string, 1 | -1>): unknown;
  skip(n: number): unknown;
  limit(n: number): unknown;
};

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyValue((v as Record<string, unknown>)[k]);
  return out;
}

/** Freezes a stored document and everything in it, once (a frozen one is left as it is). */
function deepFreeze(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) for (const x of v) deepFreeze(x);
  else for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  return v;
}

/** A caller's own copy of a stored document, without the nedb-only compound-index fields. */
function copyOut(doc: Record<string, unknown>, compound: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) {
    if (compound && k.startsWith('__idx_')) continue;
    out[k] = copyValue(doc[k]);
  }
  return out;
}

/** Strips nedb-only fields before a document leaves the store. */
function clean<T>(doc: T, compound = true): T {
  if (!compound || !doc || typeof doc !== 'object') return doc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (!k.startsWith('__idx_')) out[k] = v;
  }
  return out as T;
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  private compound: string[][] = [];
  /** The indexes made so far, by their fields: a second ensureIndex with other options is refused. */
  private readonly indexSpecs = new Map<string, IndexSpec>();

  constructor(
    public readonly name: string,
    private readonly db: Datastore<Record<string, unknown>>,
    private readonly ready: Promise<unknown>,
    private readonly journal: Journal | null,
  ) {}

  /** Records the document's new state durably before the caller hears it is saved. */
  private async persist(doc: Record<string, unknown> | null | undefined): Promise<void> {
    if (this.journal && doc) await this.journal.append({ c: this.name, op: 'put', doc });
  }

  /** All documents, for compaction. */
  allDocs(): Record<string, unknown>[] {
    return this.db.getAllData();
  }

  /** The filter checked and rewritten for nedb (null matches a missing field, as on MongoDB). */
  private filter(filter: Filter): Filter {
    assertNoUndefined(filter, this.name);
    return mongoNullFilter(filter);
  }

  private withCompound(doc: Record<string, unknown>): Record<string, unknown> {
    for (const fields of this.compound) {
      const values = fields.map((f) => getPath(doc, f));
      // Only documents with every field are constrained; null is a value (as on MongoDB).
      if (values.some((v) => v === undefined)) {
        delete doc[compoundField(fields)];
        continue;
      }
      doc[compoundField(fields)] = JSON.stringify(values);
    }
    return doc;
  }

  async insertOne(doc: T): Promise<void> {
    await this.ready;
    let saved: Record<string, unknown>;
    try {
      saved = await this.db.insertAsync(this.withCompound(dropUndefined({ ...(doc as unknown as Record<string, unknown>) })));
    } catch (err) {
      return wrapDuplicate(this.name, err);
    }
    await this.persist(saved);
  }

  async findOne(filter: Filter): Promise<T | null> {
    await this.ready;
    const compound = this.compound.length > 0;
    const cursor = new NedbCursor(this.db, this.filter(filter), (docs) =>
      docs.length === 1 ? (copyOut(docs[0], compound) as unknown as T) : null,
    );
    cursor.limit(1);
    return cursor;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    await this.ready;
    const compound = this.compound.length > 0;
    const cursor = new NedbCursor(this.db, this.filter(filter), (docs) =>
      docs.map((d) => copyOut(d, compound) as unknown as T),
    );
    if (options.sort) cursor.sort(withIdTiebreak(options.sort));
    if (options.skip) cursor.skip(options.skip);
    if (options.limit) cursor.limit(options.limit);
    return cursor;
  }

  /**
   * The stored documents themselves, frozen (nedb never changes a stored document: an update
   * stores a new one), so reading many costs no copies. Collections with compound indexes carry
   * hidden fields and are copied as usual.
   */
  async findReadonly(filter: Filter, options: FindOptions = {}): Promise<readonly Readonly<T>[]> {
    if (this.compound.length > 0) return this.find(filter, options);
    await this.ready;
    const cursor = new NedbCursor(this.db, this.filter(filter), (docs) =>
      docs.map((d) => deepFreeze(d) as unknown as T),
    );
    if (options.sort) cursor.sort(withIdTiebreak(options.sort));
    if (options.skip) cursor.skip(options.skip);
    if (options.limit) cursor.limit(options.limit);
    return cursor;
  }

  async count(filter: Filter): Promise<number> {
    await this.ready;
    return this.db.countAsync(this.filter(filter) as never);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> } = {},
  ): Promise<T | null> {
    await this.ready;
    filter = this.filter(filter);
    update = normaliseUpdate(update, this.name);
    if (options.sort) {
      // nedb's update has no sort: find the first candidate and update it, with no other
      // sorted claim on this collection in between (the whole store lives in this process).
      const run = this.sortedClaims.then(() => this.sortedUpdate(filter, update, options));
      this.sortedClaims = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    }
    return this.plainUpdate(filter, update, options.upsert ?? false);
  }

  private sortedClaims: Promise<void> = Promise.resolve();

  private async sortedUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> },
  ): Promise<T | null> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const [first] = await this.db.findAsync(filter as never).sort(withIdTiebreak(options.sort)).limit(1);
      if (!first) return options.upsert ? this.plainUpdate(filter, update, true) : null;
      const doc = await this.plainUpdate({ $and: [filter, { _id: first._id }] }, update, false);
      if (doc) return doc;
      // An unsorted update changed the candidate meanwhile: look again.
    }
    return null;
  }

  private async plainUpdate(filter: Filter, update: Update, upsert: boolean): Promise<T | null> {
    try {
      const res = await this.db.updateAsync(filter as never, this.toNedbUpdate(update) as never, {
        upsert,
        returnUpdatedDocs: true,
        multi: false,
      });
      const doc = res.affectedDocuments as unknown as Record<string, unknown> | null;
      if (!doc) return null;
      const full = await this.refreshCompound(doc);
      await this.persist(full);
      return clean(full as unknown as T, this.compound.length > 0);
    } catch (err) {
      return wrapDuplicate(this.name, err);
    }
  }

  private async refreshCompound(doc: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.compound.length === 0) return doc;
    const before = JSON.stringify(this.compound.map((f) => doc[compoundField(f)]));
    const next = this.withCompound({ ...doc });
    const after = JSON.stringify(this.compound.map((f) => next[compoundField(f)]));
    if (before !== after) {
      const $set: Record<string, unknown> = {};
      const $unset: Record<string, true> = {};
      for (const f of this.compound) {
        if (next[compoundField(f)] === undefined) $unset[compoundField(f)] = true;
        else $set[compoundField(f)] = next[compoundField(f)];
      }
      try {
        await this.db.updateAsync({ _id: doc._id } as never, { $set, $unset } as never, {});
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
    await this.ready;
    filter = this.filter(filter);
    update = normaliseUpdate(update, this.name);
    let res;
    try {
      res = await this.db.updateAsync(filter as never, this.toNedbUpdate(update) as never, {
        multi: true,
        returnUpdatedDocs: true,
      });
    } catch (err) {
      return wrapDuplicate(this.name, err);
    }
    const docs = (res.affectedDocuments ?? []) as unknown as Record<string, unknown>[];
    await Promise.all(docs.map((d) => this.persist(d)));
    return res.numAffected;
  }

  async deleteMany(filter: Filter): Promise<number> {
    await this.ready;
    const victims = await this.db.findAsync(this.filter(filter) as never).projection({ _id: 1 });
    if (victims.length === 0) return 0;
    const ids = victims.map((v) => v._id as string);
    const n = await this.db.removeAsync({ _id: { $in: ids } } as never, { multi: true });
    if (this.journal) await Promise.all(ids.map((id) => this.journal!.append({ c: this.name, op: 'del', id })));
    return n;
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    await this.ready;
    const key = spec.fields.join(',');
    const known = this.indexSpecs.get(key);
    if (known) {
      if (indexName(known) === indexName(spec)) return;
      throw new IndexSpecChangedError(
        this.name,
        indexName(known),
        JSON.stringify(known),
        JSON.stringify(spec),
        'the embedded store rebuilds its indexes at start-up: restart the bot',
      );
    }
    this.indexSpecs.set(key, spec);
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

/** The store used without MONGODB_URI: in-memory nedb collections made durable by a journal under DATA_DIR. */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<Doc>>();
  private readonly preload = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly pending: Promise<unknown>[] = [];
  private compacting: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly journal: Journal | null) {}

  /** Opens (or creates) the store in `dir`; `null` keeps everything in memory (tests only). */
  static async open(dir: string | null, opts: { fsync?: boolean; compactAtBytes?: number } = {}): Promise<EmbeddedStore> {
    if (!dir) return new EmbeddedStore(null);
    mkdirSync(dir, { recursive: true });
    const journal = new Journal(dir, { fsync: opts.fsync ?? false, compactAtBytes: opts.compactAtBytes ?? 64 * 1024 * 1024 });
    journal.lock();
    const store = new EmbeddedStore(journal);
    for (const rec of journal.readAll()) {
      let docs = store.preload.get(rec.c);
      if (!docs) store.preload.set(rec.c, (docs = new Map()));
      if (rec.op === 'put') docs.set(String(rec.doc._id), rec.doc);
      else docs.delete(rec.id);
    }
    await journal.compact(store.records());
    return store;
  }

  /** Every document of every collection (opened or not) as snapshot records. */
  private *records(): Generator<JournalRecord> {
    for (const [c, docs] of this.preload) {
      if (this.collections.has(c)) continue;
      for (const doc of docs.values()) yield { c, op: 'put', doc };
    }
    for (const [c, col] of this.collections) for (const doc of col.allDocs()) yield { c, op: 'put', doc };
  }

  collection<T extends Doc>(name: string): Collection<T> {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    let col = this.collections.get(name);
    if (!col) {
      const ds = new Datastore<Record<string, unknown>>({ inMemoryOnly: true });
      const docs = [...(this.preload.get(name)?.values() ?? [])];
      this.preload.delete(name);
      const ready = ds.loadDatabaseAsync().then(() => (docs.length > 0 ? ds.insertAsync(docs) : undefined));
      this.pending.push(ready);
      col = new EmbeddedCollection<Doc>(name, ds, ready, this.journal ? this.guardedJournal() : null);
      this.collections.set(name, col);
    }
    return col as unknown as Collection<T>;
  }

  /** The journal as collections see it: appends wait while a compaction rewrites the files. */
  private guardedJournal(): Journal {
    const journal = this.journal!;
    const append = async (rec: JournalRecord): Promise<void> => {
      if (this.compacting) await this.compacting;
      await journal.append(rec);
      if (journal.size > journal.compactAtBytes && !this.compacting && !this.closed) {
        this.compacting = journal.compact(this.records()).finally(() => {
          this.compacting = null;
        });
      }
    };
    return Object.assign(Object.create(journal) as Journal, { append });
  }

  /** Waits until every opened collection has its documents. */
  async ready(): Promise<void> {
    await Promise.all(this.pending);
  }

  async ping(): Promise<boolean> {
    try {
      await this.ready();
      return !this.closed;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready();
    if (this.compacting) await this.compacting;
    if (this.journal) {
      await this.journal.close();
      this.journal.unlock();
    }
  }
}
