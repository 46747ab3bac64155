import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Query as MingoQuery } from 'mingo';
import { DataDirLock } from './data-dir-lock';
import { DocumentCache } from './document-cache';
import { EmbeddedStoreStartError, EmbeddedStoreUnavailableError } from './embedded-unavailable';
import { legacyFiles, readLegacy, setAsideLegacy } from './legacy-journal';
import {
  applyUpdate,
  assertNoUndefined,
  dropUndefined,
  indexName,
  normaliseUpdate,
  tallyDocs,
  upsertSeed,
  withIdTiebreak,
} from './semantics';
import {
  columnKey,
  columnValue,
  fillColumnSql,
  Fields,
  indexColumns,
  indexStatements,
  jsonExpr,
  keyColumn,
  limitClause,
  parseColumnName,
  sameCell,
  SqlValue,
  toOrderBy,
  toWhere,
  valueColumn,
} from './sqlite-sql';
import {
  Collection,
  Doc,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  IndexSpecChangedError,
  Store,
  TallyRow,
  Update,
} from './store';
import { TtlPurger } from './ttl-purge';
import { WalSync } from './wal-sync';

type Row = { _id: string; doc: string };

/**
 * The MongoDB matcher, loaded on first use: it checks only filters on array fields, and loading
 * it costs about a second of start-up on a busy machine.
 */
let mingoQuery: typeof MingoQuery | null = null;
/** Loads the matcher now (the server does at start-up, before it is ready: warm-up.ts). */
export function loadMatcher(): typeof MingoQuery {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mingoQuery ??= (require('mingo') as typeof import('mingo')).Query;
  return mingoQuery;
}
function matcher(filter: Filter): MingoQuery {
  return new (loadMatcher())(filter);
}

/** The error an operation's caller sees: the store's own wrapping of what SQLite threw. */
function catchWrap(wrap: (err: unknown) => never, err: unknown): unknown {
  try {
    return wrap(err);
  } catch (wrapped) {
    return wrapped;
  }
}

const parse = (row: Row): Json => JSON.parse(row.doc) as Json;

/** How often the planner's statistics are refreshed (see EmbeddedStore.optimize). */
const OPTIMIZE_INTERVAL_MS = 15 * 60 * 1000;
type Json = Record<string, unknown>;

/**
 * A filter that names one document by `_id` (a string), with at most equalities of top-level
 * fields to a string, number or boolean: what most reads and updates of a turn are.
 */
function idLookup(filter: Filter): { id: string; equal: [string, unknown][] } | null {
  const id = (filter as Json)._id;
  if (typeof id !== 'string') return null;
  const equal: [string, unknown][] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (field === '_id') continue;
    if (field.startsWith('$') || field.includes('.')) return null;
    const t = typeof value;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return null;
    equal.push([field, value]);
  }
  return { id, equal };
}

/** The dotted paths at which a document holds arrays (not looking inside the arrays). */
function arrayPathsOf(doc: unknown, prefix: string, out: Set<string>): void {
  if (doc === null || typeof doc !== 'object') return;
  for (const [k, v] of Object.entries(doc as Json)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out.add(p);
    else if (v !== null && typeof v === 'object') arrayPathsOf(v, p, out);
  }
}

const SQLITE_DUPLICATE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|NOTADB|CORRUPT|PERM)/;

/** The store's own error for what SQLite said: a duplicate, an outage, or the error itself. */
function wrapError(name: string, err: unknown): never {
  const code = (err as { code?: string })?.code;
  if (code && SQLITE_DUPLICATE.has(code)) throw new DuplicateKeyError(name, (err as Error).message);
  if (code && SQLITE_UNAVAILABLE.test(code))
    throw new EmbeddedStoreUnavailableError(code, (err as Error).message);
  throw err;
}

/** A column of an indexed field: its value (`v:`) or, for a unique index, its JSON key (`k:`). */
interface Column {
  field: string;
  key: boolean;
  /** The quoted column name. */
  sql: string;
}

const columnOf = (field: string, key: boolean): Column => ({
  field,
  key,
  sql: key ? keyColumn(field) : valueColumn(field),
});

const cellOf = (doc: Json, c: Column): SqlValue =>
  c.key ? columnKey(doc, c.field) : columnValue(doc, c.field);

/**
 * One collection: a table `c_<name>` of `_id`, the document as JSON text, and a column for each
 * indexed field (sqlite-sql.ts), written with the document in the same statement. Every
 * operation is one transaction, committed before its promise resolves (and fsync'd before
 * anybody is told it was saved: EmbeddedStore.durable).
 */
