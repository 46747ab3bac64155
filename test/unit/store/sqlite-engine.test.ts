import fc from 'fast-check';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Query } from 'mingo';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import { columnFill } from '../../../services/store/sqlite-sql';
import { DuplicateKeyError, Filter } from '../../../services/store/store';
import { freshDataDir } from '../../support/temp-dirs';

/**
 * What only the embedded engine (SQLite) has to get right: its SQL says exactly what MongoDB's
 * matcher says, indexed queries are served by their index, and an old nedb DATA_DIR moves in once.
 */

interface Item {
  _id: string;
  owner?: string | null;
  n?: number | string | boolean | null;
  tags?: string[];
  nested?: { a?: number | null; b?: string };
}

const value = fc.oneof(
  fc.constantFrom('x', 'y', 'z', ''),
  fc.integer({ min: -2, max: 3 }),
  fc.constant(null),
  fc.boolean(),
);

const doc = (id: number) =>
  fc
    .record(
      {
        owner: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
        n: value,
        tags: fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
        nested: fc.record(
          { a: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    )
    .map((d) => ({ _id: `d${String(id).padStart(2, '0')}`, ...d }) as Item);

const field = fc.constantFrom('owner', 'n', 'tags', 'nested.a', 'missing', '_id');
const condition: fc.Arbitrary<unknown> = fc.oneof(
  value,
  fc.record({ $ne: value }),
  fc.record({ $in: fc.array(value, { maxLength: 3 }) }),
  fc.record({ $nin: fc.array(value, { maxLength: 3 }) }),
  fc.record({ $lt: value }),
  fc.record({ $gte: value }),
  fc.record({ $exists: fc.boolean() }),
);
const leaf = fc.tuple(field, condition).map(([f, c]) => ({ [f]: c }) as Filter);
const filter: fc.Arbitrary<Filter> = fc.oneof(
  leaf,
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((fs) => ({ $or: fs })),
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((fs) => ({ $and: fs })),
  fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
);

describe('embedded store on SQLite', () => {
  it('when any filter of the subset runs, then it selects exactly what the MongoDB matcher selects (SQL where it can, the matcher for array paths)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.nat(), { minLength: 0, maxLength: 12 })
          .chain((ids) => fc.tuple(...ids.map((_, i) => doc(i)))),
        filter,
        async (docs, f) => {
          const store = await EmbeddedStore.open(null);
          try {
            const col = store.collection<Item>('items');
            await col.ensureIndex({ fields: ['owner'] });
            await col.ensureIndex({ fields: ['n'] });
            for (const d of docs) await col.insertOne(d);
            const got = (await col.find(f, { sort: { _id: 1 } })).map((d) => d._id);
            const want = new Query(f)
              .find(docs as unknown as Record<string, unknown>[])
              .all()
              .map((d) => (d as { _id: string })._id)
              .sort();
            expect(got).toEqual(want);
            expect(await col.count(f)).toBe(want.length);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when documents are inserted, updated, upserted and replaced at random, then every indexed column holds what the document says and queries on them select what MongoDB selects', async () => {
    const update = fc.oneof(
      fc.record({
        $set: fc.record({ owner: fc.option(fc.constantFrom('x', 'y'), { nil: null }) }),
      }),
      fc.record({ $set: fc.record({ n: value }) }),
      fc.record({
        $set: fc.record({ 'nested.a': fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }),
      }),
      fc.record({ $set: fc.record({ nested: fc.constantFrom(5, 'flat', { b: 'q' }) }) }),
      fc.constant({ $unset: { n: true as const } }),
      fc.constant({ $unset: { nested: true as const } }),
      fc.record({ $inc: fc.record({ n: fc.integer({ min: -1, max: 1 }) }) }),
    );
    const op = fc.record({
      target: fc.oneof(
        fc.record({ _id: fc.constantFrom('d00', 'd01', 'd02', 'new') }),
        fc.record({ _id: fc.constantFrom('d00', 'd01'), owner: fc.constantFrom('x', 'y') }),
        fc.record({ owner: fc.constantFrom('x', 'y', 'z') }),
      ),
      update,
      many: fc.boolean(),
      upsert: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.nat(), { minLength: 0, maxLength: 6 })
          .chain((ids) => fc.tuple(...ids.map((_, i) => doc(i)))),
        fc.array(op, { maxLength: 8 }),
        filter,
        async (docs, ops, f) => {
          const store = await EmbeddedStore.open(null);
          try {
            const col = store.collection<Item>('items');
            await col.ensureIndex({ fields: ['owner'] });
            await col.ensureIndex({ fields: ['n', 'nested.a'] });
            await col.ensureIndex({ fields: ['nested.a'], unique: true, sparse: true });
            for (const d of docs) await col.insertOne(d).catch(() => undefined);
            for (const o of ops) {
              // A refused write (a unique key, $inc of a string) must leave the columns as they were.
              if (o.many) await col.updateMany(o.target, o.update).catch(() => undefined);
              else
                await col
                  .findOneAndUpdate(o.target, o.update, { upsert: o.upsert })
                  .catch(() => undefined);
            }
            const stale = store.db
              .prepare(
                `SELECT _id FROM c_items WHERE "v:owner" IS NOT ${columnFill('owner')}
                   OR "v:n" IS NOT ${columnFill('n')}
                   OR "v:nested.a" IS NOT ${columnFill('nested.a')}
                   OR "k:nested.a" IS NOT (doc -> '$."nested"."a"')
                   OR typeof("v:n") <> typeof(${columnFill('n')})`,
              )
              .all();
            expect(stale).toEqual([]);
            // A lookup by _id (answered from the written-through cache) sees what the table
            // holds, also after refused writes that had changed other documents first.
            const table = new Map(
              (
                store.db.prepare(`SELECT _id, doc FROM c_items`).all() as {
                  _id: string;
                  doc: string;
                }[]
              ).map((r) => [r._id, JSON.parse(r.doc) as Item]),
            );
            for (const id of ['d00', 'd01', 'd02', 'd03', 'new']) {
              const want = table.get(id) ?? null;
              expect(await col.findOne({ _id: id })).toEqual(want);
              expect((await col.findReadonly({ _id: id }))[0] ?? null).toEqual(want);
              expect(await col.count({ _id: id, owner: 'x' })).toBe(want?.owner === 'x' ? 1 : 0);
            }
            const all = await col.find({}, { sort: { _id: 1 } });
            const got = (await col.find(f, { sort: { _id: 1 } })).map((d) => d._id);
            const want = new Query(f)
              .find(all as unknown as Record<string, unknown>[])
              .all()
              .map((d) => (d as { _id: string })._id)
              .sort();
            expect(got).toEqual(want);
            // Readers that only look get the cache's documents for the _ids SQL names.
            expect(await col.findReadonly(f, { sort: { _id: 1 } })).toEqual(
              want.map((id) => table.get(id)),
            );
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when an update leaves an indexed field as it was, then its column is not written (its index is not touched) and a change is', async () => {
    const store = await EmbeddedStore.open(null);
    const col = store.collection<Item>('apps');
    await col.ensureIndex({ fields: ['owner'] });
    await col.ensureIndex({ fields: ['n'] });
    await col.insertOne({ _id: 'a', owner: 'x', n: 1 });
    // SQLite runs an UPDATE OF trigger only for the columns an UPDATE names in its SET list.
    store.db.exec(`CREATE TABLE touched (col TEXT)`);
    store.db.exec(
      `CREATE TRIGGER t_owner AFTER UPDATE OF "v:owner" ON c_apps BEGIN INSERT INTO touched VALUES ('owner'); END`,
    );
    store.db.exec(
      `CREATE TRIGGER t_n AFTER UPDATE OF "v:n" ON c_apps BEGIN INSERT INTO touched VALUES ('n'); END`,
    );
    const touched = () =>
      (store.db.prepare('SELECT col FROM touched').all() as { col: string }[]).map((r) => r.col);
    await col.findOneAndUpdate({ _id: 'a' }, { $set: { tags: ['t'], owner: 'x' } });
    expect(touched()).toEqual([]);
    await col.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 1 } });
    expect(touched()).toEqual(['n']);
    await col.updateMany({ owner: 'x' }, { $set: { owner: 'y' } });
    expect(touched()).toEqual(['n', 'owner']);
    expect(await col.find({ owner: 'y', n: 2 })).toHaveLength(1);
    await store.close();
  });

  it('when a DATA_DIR has indexes on expressions over the document (the version before indexed columns), then each indexed field gets its column once at start, filled from the documents, and indexes no longer asked for are dropped', async () => {
    const dir = freshDataDir('pk-columns-');
    // The earlier version's layout, written as it wrote it.
    const Database = (await import('better-sqlite3')).default;
    const old = new Database(path.join(dir, 'store.sqlite'));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE c_apps (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)');
    old.exec(`CREATE INDEX "c_apps__pk_owner" ON "c_apps" (json_extract(doc, '$."owner"'))`);
    old.exec(
      `CREATE INDEX "c_apps__pk_owner__n" ON "c_apps" (json_extract(doc, '$."owner"'), json_extract(doc, '$."n"'))`,
    );
    old.exec(`CREATE INDEX "c_apps__pk_reg_u_s" ON "c_apps" (json_extract(doc, '$."reg"'))`);
    old.exec(
      `CREATE UNIQUE INDEX "c_apps__pk_reg_u_s__unique" ON "c_apps" (IFNULL(doc -> '$."reg"', 'null')) WHERE json_type(doc, '$."reg"') IS NOT NULL`,
    );
    const insert = old.prepare('INSERT INTO c_apps (_id, doc) VALUES (?, ?)');
    for (let i = 0; i < 40; i++)
      insert.run(
        `p${i}`,
        JSON.stringify({
          _id: `p${i}`,
          owner: `o${i % 4}`,
          n: i,
          ...(i % 2 ? { reg: `R${i}` } : {}),
        }),
      );
    old.close();

    const store = await EmbeddedStore.open(dir);
    const col = store.collection<Item & { reg?: string }>('apps');
    await col.ensureIndex({ fields: ['owner', 'n'] });
    await col.ensureIndex({ fields: ['reg'], unique: true, sparse: true });
    expect(await store.retireUnusedIndexes()).toEqual(['c_apps__pk_owner']);
    const indexes = store.db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'c_apps' AND sql IS NOT NULL ORDER BY name`,
      )
      .all() as { name: string; sql: string }[];
    expect(indexes.map((i) => i.name)).toEqual([
      'c_apps__pk_owner__n',
      'c_apps__pk_reg_u_s',
      'c_apps__pk_reg_u_s__unique',
    ]);
    for (const i of indexes) expect(i.sql).not.toMatch(/json_|doc/);
    expect((await col.find({ owner: 'o3' }, { sort: { n: -1 } })).map((d) => d.n)).toEqual([
      39, 35, 31, 27, 23, 19, 15, 11, 7, 3,
    ]);
    expect(await col.count({ owner: 'o1', n: { $gt: 20 } })).toBe(5);
    expect(store.explain('apps', { owner: 'o1', n: { $gt: 3 } })[0]).toMatch(
      /USING (COVERING )?INDEX c_apps__pk_owner__n/,
    );
    // The unique rule holds on the filled key column, and documents without the field pass.
    await expect(col.insertOne({ _id: 'q', reg: 'R5' })).rejects.toBeInstanceOf(DuplicateKeyError);
    await col.insertOne({ _id: 'q1' });
    await col.insertOne({ _id: 'q2' });
    await store.close();
    // Once: the next start finds the columns and the indexes as they should be.
    const again = await EmbeddedStore.open(dir);
    const col2 = again.collection<Item>('apps');
    await col2.ensureIndex({ fields: ['owner', 'n'] });
    await col2.ensureIndex({ fields: ['reg'], unique: true, sparse: true });
    expect(await again.retireUnusedIndexes()).toEqual([]);
    expect(await col2.count({ owner: 'o2' })).toBe(10);
    await again.close();
  });

  it('when a query is on indexed fields, then SQLite searches the index instead of scanning the table', async () => {
    const store = await EmbeddedStore.open(null);
    const col = store.collection<Item>('apps');
    await col.ensureIndex({ fields: ['owner'] });
    await col.ensureIndex({ fields: ['owner', 'n'] });
    await col.insertOne({ _id: 'a', owner: 'x', n: 1, tags: ['t'] });
    const plan = (f: Filter, sort?: Record<string, 1 | -1>) =>
      store.explain('apps', f, { sort }).join(' | ');
    expect(plan({ owner: 'x' })).toMatch(/SEARCH .* USING INDEX/);
    expect(plan({ owner: { $in: ['x', 'y'] } })).toMatch(/SEARCH .* USING INDEX/);
    expect(plan({ owner: 'x', n: { $gte: 1 } })).toMatch(/SEARCH .* USING INDEX .*pk_owner__n/);
    expect(plan({ owner: 'x' }, { n: -1 })).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    expect(plan({ _id: 'a' })).toMatch(/SEARCH .* USING INDEX sqlite_autoindex_\S+ \(_id=\?\)/);
    expect(plan({ owner: { $exists: false } })).toMatch(/SEARCH .* USING INDEX/);
    // Not indexed: a scan (what the scale benchmark looks for).
    expect(plan({ 'nested.a': 1 })).toMatch(/SCAN/);
    await store.close();
  });

  it("when the commit of a moment's writes fails, then every write of it is refused and a lookup by _id reads what the table holds, not what was written", async () => {
    const store = await EmbeddedStore.open(null);
    const col = store.collection<Item>('g');
    await col.insertOne({ _id: 'a', n: 1 });
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    // A deferred foreign key is checked only at COMMIT: a row that breaks it fails the whole
    // group commit after every operation in it had succeeded.
    store.db.pragma('foreign_keys = ON');
    store.db.exec(`CREATE TABLE parent (id TEXT PRIMARY KEY)`);
    store.db.exec(
      `CREATE TABLE child (pid TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`,
    );
    const writes = [
      col.findOneAndUpdate({ _id: 'a' }, { $set: { n: 2 } }),
      col.insertOne({ _id: 'b', n: 3 }),
    ];
    store.db.exec(`INSERT INTO child (pid) VALUES ('missing')`);
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    expect(await col.findReadonly({ _id: 'a' })).toEqual([{ _id: 'a', n: 1 }]);
    expect(await col.findOne({ _id: 'b' })).toBeNull();
    expect(await col.count({ _id: 'b' })).toBe(0);
    await store.close();
  });

  it('when writes of one moment share a commit and one is refused, then only that one fails and the others are on disk when acknowledged', async () => {
    const dir = freshDataDir('pk-sqlite-group-');
    const store = await EmbeddedStore.open(dir);
    const col = store.collection<Item>('g');
    await col.insertOne({ _id: 'taken' });
    // Issued in the same turn of the event loop: one transaction, one fsync.
    const results = await Promise.allSettled([
      col.insertOne({ _id: 'a', n: 1 }),
      col.insertOne({ _id: 'taken', n: 2 }),
      col.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 10 } }),
      col.insertOne({ _id: 'b', n: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
    expect((results[2] as PromiseFulfilledResult<Item | null>).value).toMatchObject({
      _id: 'a',
      n: 11,
    });
    await store.close();
    const again = await EmbeddedStore.open(dir);
    expect(await again.collection<Item>('g').find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', n: 11 },
      { _id: 'b', n: 3 },
      { _id: 'taken' },
    ]);
    await again.close();
  });

  it('when an index spec changes between versions, then the old index is replaced at start-up and the unique rule holds', async () => {
    const dir = freshDataDir('pk-sqlite-index-');
    let store = await EmbeddedStore.open(dir);
    let col = store.collection<Item>('people');
    await col.ensureIndex({ fields: ['owner'] });
    await col.insertOne({ _id: '1', owner: 'x' });
    await col.insertOne({ _id: '2' });
    await store.close();
    store = await EmbeddedStore.open(dir);
    col = store.collection<Item>('people');
    await col.ensureIndex({ fields: ['owner'], unique: true, sparse: true });
    await expect(col.insertOne({ _id: '3', owner: 'x' })).rejects.toThrow(/duplicate key/);
    await col.insertOne({ _id: '4' });
    const indexes = store.db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'c_people' AND name NOT LIKE 'sqlite_autoindex_%'`,
      )
      .all() as { name: string }[];
    expect(indexes.map((i) => i.name).sort()).toEqual([
      'c_people__pk_owner_u_s',
      'c_people__pk_owner_u_s__unique',
    ]);
    await store.close();
  });

  it('when a DATA_DIR was made with WITHOUT ROWID tables (the first SQLite version), then each table is moved to the rowid layout once at start and nothing is lost', async () => {
    const dir = freshDataDir();
    // The first version's layout, written as it wrote it.
    const Database = (await import('better-sqlite3')).default;
    const old = new Database(path.join(dir, 'store.sqlite'));
    old.pragma('journal_mode = WAL');
    old.exec(
      'CREATE TABLE c_people (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID',
    );
    const insert = old.prepare('INSERT INTO c_people (_id, doc) VALUES (?, ?)');
    for (let i = 0; i < 50; i++)
      insert.run(`p${i}`, JSON.stringify({ _id: `p${i}`, owner: `o${i % 5}`, n: i }));
    old.close();

    const store = await EmbeddedStore.open(dir);
    const col = store.collection<Item>('people');
    await col.ensureIndex({ fields: ['owner', 'n'] });
    const sql = (
      store.db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'c_people'`).get() as {
        sql: string;
      }
    ).sql;
    expect(sql).not.toMatch(/WITHOUT ROWID/i);
    expect(await col.count({})).toBe(50);
    expect((await col.find({ owner: 'o3' }, { sort: { n: 1 } })).map((d) => d.n)).toEqual([
      3, 8, 13, 18, 23, 28, 33, 38, 43, 48,
    ]);
    await expect(col.insertOne({ _id: 'p7' })).rejects.toBeInstanceOf(DuplicateKeyError);
    // The counts an index covers do not read the documents.
    expect(store.explain('people', { owner: 'o1', n: { $gt: 3 } })[0]).toMatch(/USING INDEX/);
    await store.close();
    // Once: the next start finds the rowid layout and keeps it.
    const again = await EmbeddedStore.open(dir);
    expect(await again.collection<Item>('people').count({ owner: 'o1' })).toBe(10);
    await again.close();
  });

  it('when a DATA_DIR holds an old nedb store, then it is migrated once at start, the old files are kept aside, and nothing is lost', async () => {
    const dir = freshDataDir('pk-migrate-');
    const lines = (recs: unknown[]) => recs.map((r) => JSON.stringify(r)).join('\n') + '\n';
    // The old store's files as it wrote them: a snapshot, then a journal with later changes,
    // compound-index helper fields, and a torn last line from a crash.
    writeFileSync(
      path.join(dir, 'store.snapshot.jsonl'),
      lines([
        {
          c: 'applications',
          op: 'put',
          doc: {
            _id: 'a1',
            ownerId: 'u1',
            title: 'Räkna rätt',
            regNo: 'PK-2027-0001',
            __idx_ownerId__year: '["u1",2027]',
          },
        },
        {
          c: 'applications',
          op: 'put',
          doc: { _id: 'a2', ownerId: 'u2', title: 'Gammal', tags: ['x'] },
        },
        { c: 'audit', op: 'put', doc: { _id: 'e1', entityId: 'a1', action: 'submitted' } },
      ]),
    );
    writeFileSync(
      path.join(dir, 'store.journal.jsonl'),
      lines([
        {
          c: 'applications',
          op: 'put',
          doc: {
            _id: 'a1',
            ownerId: 'u1',
            title: 'Räkna rätt',
            regNo: 'PK-2027-0001',
            status: 'submitted',
          },
        },
        { c: 'applications', op: 'del', id: 'a2' },
        { c: 'applications', op: 'put', doc: { _id: 'a3', ownerId: 'u1', tags: ['y', 'z'] } },
      ]) + '{"c":"applications","op":"put","doc":{"_id":"a4"',
    );
    const store = await EmbeddedStore.open(dir);
    const apps = store.collection<Record<string, unknown> & { _id: string }>('applications');
    expect(await apps.find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a1', ownerId: 'u1', title: 'Räkna rätt', regNo: 'PK-2027-0001', status: 'submitted' },
      { _id: 'a3', ownerId: 'u1', tags: ['y', 'z'] },
    ]);
    // Array fields from the old store are known, so element queries still match.
    expect((await apps.find({ tags: 'z' })).map((d) => d._id)).toEqual(['a3']);
    expect(await store.collection('audit').count({ entityId: 'a1' })).toBe(1);
    expect(store.migration()).toMatchObject({ records: 6 });
    expect(readdirSync(dir).sort()).toEqual(
      expect.arrayContaining([
        'store.journal.jsonl.migrated',
        'store.snapshot.jsonl.migrated',
        'store.sqlite',
      ]),
    );
    expect(existsSync(path.join(dir, 'store.snapshot.jsonl'))).toBe(false);
    await apps.insertOne({ _id: 'a5', ownerId: 'u3' });
    await store.close();
    const again = await EmbeddedStore.open(dir);
    expect(await again.collection('applications').count({})).toBe(3);
    await again.close();
  });

  it('when the old journal has a corrupt line in the middle, then start-up stops with the file and line and changes nothing', async () => {
    const dir = freshDataDir('pk-migrate-bad-');
    writeFileSync(
      path.join(dir, 'store.journal.jsonl'),
      '{"c":"a","op":"put","doc":{"_id":"1"}}\nnot json\n{"c":"a","op":"put","doc":{"_id":"2"}}\n',
    );
    await expect(EmbeddedStore.open(dir)).rejects.toThrow(
      /could not be migrated \(nothing was changed\).*store\.journal\.jsonl line 2 is corrupt/s,
    );
    expect(existsSync(path.join(dir, 'store.journal.jsonl'))).toBe(true);
    // The lock was given back: fixing the file and starting again works.
    writeFileSync(
      path.join(dir, 'store.journal.jsonl'),
      '{"c":"a","op":"put","doc":{"_id":"1"}}\n',
    );
    const store = await EmbeddedStore.open(dir);
    expect(await store.collection('a').count({})).toBe(1);
    await store.close();
  });
});
