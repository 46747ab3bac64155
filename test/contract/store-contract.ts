import { ConflictingUpdateError } from '../../services/store/semantics';
import { DuplicateKeyError, IndexSpecChangedError, Store } from '../../services/store/store';

interface Item {
  _id: string;
  owner?: string;
  n?: number;
  tags?: string[];
  nested?: { a?: number; b?: string };
  status?: string;
  at?: string;
  gone?: boolean;
  x?: number | null;
}

/**
 * One behaviour for every store: the embedded store always runs it, MongoDB whenever
 * MONGODB_URI points at a server. Repositories may rely on exactly what is tested here.
 */
export function storeContract(
  name: string,
  open: () => Promise<{ store: Store; reopen?: () => Promise<Store> }>,
): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let reopen: (() => Promise<Store>) | undefined;
    let seq = 0;
    const col = () => store.collection<Item>(`contract_${process.pid}_${seq}`);

    beforeEach(async () => {
      seq++;
      ({ store, reopen } = await open());
    });
    afterEach(async () => {
      await store.close();
    });

    it('when a document is inserted, then findOne returns it and a second insert with the same _id is a DuplicateKeyError', async () => {
      const c = col();
      await c.insertOne({ _id: 'a', owner: 'x', n: 1 });
      expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', owner: 'x', n: 1 });
      await expect(c.insertOne({ _id: 'a', owner: 'y' })).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('when documents are read to look at only, then they are the stored values, sorted and limited like find, and later writes do not change what was read', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner'] });
      await c.insertOne({ _id: '1', owner: 'x', n: 1, nested: { a: 1 }, tags: ['t'] });
      await c.insertOne({ _id: '2', owner: 'x', n: 2 });
      await c.insertOne({ _id: '3', owner: 'y', n: 3 });
      const read = await c.findReadonly({ owner: 'x' }, { sort: { n: -1 } });
      expect(read).toEqual(await c.find({ owner: 'x' }, { sort: { n: -1 } }));
      expect(
        (await c.findReadonly({}, { sort: { n: 1 }, skip: 1, limit: 1 })).map((d) => d._id),
      ).toEqual(['2']);
      await c.findOneAndUpdate({ _id: '1' }, { $set: { 'nested.a': 9, n: 10 } });
      // What was read stays as it was; a new read sees the update.
      expect(read[1]).toEqual({ _id: '1', owner: 'x', n: 1, nested: { a: 1 }, tags: ['t'] });
      expect((await c.findReadonly({ _id: '1' }))[0]).toMatchObject({ n: 10, nested: { a: 9 } });
      // Changing what was read is a mistake the embedded store refuses (its documents are frozen).
      if (store.kind === 'embedded') {
        expect(() => {
          (read[1] as { nested: { a: number } }).nested.a = 5;
        }).toThrow(TypeError);
        expect((await c.findOne({ _id: '1' }))!.nested).toEqual({ a: 9 });
      }
    });

    it('when a unique index exists, then a duplicate value is refused but missing values are allowed when sparse', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner'], unique: true, sparse: true });
      await c.insertOne({ _id: '1', owner: 'x' });
      await expect(c.insertOne({ _id: '2', owner: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await c.insertOne({ _id: '3' });
      await c.insertOne({ _id: '4' });
      expect(await c.count({})).toBe(3);
    });

    it('when a compound unique index exists, then only the same combination is refused', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner', 'status'], unique: true });
      await c.insertOne({ _id: '1', owner: 'x', status: 'a' });
      await c.insertOne({ _id: '2', owner: 'x', status: 'b' });
      await expect(c.insertOne({ _id: '3', owner: 'x', status: 'a' })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await expect(
        c.findOneAndUpdate({ _id: '2' }, { $set: { status: 'a' } }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('when querying, then equality, dotted paths, $in, $nin, $ne, ranges, $exists, $or and $and work', async () => {
      const c = col();
      await c.insertOne({
        _id: '1',
        owner: 'a',
        n: 1,
        nested: { a: 1 },
        tags: ['x'],
        at: '2026-01-01',
      });
      await c.insertOne({
        _id: '2',
        owner: 'b',
        n: 2,
        nested: { a: 2 },
        tags: ['y'],
        at: '2026-02-01',
      });
      await c.insertOne({ _id: '3', owner: 'c', n: 3, at: '2026-03-01' });
      const ids = async (f: Record<string, unknown>) =>
        (await c.find(f, { sort: { _id: 1 } })).map((d) => d._id);
      expect(await ids({ owner: 'a' })).toEqual(['1']);
      expect(await ids({ 'nested.a': 2 })).toEqual(['2']);
      expect(await ids({ owner: { $in: ['a', 'c'] } })).toEqual(['1', '3']);
      expect(await ids({ owner: { $nin: ['a', 'c'] } })).toEqual(['2']);
      expect(await ids({ owner: { $ne: 'a' } })).toEqual(['2', '3']);
      expect(await ids({ n: { $gte: 2, $lt: 3 } })).toEqual(['2']);
      expect(await ids({ at: { $lte: '2026-02-01' } })).toEqual(['1', '2']);
      expect(await ids({ nested: { $exists: false } })).toEqual(['3']);
      expect(await ids({ tags: 'y' })).toEqual(['2']);
      expect(await ids({ $or: [{ owner: 'a' }, { n: 3 }] })).toEqual(['1', '3']);
      expect(await ids({ $and: [{ n: { $gt: 1 } }, { owner: { $ne: 'c' } }] })).toEqual(['2']);
    });

    it('when finding with sort, skip and limit, then the page is in order', async () => {
      const c = col();
      for (let i = 0; i < 10; i++) await c.insertOne({ _id: `k${i}`, n: 9 - i });
      const page = await c.find({}, { sort: { n: 1 }, skip: 2, limit: 3 });
      expect(page.map((d) => d.n)).toEqual([2, 3, 4]);
      expect(await c.count({ n: { $gte: 5 } })).toBe(5);
    });

    it('when updating atomically, then $set, $inc, $push and $unset apply and the new document is returned', async () => {
      const c = col();
      await c.insertOne({ _id: '1', n: 1, tags: [], status: 's', gone: true });
      const after = await c.findOneAndUpdate(
        { _id: '1', status: 's' },
        {
          $set: { 'nested.b': 'x', status: 't' },
          $inc: { n: 2 },
          $push: { tags: 'z' },
          $unset: { gone: true },
        },
      );
      expect(after).toEqual({ _id: '1', n: 3, tags: ['z'], status: 't', nested: { b: 'x' } });
      expect(await c.findOneAndUpdate({ _id: '1', status: 's' }, { $set: { n: 0 } })).toBeNull();
    });

    it('when upserting with $inc, then a missing document is created and counters never repeat under concurrency', async () => {
      const c = col();
      const values = await Promise.all(
        Array.from({ length: 100 }, () =>
          c.findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } }, { upsert: true }),
        ),
      );
      expect(new Set(values.map((v) => v!.n)).size).toBe(100);
      expect((await c.findOne({ _id: 'counter' }))!.n).toBe(100);
    });

    it('when claiming with a sorted findOneAndUpdate concurrently, then each document is claimed exactly once', async () => {
      const c = col();
      for (let i = 0; i < 30; i++) await c.insertOne({ _id: `m${i}`, status: 'pending', n: i });
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, w) =>
          c.findOneAndUpdate(
            { status: 'pending' },
            { $set: { status: `taken-${w}` } },
            { sort: { n: 1 } },
          ),
        ),
      );
      const claimed = claims.filter((x) => x !== null).map((x) => x!._id);
      expect(claimed).toHaveLength(30);
      expect(new Set(claimed).size).toBe(30);
    });

    it('when updating and deleting many, then the counts are right', async () => {
      const c = col();
      for (let i = 0; i < 5; i++) await c.insertOne({ _id: `d${i}`, n: i, status: 'a' });
      expect(await c.updateMany({ n: { $lt: 3 } }, { $set: { status: 'b' } })).toBe(3);
      expect(await c.deleteMany({ status: 'b' })).toBe(3);
      expect(await c.count({})).toBe(2);
    });

    it('when a document holds undefined, then it reads back without the field (insert, nested, $set and upsert)', async () => {
      const c = col();
      await c.insertOne({ _id: '1', owner: undefined, nested: { a: 1, b: undefined }, n: 1 });
      const doc = (await c.findOne({ _id: '1' })) as unknown as Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(['_id', 'n', 'nested']);
      expect(Object.keys(doc.nested as object)).toEqual(['a']);
      const after = await c.findOneAndUpdate({ _id: '1' }, { $set: { n: undefined, status: 's' } });
      expect(Object.keys(after!).sort()).toEqual(['_id', 'nested', 'status']);
      expect(Object.keys((await c.findOne({ _id: '1' }))!).sort()).toEqual([
        '_id',
        'nested',
        'status',
      ]);
      expect(await c.count({ n: { $exists: true } })).toBe(0);
      const up = await c.findOneAndUpdate(
        { _id: '2' },
        { $set: { owner: undefined, n: 2 } },
        { upsert: true },
      );
      expect(up).toEqual({ _id: '2', n: 2 });
      expect('owner' in (await c.findOne({ _id: '2' }))!).toBe(false);
      expect(await c.findOneAndUpdate({ _id: '2' }, { $set: {} })).toEqual({ _id: '2', n: 2 });
      expect(await c.updateMany({}, { $set: { status: undefined } })).toBe(2);
      expect(await c.count({ status: { $exists: true } })).toBe(0);
    });

    it('when a filter holds undefined anywhere, then every operation refuses it and names the field', async () => {
      const c = col();
      await c.insertOne({ _id: '1', n: 1 });
      await expect(c.findOne({ owner: undefined })).rejects.toThrow(/undefined at 'owner'/);
      await expect(
        c.find({ $or: [{ n: 1 }, { 'nested.a': { $in: [1, undefined] } }] }),
      ).rejects.toThrow(/undefined at '\$or\[1\]\.nested\.a\.\$in\[1\]'/);
      await expect(c.count({ n: { $gt: undefined } })).rejects.toThrow(/n\.\$gt/);
      await expect(
        c.findOneAndUpdate({ _id: '1', owner: undefined }, { $set: { n: 2 } }),
      ).rejects.toThrow(/owner/);
      await expect(c.updateMany({ owner: undefined }, { $set: { n: 2 } })).rejects.toThrow(/owner/);
      await expect(c.deleteMany({ owner: undefined })).rejects.toThrow(/owner/);
      expect(await c.find({})).toEqual([{ _id: '1', n: 1 }]);
    });

    it('when filtering on null, then a missing field matches like a null one, $ne: null needs a value and $exists tells them apart', async () => {
      const c = col();
      await c.insertOne({ _id: '1', x: 1 });
      await c.insertOne({ _id: '2', x: null });
      await c.insertOne({ _id: '3' });
      const ids = async (f: Record<string, unknown>) =>
        (await c.find(f, { sort: { _id: 1 } })).map((d) => d._id);
      expect(await ids({ x: null })).toEqual(['2', '3']);
      expect(await ids({ x: { $ne: null } })).toEqual(['1']);
      expect(await ids({ x: { $exists: true } })).toEqual(['1', '2']);
      expect(await ids({ x: { $exists: false } })).toEqual(['3']);
      expect(await ids({ x: { $in: [null, 1] } })).toEqual(['1', '2', '3']);
      expect(await ids({ x: { $nin: [null] } })).toEqual(['1']);
      expect(await ids({ $or: [{ x: null }, { _id: '1' }] })).toEqual(['1', '2', '3']);
      expect(await c.count({ x: null })).toBe(2);
      expect(await c.updateMany({ x: null }, { $set: { status: 'none' } })).toBe(2);
      expect(await c.deleteMany({ x: { $ne: null } })).toBe(1);
    });

    it('when a sparse unique index exists, then any number of documents may lack the field but null is a value like any other', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner'], unique: true, sparse: true });
      await c.insertOne({ _id: '1' });
      await c.insertOne({ _id: '2' });
      await c.insertOne({ _id: '3', owner: null as unknown as string });
      await expect(
        c.insertOne({ _id: '4', owner: null as unknown as string }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await c.count({})).toBe(3);
    });

    it('when a compound unique index exists, then documents missing one of its fields are not constrained but null is a value', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner', 'status'], unique: true });
      await c.insertOne({ _id: '1', owner: 'x' });
      await c.insertOne({ _id: '2', owner: 'x' });
      await c.insertOne({ _id: '3', status: 'a' });
      await c.insertOne({ _id: '4', status: 'a' });
      await c.insertOne({ _id: '5', owner: 'x', status: null as unknown as string });
      await expect(
        c.insertOne({ _id: '6', owner: 'x', status: null as unknown as string }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await c.count({})).toBe(5);
    });

    it('when an update changes one path twice, then it is refused on every engine and nothing changes', async () => {
      const c = col();
      await c.insertOne({ _id: '1', n: 1, nested: { a: 1 } });
      await expect(
        c.findOneAndUpdate({ _id: '1' }, { $set: { n: 5 }, $inc: { n: 1 } }),
      ).rejects.toBeInstanceOf(ConflictingUpdateError);
      await expect(
        c.findOneAndUpdate({ _id: '1' }, { $set: { nested: { a: 2 }, 'nested.b': 'x' } }),
      ).rejects.toThrow(/'nested' and 'nested\.b'/);
      await expect(
        c.updateMany({}, { $unset: { n: true }, $inc: { n: 1 } }),
      ).rejects.toBeInstanceOf(ConflictingUpdateError);
      await expect(
        c.findOneAndUpdate({ _id: '9' }, { $set: { n: 1 }, $inc: { n: 1 } }, { upsert: true }),
      ).rejects.toBeInstanceOf(ConflictingUpdateError);
      expect(await c.find({})).toEqual([{ _id: '1', n: 1, nested: { a: 1 } }]);
    });

    it('when sort keys tie, then _id decides, in find, findReadonly and a sorted findOneAndUpdate', async () => {
      const c = col();
      for (const id of ['e', 'b', 'd', 'a', 'c'])
        await c.insertOne({ _id: id, n: id === 'e' ? 0 : 1, status: 'p' });
      expect((await c.find({}, { sort: { n: 1 } })).map((d) => d._id)).toEqual([
        'e',
        'a',
        'b',
        'c',
        'd',
      ]);
      expect((await c.find({}, { sort: { n: -1 } })).map((d) => d._id)).toEqual([
        'a',
        'b',
        'c',
        'd',
        'e',
      ]);
      expect(
        (await c.findReadonly({}, { sort: { n: -1 }, skip: 1, limit: 2 })).map((d) => d._id),
      ).toEqual(['b', 'c']);
      const first = await c.findOneAndUpdate(
        { status: 'p' },
        { $set: { status: 'q' } },
        { sort: { n: -1 } },
      );
      expect(first!._id).toBe('a');
    });

    it('when updateMany sets values some documents already hold, then it counts every matched document', async () => {
      const c = col();
      for (let i = 0; i < 4; i++)
        await c.insertOne({ _id: `u${i}`, status: i < 2 ? 'b' : 'a', n: i });
      expect(await c.updateMany({ n: { $lt: 3 } }, { $set: { status: 'b' } })).toBe(3);
      expect(await c.updateMany({ n: { $gt: 10 } }, { $set: { status: 'b' } })).toBe(0);
      expect(await c.count({ status: 'b' })).toBe(3);
    });

    it('when a write breaks a unique index, then insert, findOneAndUpdate, its upsert and updateMany all throw DuplicateKeyError and change nothing', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner'], unique: true });
      await c.insertOne({ _id: '1', owner: 'a', n: 1 });
      await c.insertOne({ _id: '2', owner: 'b', n: 2 });
      await expect(c.insertOne({ _id: '3', owner: 'a' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(
        c.findOneAndUpdate({ _id: '2' }, { $set: { owner: 'a' } }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(
        c.findOneAndUpdate({ n: 2 }, { $set: { owner: 'a' } }, { sort: { n: 1 } }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(
        c.findOneAndUpdate({ _id: '4' }, { $set: { owner: 'b' } }, { upsert: true }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(c.updateMany({ n: 2 }, { $set: { owner: 'a' } })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: '1', owner: 'a', n: 1 },
        { _id: '2', owner: 'b', n: 2 },
      ]);
    });

    it('when an index is asked for again with the same spec, then nothing happens; with other options, then IndexSpecChangedError says what to do', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner'], unique: true, sparse: true });
      await c.ensureIndex({ fields: ['owner'], unique: true, sparse: true });
      await c.insertOne({ _id: '1', owner: 'a' });
      const err = await c.ensureIndex({ fields: ['owner'] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(IndexSpecChangedError);
      expect((err as IndexSpecChangedError).message).toContain(c.name);
      expect((err as IndexSpecChangedError).indexName).toBe('pk_owner_u_s');
      // The old index still holds.
      await expect(c.insertOne({ _id: '2', owner: 'a' })).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('when updateMany and findOneAndUpdate increment the same documents concurrently, then no increment is lost', async () => {
      const c = col();
      for (let i = 0; i < 5; i++) await c.insertOne({ _id: `c${i}`, n: 0, status: 'x' });
      await Promise.all([
        ...Array.from({ length: 10 }, () => c.updateMany({ status: 'x' }, { $inc: { n: 1 } })),
        ...Array.from({ length: 20 }, (_, i) =>
          c.findOneAndUpdate({ _id: `c${i % 5}` }, { $inc: { n: 1 } }),
        ),
      ]);
      expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d.n)).toEqual([
        14, 14, 14, 14, 14,
      ]);
    });

    it('when a TTL index exists, then purgeExpired deletes the documents older than its window, counts them and keeps the rest', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['at'], expireAfterSeconds: 3600 });
      // A day ahead: the purge the store starts by itself (by the real clock) leaves these alone.
      const now = new Date(Date.now() + 86_400_000);
      const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
      await c.insertOne({ _id: 'old', at: ago(7200) });
      await c.insertOne({ _id: 'just-over', at: ago(3601) });
      await c.insertOne({ _id: 'exactly', at: ago(3600) });
      await c.insertOne({ _id: 'fresh', at: ago(10) });
      await c.insertOne({ _id: 'future', at: ago(-3600) });
      await c.insertOne({ _id: 'no-time', n: 1 });
      expect(await store.purgeExpired(now)).toBe(2);
      expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual([
        'exactly',
        'fresh',
        'future',
        'no-time',
      ]);
      expect(await store.purgeExpired(now)).toBe(0);
      // Without an argument the store judges by the current time.
      await c.insertOne({ _id: 'old-now', at: new Date(Date.now() - 7200_000).toISOString() });
      expect(await store.purgeExpired()).toBe(1);
      expect(await c.count({})).toBe(4);
    });

    it('when a TTL index is ensured on a collection holding expired documents, then the store purges them by itself, without purgeExpired', async () => {
      const c = col();
      const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
      await c.insertOne({ _id: 'old', at: old });
      await c.insertOne({ _id: 'fresh', at: new Date().toISOString() });
      await c.ensureIndex({ fields: ['at'], expireAfterSeconds: 86_400 });
      const until = Date.now() + 10_000;
      while ((await c.count({ _id: 'old' })) > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect((await c.find({})).map((d) => d._id)).toEqual(['fresh']);
    });

    it('when documents are tallied, then they are counted and summed per group of values as MongoDB groups them', async () => {
      const c = col();
      await c.ensureIndex({ fields: ['owner', 'status'] });
      await c.insertOne({ _id: '1', owner: 'x', status: 'open', n: 2, nested: { a: 1 } });
      await c.insertOne({ _id: '2', owner: 'x', status: 'open', n: 3.5 });
      await c.insertOne({ _id: '3', owner: 'x', status: 'done', n: 10, gone: true });
      await c.insertOne({ _id: '4', owner: 'y', status: 'open', gone: false });
      await c.insertOne({ _id: '5', owner: 'y', x: null, nested: { b: 'text' } });
      await c.insertOne({ _id: '6', owner: 'z', status: 'open', n: 100, tags: ['a'] });
      const order = (k: unknown[]) => JSON.stringify(k);
      const sorted = (rows: Awaited<ReturnType<typeof c.tally>>) =>
        [...rows].sort((a, b) => (order(a.key) < order(b.key) ? -1 : 1));
      expect(
        sorted(
          await c.tally({ owner: { $in: ['x', 'y'] } }, ['owner', 'status'], ['n', 'nested.a']),
        ),
      ).toEqual([
        { key: ['x', 'done'], count: 1, sums: [10, 0] },
        { key: ['x', 'open'], count: 2, sums: [5.5, 1] },
        { key: ['y', 'open'], count: 1, sums: [0, 0] },
        { key: ['y', null], count: 1, sums: [0, 0] },
      ]);
      // Numbers group as numbers; a missing field and null group together; no fields: one group.
      expect(sorted(await c.tally({ owner: { $ne: 'z' } }, ['x', 'n']))).toEqual([
        { key: [null, 10], count: 1, sums: [] },
        { key: [null, 2], count: 1, sums: [] },
        { key: [null, 3.5], count: 1, sums: [] },
        { key: [null, null], count: 2, sums: [] },
      ]);
      expect(await c.tally({ owner: 'x' }, [], ['n'])).toEqual([
        { key: [], count: 3, sums: [15.5] },
      ]);
      expect(await c.tally({ owner: 'nobody' }, ['status'], ['n'])).toEqual([]);
      // A filter on an array path (the embedded store checks it again in JavaScript) tallies the same.
      expect(await c.tally({ tags: 'a' }, ['owner'], ['n'])).toEqual([
        { key: ['z'], count: 1, sums: [100] },
      ]);
    });

    it('when a TTL index names several fields, then it is refused and nothing is purged', async () => {
      const c = col();
      await c.insertOne({ _id: 'old', at: '2000-01-01T00:00:00.000Z', owner: 'x' });
      await expect(
        c.ensureIndex({ fields: ['at', 'owner'], expireAfterSeconds: 60 }),
      ).rejects.toThrow(/one field/);
      expect(await store.purgeExpired()).toBe(0);
      expect(await c.count({})).toBe(1);
    });

    if (name.startsWith('embedded, persisted')) {
      it('when the store is closed and reopened, then every write is still there and deletes stay deleted', async () => {
        const c = col();
        const colName = c.name;
        await c.insertOne({ _id: 'keep', n: 1 });
        await c.insertOne({ _id: 'drop', n: 2 });
        await c.findOneAndUpdate({ _id: 'keep' }, { $inc: { n: 41 } });
        await c.deleteMany({ _id: 'drop' });
        await store.close();
        store = await reopen!();
        const again = store.collection<Item>(colName);
        expect(await again.find({})).toEqual([{ _id: 'keep', n: 42 }]);
      });
    }
  });
}