class SqliteCollection<T extends Doc> implements Collection<T> {
  private readonly table: string;
  private readonly statements = new Map<string, Database.Statement>();
  /** Index specs made in this process, by fields: a second spec on the same fields is refused. */
  private readonly indexSpecs = new Map<string, IndexSpec>();
  /** The columns of indexed fields the table has, in its order. */
  private columns: Column[] = [];
  /** The statements that write a whole row, with every column (made again when one is added). */
  private insertSql = { insert: '', replace: '' };
  private readonly valueFields = new Set<string>();
  /** How the SQL reads a field: its column when it is indexed, else from the document. */
  private readonly fields: Fields = {
    isArray: (field) => this.owner.hasArrayPath(this.name, field),
    expr: (field) => (this.valueFields.has(field) ? valueColumn(field) : jsonExpr(field)),
    hasColumn: (field) => this.valueFields.has(field),
  };

  constructor(
    public readonly name: string,
    private readonly owner: EmbeddedStore,
  ) {
    this.table = `c_${name}`;
    // A rowid table: a document of a few KB fits its leaf page (a WITHOUT ROWID table keeps
    // under ~1 KB of a row in the b-tree and the rest in overflow pages), and an index on
    // expressions covers a query without a look into the table (tallies, counts).
    const create = (table: string) =>
      `CREATE TABLE IF NOT EXISTS "${table}" (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`;
    const existing = owner.db
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`)
      .get(this.table) as { sql: string } | undefined;
    if (existing && /WITHOUT\s+ROWID/i.test(existing.sql)) {
      // A store made by an earlier version: the same rows, moved once into the rowid layout
      // (its indexes go with the old table; the repositories ensure them again at start).
      const next = `${this.table}__rowid`;
      owner.db.transaction(() => {
        owner.db.exec(create(next));
        owner.db.exec(`INSERT INTO "${next}" (_id, doc) SELECT _id, doc FROM "${this.table}"`);
        owner.db.exec(`DROP TABLE "${this.table}"`);
        owner.db.exec(`ALTER TABLE "${next}" RENAME TO "${this.table}"`);
      })();
    } else {
      owner.db.exec(create(this.table));
    }
    for (const { name: col } of owner.db
      .prepare(`SELECT name FROM pragma_table_info(?)`)
      .all(this.table) as { name: string }[]) {
      const parsed = parseColumnName(col);
      if (parsed) this.addColumn(parsed.field, parsed.key);
    }
    this.makeInsertSql();
  }

  private addColumn(field: string, key: boolean): void {
    this.columns = [...this.columns, columnOf(field, key)];
    if (!key) this.valueFields.add(field);
    this.makeInsertSql();
  }

  private makeInsertSql(): void {
    const names = ['_id', 'doc', ...this.columns.map((c) => c.sql)];
    const into = `INTO "${this.table}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    this.insertSql = { insert: `INSERT ${into}`, replace: `INSERT OR REPLACE ${into}` };
  }

  /** Names of the indexes this process ensured on the table (the others are an older version's). */
  ensuredIndexes(): Set<string> {
    const out = new Set<string>();
    for (const spec of this.indexSpecs.values())
      for (const s of indexStatements(this.table, indexName(spec), spec)) out.add(s.name);
    return out;
  }

  private get db(): Database.Database {
    return this.owner.db;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Matching documents, parsed: SQL where it can say the filter, the MongoDB matcher for the rest. */
  private select(filter: Filter, options: FindOptions = {}, readonly = false): Json[] {
    try {
      const lookup = options.skip ? null : idLookup(filter);
      const byId = lookup ? this.selectById(lookup, readonly) : undefined;
      if (byId) return byId;
      return this.selectRows(filter, options, readonly);
    } catch (err) {
      return wrapError(this.name, err);
    }
  }

  /**
   * The documents as the table holds them, by `_id` (document-cache.ts): written through by
   * `write`, so a lookup by `_id` usually needs no SQL, and readers that only look get frozen
   * documents parsed once while their text is unchanged (a vote's tally parses nothing twice).
   */
  private readonly docs = new DocumentCache();

  /** The frozen documents of these `_id`s, in their order: the cache's, the rest read at once. */
  private frozenDocs(rows: { _id: string }[]): Json[] {
    const out: (Json | undefined)[] = rows.map((r) => this.docs.cachedFrozen(r._id));
    const missing = rows.filter((_, i) => out[i] === undefined).map((r) => r._id);
    if (missing.length === 0) return out as Json[];
    const read = new Map<string, Json>();
    for (const row of this.stmt(
      `SELECT _id, doc FROM "${this.table}" WHERE _id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(missing)) as Row[]) {
      read.set(row._id, this.docs.frozenOf(row._id, row.doc));
    }
    return rows.flatMap((r, i): Json[] => {
      const doc = out[i] ?? read.get(r._id);
      return doc ? [doc] : [];
    });
  }

  /** Forgets a document whose write was undone (EmbeddedStore.atomically). */
  forgetDoc(id: string): void {
    this.docs.forget(id);
  }

  /**
   * The document named by an `_id` lookup, from the cache or else by its primary key; `undefined`
   * when a field the filter compares holds an array (the general path decides that).
   */
  private selectById(
    lookup: { id: string; equal: [string, unknown][] },
    readonly: boolean,
  ): Json[] | undefined {
    let text = this.docs.text(lookup.id);
    if (text === undefined) {
      const row = this.stmt(`SELECT doc FROM "${this.table}" WHERE _id = ?`).get(lookup.id) as
        { doc: string } | undefined;
      if (!row) return [];
      text = row.doc;
      this.docs.remember(lookup.id, text);
    }
    const doc = readonly ? this.docs.frozenOf(lookup.id, text) : (JSON.parse(text) as Json);
    for (const [field, value] of lookup.equal) {
      const v = doc[field];
      if (Array.isArray(v)) return undefined;
      if (v !== value) return [];
    }
    return [doc];
  }

  /**
   * Readers that only look get the frozen documents of the cache: SQL names the matching `_id`s
   * (no document text is read for a document the cache holds), and the others are read in one
   * more statement. Other readers get fresh copies parsed from the table's text.
   */
  private selectRows(filter: Filter, options: FindOptions, readonly: boolean): Json[] {
    assertNoUndefined(filter, this.name);
    const where = toWhere(filter, this.fields);
    const sort = options.sort ? withIdTiebreak(options.sort) : null;
    const orderBy = sort ? toOrderBy(sort, this.fields) : null;
    const base = `SELECT ${readonly ? '_id' : '_id, doc'} FROM "${this.table}" WHERE ${where.sql}`;
    const toDocs = (rows: Row[]) => (readonly ? this.frozenDocs(rows) : rows.map(parse));
    if (where.exact && (!sort || orderBy)) {
      const sql = `${base}${orderBy ? ` ORDER BY ${orderBy}` : ''}${limitClause(options)}`;
      return toDocs(this.stmt(sql).all(...where.params) as Row[]);
    }
    // A superset: filter (and sort) again as MongoDB would.
    const rows = this.stmt(`${base}${orderBy ? ` ORDER BY ${orderBy}` : ''}`).all(
      ...where.params,
    ) as Row[];
    let cursor = matcher(filter).find(toDocs(rows));
    if (sort && !orderBy) cursor = cursor.sort(sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all() as Json[];
  }

  /**
   * The one write path: a new document with its columns, or a changed one (`before` is what the
   * table holds) with only the columns whose value changed, so SQLite rewrites only their indexes.
   */
  private write(doc: Json, before: Json | null, replace = false): void {
    const text = JSON.stringify(doc);
    this.owner.noteArrays(this.name, doc);
    const id = doc._id as string;
    if (!before) {
      this.stmt(replace ? this.insertSql.replace : this.insertSql.insert).run(
        id,
        text,
        ...this.columns.map((c) => cellOf(doc, c)),
      );
      this.wrote(id, text);
      return;
    }
    const set = ['doc = ?'];
    const params: SqlValue[] = [text];
    for (const c of this.columns) {
      const cell = cellOf(doc, c);
      if (sameCell(cell, cellOf(before, c))) continue;
      set.push(`${c.sql} = ?`);
      params.push(cell);
    }
    this.stmt(`UPDATE "${this.table}" SET ${set.join(', ')} WHERE _id = ?`).run(...params, id);
    this.wrote(id, text);
  }

  /** A document's text is now in the table: the cache follows, and the store can undo that. */
  private wrote(id: string, text: string): void {
    this.docs.update(id, text);
    this.owner.noteWrite(this as unknown as SqliteCollection<Doc>, id);
  }

  /** Writes a document whole, replacing any with its `_id` (the migration of an old store). */
  put(doc: Json): void {
    this.write(doc, null, true);
  }

  /** Deletes the document with this `_id`, if there is one (the migration of an old store). */
  remove(id: string): void {
    this.stmt(`DELETE FROM "${this.table}" WHERE _id = ?`).run(id);
    this.docs.forget(id);
  }

  /** Runs one atomic operation in the store's group commit; resolves once it is committed. */
  private tx<R>(fn: () => R): Promise<R> {
    return this.owner.atomically(fn, (err) => wrapError(this.name, err));
  }

  async insertOne(doc: T): Promise<void> {
    const stored = dropUndefined({ ...(doc as unknown as Json) });
    if (stored._id === undefined) stored._id = randomBytes(12).toString('hex');
    if (typeof stored._id !== 'string')
      throw new Error(`store: _id on ${this.name} must be a string`);
    await this.tx(() => this.write(stored, null));
  }

  async findOne(filter: Filter): Promise<T | null> {
    this.owner.assertOpen();
    const [doc] = this.select(filter, { limit: 1 });
    return (doc as unknown as T) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    this.owner.assertOpen();
    return this.select(filter, options) as unknown as T[];
  }

  async findReadonly(filter: Filter, options: FindOptions = {}): Promise<readonly Readonly<T>[]> {
    this.owner.assertOpen();
    return this.select(filter, options, true) as unknown as T[];
  }

  async count(filter: Filter): Promise<number> {
    this.owner.assertOpen();
    assertNoUndefined(filter, this.name);
    if (idLookup(filter)) return this.select(filter, {}, true).length;
    const where = toWhere(filter, this.fields);
    if (where.exact) {
      const row = this.stmt(`SELECT count(*) AS n FROM "${this.table}" WHERE ${where.sql}`).get(
        ...where.params,
      ) as { n: number };
      return row.n;
    }
    return this.select(filter).length;
  }

  async tally(filter: Filter, by: string[], sum: string[] = []): Promise<TallyRow[]> {
    this.owner.assertOpen();
    assertNoUndefined(filter, this.name);
    try {
      const where = toWhere(filter, this.fields, { typed: true });
      if (!where.exact || by.some(this.fields.isArray))
        return tallyDocs(this.select(filter, {}, true), by, sum);
      // Only the indexed expressions of the fields, in a materialised CTE: an index holding them
      // all then answers alone (SQLite reads the table for a GROUP BY over the expressions).
      const cols = [
        ...by.map((f, i) => `${this.fields.expr(f)} AS k${i}`),
        ...sum.map((f, i) => `${this.fields.expr(f)} AS v${i}`),
      ];
      const groups = by.map((_, i) => `k${i}`);
      const sums = sum.map((_, i) => `total(v${i}) AS s${i}`);
      const sql =
        `WITH t AS MATERIALIZED (SELECT ${cols.length ? cols.join(', ') : '1 AS one'} FROM "${this.table}" WHERE ${where.sql}) ` +
        `SELECT ${[...groups, 'count(*) AS n', ...sums].join(', ')} FROM t` +
        (groups.length ? ` GROUP BY ${groups.join(', ')}` : '');
      const rows = this.stmt(sql).all(...where.params) as Record<string, unknown>[];
      return rows
        .filter((r) => (r.n as number) > 0)
        .map((r) => ({
          key: by.map((_, i) => r[`k${i}`] ?? null),
          count: r.n as number,
          sums: sum.map((_, i) => r[`s${i}`] as number),
        }));
    } catch (err) {
      return wrapError(this.name, err);
    }
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> } = {},
  ): Promise<T | null> {
    const change = normaliseUpdate(update, this.name);
    return this.tx(() => {
      // The cached frozen document: applyUpdate makes the new one as a copy.
      const [found] = this.select(filter, { sort: options.sort, limit: 1 }, true);
      if (found) {
        const next = applyUpdate(found, change);
        next._id = found._id;
        this.write(next, found);
        return next as unknown as T;
      }
      if (!options.upsert) return null;
      const seed = upsertSeed(filter);
      const doc = applyUpdate(seed, change);
      if (doc._id === undefined) doc._id = randomBytes(12).toString('hex');
      this.write(doc, null);
      return doc as unknown as T;
    });
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const change = normaliseUpdate(update, this.name);
    return this.tx(() => {
      const docs = this.select(filter, {}, true);
      for (const doc of docs) {
        const next = applyUpdate(doc, change);
        next._id = doc._id;
        this.write(next, doc);
      }
      return docs.length;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertNoUndefined(filter, this.name);
    const where = toWhere(filter, this.fields);
    return this.tx(() => {
      // Which documents went is not read back: the cache starts again (deletes are rare).
      this.docs.clear();
      if (where.exact) {
        return this.stmt(`DELETE FROM "${this.table}" WHERE ${where.sql}`).run(...where.params)
          .changes;
      }
      const ids = this.select(filter).map((d) => d._id as string);
      const del = this.stmt(`DELETE FROM "${this.table}" WHERE _id = ?`);
      for (const id of ids) del.run(id);
      return ids.length;
    });
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    this.owner.assertOpen();
    const key = spec.fields.join(',');
    const name = indexName(spec);
    const known = this.indexSpecs.get(key);
    if (known) {
      if (indexName(known) === name) return;
      throw new IndexSpecChangedError(
        this.name,
        indexName(known),
        JSON.stringify(known),
        JSON.stringify(spec),
        'the embedded store replaces an index whose spec changed at start-up: restart the bot',
      );
    }
    this.indexSpecs.set(key, spec);
    this.replaceIndex(name, spec);
    this.owner.ttl.add(this as unknown as Collection<Doc>, spec);
  }

  /**
   * Creates an index with the columns it needs (added and filled from the documents once, in
   * one transaction). One on the same fields with another spec, or with another statement (an
   * older version's, such as an index on expressions over the document), is replaced.
   */
  private replaceIndex(name: string, spec: IndexSpec): void {
    const table = this.table;
    const prefix = `${table}__pk_${spec.fields.map((f) => f.replace(/\./g, '-')).join('__')}`;
    const existing = this.db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`)
      .all(table) as { name: string; sql: string | null }[];
    const wanted = indexStatements(table, name, spec);
    const added: Column[] = [];
    let created = false;
    this.db.transaction(() => {
      for (const { field, key } of indexColumns(spec)) {
        const col = columnOf(field, key);
        if (this.columns.some((c) => c.sql === col.sql) || added.some((c) => c.sql === col.sql))
          continue;
        // NULL for every row at once (no rewrite), then the value of the rows that have one.
        this.db.exec(`ALTER TABLE "${table}" ADD COLUMN ${col.sql}`);
        this.db.exec(fillColumnSql(table, field, key));
        added.push(col);
      }
      for (const { name: old } of existing) {
        const base = old.replace(/__unique$/, '');
        const sameFields =
          base.startsWith(prefix) && /^(_u)?(_s)?(_ttl\d+)?$/.test(base.slice(prefix.length));
        if (sameFields && base !== `${table}__${name}`) this.db.exec(`DROP INDEX "${old}"`);
      }
      for (const w of wanted) {
        const found = existing.find((e) => e.name === w.name);
        if (found?.sql === w.sql) continue;
        if (found) this.db.exec(`DROP INDEX "${w.name}"`);
        this.db.exec(w.sql);
        created = true;
      }
      // A new index on rows already there: its statistics now (analysis_limit keeps this to
      // about a thousand rows), or the planner guesses until the next PRAGMA optimize.
      if (created && this.db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get())
        this.db.exec(`ANALYZE "${table}"`);
    })();
    for (const c of added) this.addColumn(c.field, c.key);
  }

  /** The query plan of a find, for tests and the scale benchmark (`SCAN` means no index served it). */
  explain(filter: Filter, options: FindOptions = {}): string[] {
    const where = toWhere(filter, this.fields);
    const orderBy = options.sort ? toOrderBy(withIdTiebreak(options.sort), this.fields) : null;
    const sql = `SELECT doc FROM "${this.table}" WHERE ${where.sql}${orderBy ? ` ORDER BY ${orderBy}` : ''}`;
    return (
      this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...where.params) as { detail: string }[]
    ).map((r) => r.detail);
  }
}

/**
 * The store used without MONGODB_URI: SQLite in `DATA_DIR/store.sqlite` (WAL; the log is
 * fsync'd after every commit, off the event loop, and whatever tells anybody that something was
 * saved waits for that: `durable`; one process holds the directory), or in memory for tests. An
 * old nedb store's journal in the same directory is migrated once at start, and its files kept
 * as `*.migrated`.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly ttl: TtlPurger;
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly arrayPaths = new Map<string, Set<string>>();
  private closed = false;
  private optimizer: NodeJS.Timeout | null = null;
  /** Each operation's savepoint in the group commit, prepared once (an exec parses every time). */
  private readonly savepoint: Record<'begin' | 'release' | 'rollback', Database.Statement>;
  /** The group commit's own transaction, prepared once too. */
  private readonly group: Record<'begin' | 'commit', Database.Statement>;
  /** The operations of the open group-commit transaction, waiting for its COMMIT. */
  private batch: { resolve: () => void; reject: (err: unknown) => void }[] | null = null;
  /**
   * The documents the open transaction wrote, in order: what the collections' caches must forget
   * when an operation's savepoint or the whole transaction is rolled back.
   */
  private readonly written: [SqliteCollection<Doc>, string][] = [];
  /** Transactions committed, and the fsync of the log that follows the last of them. */
  private commits = 0;
  private lastSync: Promise<void> | null = null;
  private syncedThrough = 0;
  /**
   * A failed fsync of the log. The kernel may have dropped the pages it could not write, so a
   * later fsync that succeeds proves nothing about them: from then on nothing is acknowledged as
   * durable, and /readyz is red, until the process restarts (SQLite recovers from the log on
   * disk), as PostgreSQL does.
   */
  private syncFailure: EmbeddedStoreUnavailableError | null = null;

  private constructor(
    readonly db: Database.Database,
    private readonly lock: DataDirLock | null,
    /** The log's fsync off the event loop (null in memory, where nothing is synced). */
    private readonly walSync: WalSync | null = null,
  ) {
    this.ttl = new TtlPurger();
    this.savepoint = {
      begin: db.prepare('SAVEPOINT op'),
      release: db.prepare('RELEASE op'),
      rollback: db.prepare('ROLLBACK TO op'),
    };
    this.group = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT') };
    db.exec(
      'CREATE TABLE IF NOT EXISTS _pk_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID',
    );
    for (const row of db
      .prepare(`SELECT key, value FROM _pk_meta WHERE key LIKE 'arrays:%'`)
      .all() as {
      key: string;
      value: string;
    }[]) {
      this.arrayPaths.set(
        row.key.slice('arrays:'.length),
        new Set(JSON.parse(row.value) as string[]),
      );
    }
  }

  /** Opens (or creates) the store in `dir`; `null` keeps everything in memory (tests only). */
  static async open(
    dir: string | null,
    opts: {
      maxMb?: number;
      /**
       * False only for bulk loads that start over when they fail (the scale benchmark's data
       * maker): the log is not fsync'd after commits and `durable` waits for nothing. close() still
       * checkpoints everything into the database file.
       */
      syncEachCommit?: boolean;
    } = {},
  ): Promise<EmbeddedStore> {
    if (!dir) return new EmbeddedStore(new Database(':memory:'), null);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw EmbeddedStoreUnavailableError.fromFs(err, dir);
    }
    const lock = new DataDirLock(dir);
    lock.take();
    const file = path.join(dir, 'store.sqlite');
    let db: Database.Database | null = null;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      // Commits do not wait for the disk inside SQLite: the store fsyncs the log itself, off the
      // event loop, and answers wait for that (wal-sync.ts, `durable`).
      db.pragma('synchronous = NORMAL');
      // One process owns the file; the lock is the operating system's and dies with the process.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('cache_size = -32000');
      if (opts.maxMb) {
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        db.pragma(`max_page_count = ${Math.ceil((opts.maxMb * 1024 * 1024) / pageSize)}`);
      }
      db.exec('BEGIN IMMEDIATE; COMMIT');
      // The planner's statistics: without them it picks an index by guess (e.g. `status IN (..)`
      // over a date range that finds a hundredth of the rows). An approximate ANALYZE of the
      // tables whose size changed much, at open and every OPTIMIZE_INTERVAL_MS (cheap: at most
      // about 1,000 rows read per index).
      db.pragma('analysis_limit = 1000');
      db.pragma('optimize = 0x10002');
      const sync = opts.syncEachCommit === false ? null : new WalSync(`${file}-wal`);
      const store = new EmbeddedStore(db, lock, sync);
      store.optimizer = setInterval(() => store.optimize(), OPTIMIZE_INTERVAL_MS);
      store.optimizer.unref();
      await store.migrateLegacy(dir);
      return store;
    } catch (err) {
      db?.close();
      lock.release();
      const code = (err as { code?: string })?.code;
      if (code && SQLITE_UNAVAILABLE.test(code)) {
        throw new EmbeddedStoreUnavailableError(code, `${file}: ${(err as Error).message}`);
      }
      throw err;
    }
  }

  /** Moves an old (nedb journal) store in `dir` into this database once, in one transaction. */
  private async migrateLegacy(dir: string): Promise<void> {
    const files = legacyFiles(dir);
    if (files.length === 0) return;
    const already = this.db
      .prepare(`SELECT value FROM _pk_meta WHERE key = 'migratedFromNedb'`)
      .get();
    if (!already) {
      const batch: { c: string; put?: Json; del?: string }[] = [];
      const collectionOf = (c: string) =>
        this.collection<Doc>(c) as unknown as SqliteCollection<Doc>;
      let count = 0;
      const flush = () => {
        for (const rec of batch) {
          if (rec.put) {
            const doc: Json = {};
            for (const [k, v] of Object.entries(rec.put)) if (!k.startsWith('__idx_')) doc[k] = v;
            doc._id = String(doc._id);
            collectionOf(rec.c).put(doc);
          } else if (rec.del !== undefined) {
            collectionOf(rec.c).remove(rec.del);
          }
        }
        count += batch.length;
        batch.length = 0;
      };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        for await (const rec of readLegacy(files)) {
          batch.push(rec.op === 'put' ? { c: rec.c, put: rec.doc } : { c: rec.c, del: rec.id });
          if (batch.length >= 1000) flush();
        }
        flush();
        this.db.prepare(`INSERT INTO _pk_meta (key, value) VALUES ('migratedFromNedb', ?)`).run(
          JSON.stringify({
            at: new Date().toISOString(),
            records: count,
            files: files.map((f) => path.basename(f)),
          }),
        );
        this.db.exec('COMMIT');
        this.written.length = 0;
        // On disk before the old files are set aside (a checkpoint fsyncs the log and the file).
        this.db.pragma('wal_checkpoint(FULL)');
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        this.forgetWrites(0);
        throw new EmbeddedStoreStartError(
          `the old embedded store in ${dir} could not be migrated (nothing was changed): ${(err as Error).message}`,
        );
      }
    }
    setAsideLegacy(files);
  }

  /** What the migration of an old store recorded, or null when there was none. */
  migration(): { at: string; records: number; files: string[] } | null {
    const row = this.db
      .prepare(`SELECT value FROM _pk_meta WHERE key = 'migratedFromNedb'`)
      .get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as { at: string; records: number; files: string[] }) : null;
  }

  collection<T extends Doc>(name: string): Collection<T> {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) throw new Error(`bad collection name ${name}`);
    this.assertOpen();
    let col = this.collections.get(name);
    if (!col) {
      col = new SqliteCollection<Doc>(name, this);
      this.collections.set(name, col);
    }
    return col as unknown as Collection<T>;
  }

  /** True when `field` or a path above it has held an array in `collection` (queries there use the matcher). */
  hasArrayPath(collection: string, field: string): boolean {
    const paths = this.arrayPaths.get(collection);
    if (!paths || paths.size === 0) return false;
    let p = '';
    for (const part of field.split('.')) {
      p = p ? `${p}.${part}` : part;
      if (paths.has(p)) return true;
    }
    return false;
  }

  /** Remembers (durably, in the write's transaction) the paths where a written document holds arrays. */
  noteArrays(collection: string, doc: Json): void {
    const found = new Set<string>();
    arrayPathsOf(doc, '', found);
    if (found.size === 0) return;
    let paths = this.arrayPaths.get(collection);
    if (!paths) this.arrayPaths.set(collection, (paths = new Set()));
    const before = paths.size;
    for (const p of found) paths.add(p);
    if (paths.size === before) return;
    this.db
      .prepare('INSERT OR REPLACE INTO _pk_meta (key, value) VALUES (?, ?)')
      .run(`arrays:${collection}`, JSON.stringify([...paths].sort()));
  }

  /**
   * Drops the indexes of this store's naming that no index ensured since it opened asked for
   * (an older version's, or a collection no longer used): call once, after start-up has ensured
   * every index. Returns the names dropped.
   */
  async retireUnusedIndexes(): Promise<string[]> {
    this.assertOpen();
    const ensured = new Set<string>();
    for (const col of this.collections.values())
      for (const n of col.ensuredIndexes()) ensured.add(n);
    const ours = (
      this.db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB 'c_*__pk_*'`)
        .all() as { name: string }[]
    ).map((r) => r.name);
    const stale = ours.filter((n) => !ensured.has(n));
    if (stale.length)
      this.db.transaction(() => {
        for (const n of stale) this.db.exec(`DROP INDEX "${n}"`);
      })();
    return stale;
  }

  /** The query plan a find would use (tests, benchmarks). */
  explain(collection: string, filter: Filter, options?: FindOptions): string[] {
    return (this.collection(collection) as unknown as SqliteCollection<Doc>).explain(
      filter,
      options,
    );
  }

  /** Runs the TTL purges now (tests; the store also runs them every TTL_PURGE_INTERVAL_MS). */
  async purgeExpired(now?: Date): Promise<number> {
    return this.ttl.purgeNow(now);
  }

  assertOpen(): void {
    if (this.closed) throw new Error('the embedded store is closed');
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      // A write, committed, so /readyz turns red when the disk is full or DATA_DIR became read-only.
      await this.atomically(
        () =>
          this.db
            .prepare(`INSERT OR REPLACE INTO _pk_meta (key, value) VALUES ('ping', ?)`)
            .run(new Date().toISOString()),
        (err) => {
          throw err;
        },
      );
      // And on disk: after a failed fsync nothing more is acknowledged, so the store is not ready.
      await this.durable();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Group commit: the writes made in one turn of the event loop share one transaction and one
   * fsync. Each operation runs under its own savepoint (so a refused one leaves no trace and the
   * others stand), and its promise settles only after the COMMIT: nobody hears "saved" before
   * it is on disk. If the COMMIT fails (disk full, I/O error), every operation of the batch is
   * rejected and nothing of it is stored.
   */
  atomically<R>(fn: () => R, wrap: (err: unknown) => never): Promise<R> {
    this.assertOpen();
    if (!this.batch) {
      try {
        this.group.begin.run();
      } catch (err) {
        return Promise.reject(catchWrap(wrap, err));
      }
      this.batch = [];
      setImmediate(() => this.commitBatch());
    }
    let result: R;
    const mark = this.written.length;
    this.savepoint.begin.run();
    try {
      result = fn();
      this.savepoint.release.run();
    } catch (err) {
      try {
        this.savepoint.rollback.run();
        this.savepoint.release.run();
      } catch {
        /* the batch is lost with the transaction: its COMMIT will tell the others */
      }
      // What this operation wrote is undone; if SQLite undid the whole transaction (a full
      // disk can), everything the batch wrote is.
      this.forgetWrites(this.db.inTransaction ? mark : 0);
      return Promise.reject(catchWrap(wrap, err));
    }
    return new Promise<R>((resolve, reject) =>
      this.batch!.push({
        resolve: () => resolve(result),
        reject: (e) => reject(catchWrap(wrap, e)),
      }),
    );
  }

  /** Refreshes the planner's statistics where tables changed much (SQLite's `PRAGMA optimize`). */
  optimize(): void {
    if (this.closed || this.batch) return;
    try {
      this.db.pragma('optimize');
    } catch {
      /* statistics are an optimisation: a busy or full disk must not stop the store */
    }
  }

  /** Notes a document written in the open transaction (see `written`). */
  noteWrite(collection: SqliteCollection<Doc>, id: string): void {
    if (this.db.inTransaction) this.written.push([collection, id]);
  }

  /** The collections' caches forget the documents written since `mark` (their writes were undone). */
  private forgetWrites(mark: number): void {
    for (let i = mark; i < this.written.length; i++) {
      const [collection, id] = this.written[i];
      collection.forgetDoc(id);
    }
    this.written.length = mark;
  }

  private commitBatch(): void {
    const waiting = this.batch ?? [];
    this.batch = null;
    try {
      this.group.commit.run();
      this.written.length = 0;
    } catch (err) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        /* nothing more to undo */
      }
      this.forgetWrites(0);
      for (const w of waiting) w.reject(err);
      return;
    }
    this.commits++;
    // Committed: readers see it and a crash of the process keeps it. The log's fsync starts now,
    // off the event loop; what tells anybody it was saved waits for it (`durable`).
    for (const w of waiting) w.resolve();
    if (this.walSync) this.syncLog().catch(() => undefined);
  }

  /** An fsync of the log that starts after everything committed so far. */
  private syncLog(): Promise<void> {
    const through = this.commits;
    const done = this.walSync!.sync().then(
      () => {
        this.syncedThrough = Math.max(this.syncedThrough, through);
      },
      (err: unknown) => {
        const code = (err as { code?: string })?.code ?? 'EIO';
        const failed = EmbeddedStoreUnavailableError.fromFs(err, 'DATA_DIR');
        this.syncFailure ??=
          failed instanceof EmbeddedStoreUnavailableError
            ? failed
            : new EmbeddedStoreUnavailableError(
                'SQLITE_IOERR_FSYNC',
                `${code}: ${(err as Error)?.message ?? String(err)}`,
              );
        throw this.syncFailure;
      },
    );
    this.lastSync = done;
    return done;
  }

  /**
   * The durability barrier (Store.durable): waits for the open group commit, then for an fsync
   * of the log that began after it, usually the one already running for the last commit. Turns
   * of one moment share it: a turn waits for one fsync, not one for each of its writes.
   */
  async durable(): Promise<void> {
    if (this.batch) {
      // Its operations hear their own outcome; here only its end matters.
      await new Promise<void>((resolve) => this.batch!.push({ resolve, reject: () => resolve() }));
    }
    if (this.syncFailure) throw this.syncFailure;
    // A closed store has waited for every fsync it started (close drains them).
    if (this.closed || !this.walSync || this.syncedThrough >= this.commits) return;
    // Every commit started an fsync of the log (commitBatch): the last one covers them all.
    await this.lastSync!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.batch) this.commitBatch();
    if (this.optimizer) clearInterval(this.optimizer);
    this.optimize();
    this.ttl.stop();
    this.closed = true;
    // Every write acknowledged or refused before the file closes.
    await this.walSync?.drain();
    this.db.close();
    await this.walSync?.close();
    this.lock?.release();
  }
}

export { EmbeddedStoreUnavailableError };
