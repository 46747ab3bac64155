import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { lockKeyOf, MongoStore, MongoStoreOptions } from '../../services/store/mongo-store';
import { Doc, IndexSpecChangedError } from '../../services/store/store';
import { storeContract } from '../contract/store-contract';
import { freshDataDir } from '../support/temp-dirs';
import { freshMongoDatabase } from '../support/test-store';

storeContract('embedded, in memory', async () => ({ store: await EmbeddedStore.open(null) }));

storeContract('embedded, persisted to DATA_DIR', async () => {
  const dir = freshDataDir('pk-contract-');
  return { store: await EmbeddedStore.open(dir), reopen: () => EmbeddedStore.open(dir) };
});

// The production store runs the same contract wherever a MongoDB server is configured (CI here has none).
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  const db = freshMongoDatabase('pk_contract_'); // dropped when the file ends (jest-after-env.ts)
  storeContract('mongodb', async () => ({
    store: await MongoStore.connect(mongoUri, db),
  }));
}

describe('embedded store (SQLite) files', () => {
  it('when many writes go on and the store is reopened, then every acknowledged write is there', async () => {
    const dir = freshDataDir('pk-reopen-');
    const store = await EmbeddedStore.open(dir);
    const col = store.collection<{ _id: string; n: number; text: string }>('items');
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        col.insertOne({ _id: `i${i}`, n: i, text: 'x'.repeat(100) }),
      ),
    );
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        col.findOneAndUpdate({ _id: `i${i}` }, { $inc: { n: 1000 } }),
      ),
    );
    await col.deleteMany({ n: { $lt: 1100 } });
    await store.close();
    const again = await EmbeddedStore.open(dir);
    const docs = await again
      .collection<{ _id: string; n: number }>('items')
      .find({}, { sort: { n: 1 } });
    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: 200 }, (_, i) => 1100 + i));
    await again.close();
  });

  it('when a second store opens a DATA_DIR that a live process holds, then it is refused with a clear message', async () => {
    const dir = freshDataDir('pk-lock-');
    const { writeFileSync } = await import('node:fs');
    // Another live process (our parent) holds the lock.
    writeFileSync(path.join(dir, 'store.lock'), String(process.ppid));
    await expect(EmbeddedStore.open(dir)).rejects.toThrow(/in use by process/);
  });
});

/**
 * What only the MongoDB engine has: several processes on one database (two MongoStore instances
 * are two clients, as two bot instances would be), index checks at start-up, connection faults.
 */
if (mongoUri) {
  describe('mongodb engine: several instances, start-up checks and connection faults', () => {
    const dbName = `pk_engine_${process.pid}_${Date.now().toString(36)}`;
    const opened: MongoStore[] = [];
    const connect = async (opts: MongoStoreOptions = {}) => {
      const s = await MongoStore.connect(mongoUri, dbName, opts);
      opened.push(s);
      return s;
    };
    let seq = 0;
    const colName = () => `engine_${++seq}`;

    afterAll(async () => {
      const client = new MongoClient(mongoUri);
      await client.connect();
      await client.db(dbName).dropDatabase();
      await client.close();
      await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
    });

    it('when two instances claim from one queue at once, then each document is claimed exactly once', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = colName();
      for (let i = 0; i < 30; i++)
        await a
          .collection<Doc & { n: number; status: string }>(name)
          .insertOne({ _id: `m${i}`, n: i, status: 'pending' });
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, w) =>
          (w % 2 ? a : b)
            .collection<Doc & { n: number; status: string }>(name)
            .findOneAndUpdate(
              { status: 'pending' },
              { $set: { status: `taken-${w}` } },
              { sort: { n: 1 } },
            ),
        ),
      );
      const ids = claims.filter((c) => c !== null).map((c) => c!._id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      expect(await a.collection(name).count({ status: 'pending' })).toBe(0);
    });

    it('when two instances upsert-increment one counter at once, then the values never repeat and it ends at 100', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = colName();
      const values = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b)
            .collection<Doc & { n: number }>(name)
            .findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } }, { upsert: true }),
        ),
      );
      expect(new Set(values.map((v) => v!.n)).size).toBe(100);
      expect((await b.collection<Doc & { n: number }>(name).findOne({ _id: 'c' }))!.n).toBe(100);
    });

    it('when an instance died holding a document lock, then the lock expires and the next update goes through', async () => {
      const store = await connect({ lockTtlMS: 800 });
      if (!store.ferretdb) return; // MongoDB's own updates are atomic: no locks to expire
      const name = colName();
      const col = store.collection<Doc & { n: number }>(name);
      await col.insertOne({ _id: 'x', n: 1 });
      const client = new MongoClient(mongoUri);
      await client.connect();
      // What a crashed holder leaves behind: its lock document, never deleted.
      await client
        .db(dbName)
        .collection('_pk_locks')
        .insertOne({
          _id: `${lockKeyOf(name, 'x')}#1` as never,
          k: lockKeyOf(name, 'x'),
          g: 1,
          until: new Date(Date.now() + 800),
          owner: 'dead',
        });
      await client.close();
      const started = Date.now();
      expect(await col.findOneAndUpdate({ _id: 'x' }, { $inc: { n: 1 } })).toEqual({
        _id: 'x',
        n: 2,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('when a restarted instance wants an index with other options, then start-up stops with the command that migrates it, and after it the index is created', async () => {
      const name = colName();
      const first = await connect();
      await first.collection(name).ensureIndex({ fields: ['regNo'], unique: true });
      await first.collection(name).ensureIndex({ fields: ['regNo'], unique: true }); // the same spec again is fine
      await first.close();
      const second = await connect();
      const err = await second
        .collection(name)
        .ensureIndex({ fields: ['regNo'], unique: true, sparse: true })
        .then(
          () => null,
          (e: unknown) => e,
        );
      if (second.ferretdb) {
        // FerretDB neither keeps nor reports `sparse` (docs/ferretdb.md): the same index to it.
        expect(err).toBeNull();
      } else {
        expect(err).toBeInstanceOf(IndexSpecChangedError);
      }
      const changed = (await second
        .collection(name)
        .ensureIndex({ fields: ['regNo'] })
        .then(
          () => null,
          (e: unknown) => e,
        )) as IndexSpecChangedError;
      expect(changed).toBeInstanceOf(IndexSpecChangedError);
      expect(changed.message).toContain(`collection ${name}`);
      expect(changed.message).toContain('"unique":true');
      expect(changed.message).toContain('"unique":false');
      expect(changed.migrate).toBe(
        `db.getSiblingDB('${dbName}').getCollection('${name}').dropIndex('pk_regNo_u')`,
      );
      // The operator runs the command, restarts, and the new index is made.
      const client = new MongoClient(mongoUri);
      await client.connect();
      await client.db(dbName).collection(name).dropIndex('pk_regNo_u');
      await client.close();
      const third = await connect();
      await third.collection(name).ensureIndex({ fields: ['regNo'] });
      const client2 = new MongoClient(mongoUri);
      await client2.connect();
      const names = (await client2.db(dbName).collection(name).listIndexes().toArray()).map(
        (i) => i.name,
      );
      await client2.close();
      expect(names).toContain('pk_regNo');
    });

    it('when a TTL index is ensured, then the server holds a plain index under its TTL name, another window needs no migration, and instances purging at once delete each document once', async () => {
      const [a, b, c] = [await connect(), await connect(), await connect()];
      const name = colName();
      const col = a.collection<Doc & { at: string }>(name);
      await col.ensureIndex({ fields: ['at'], expireAfterSeconds: 3600 });
      const client = new MongoClient(mongoUri);
      await client.connect();
      const indexes = await client.db(dbName).collection(name).listIndexes().toArray();
      await client.close();
      const ttl = indexes.find((i) => i.name === 'pk_at_ttl3600');
      // No expireAfterSeconds on the server: MongoDB's monitor ignores strings, FerretDB refuses it.
      expect(ttl).toMatchObject({ key: { at: 1 } });
      expect(ttl!.expireAfterSeconds).toBeUndefined();
      // Restarted instances with a shorter window keep the index and purge by their own window.
      await b.collection(name).ensureIndex({ fields: ['at'], expireAfterSeconds: 60 });
      await c.collection(name).ensureIndex({ fields: ['at'], expireAfterSeconds: 60 });
      const now = new Date(Date.now() + 86_400_000); // ahead: the purges at start leave these alone
      for (let i = 0; i < 20; i++)
        await col.insertOne({
          _id: `d${i}`,
          at: new Date(now.getTime() - (i < 15 ? 120_000 : 30_000)).toISOString(),
        });
      const [byA, byB, byC] = await Promise.all([
        a.purgeExpired(now),
        b.purgeExpired(now),
        c.purgeExpired(now),
      ]);
      expect(byA).toBe(0); // a's window is an hour: none of them is that old
      expect(byB + byC).toBe(15);
      expect(await col.count({})).toBe(5);
    });

    it('when the server is not there, then connect fails within its timeout and names the host but not the password', async () => {
      const port = await freePort();
      const started = Date.now();
      const err = await MongoStore.connect(`mongodb://pk:s3cret@127.0.0.1:${port}/`, 'x', {
        serverSelectionTimeoutMS: 1500,
      }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(err!.message).toContain(`MongoDB at 127.0.0.1:${port} did not answer within 1500 ms`);
      expect(err!.message).not.toContain('s3cret');
    });

    it('when the server goes away and comes back, then ping answers false within its bound and true again on the same client', async () => {
      const target = new URL(mongoUri);
      const proxy = new FlakyProxy(target.hostname, Number(target.port || 27017));
      const port = await proxy.start();
      const viaProxy = await MongoStore.connect(`mongodb://127.0.0.1:${port}/`, dbName, {
        pingTimeoutMS: 1000,
        serverSelectionTimeoutMS: 3000,
      });
      opened.push(viaProxy);
      const col = viaProxy.collection<Doc & { n: number }>(colName());
      await col.insertOne({ _id: 'a', n: 1 });
      expect(await viaProxy.ping()).toBe(true);
      await proxy.stop();
      let started = Date.now();
      expect(await viaProxy.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(1800);
      started = Date.now();
      await expect(col.findOne({ _id: 'a' })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
      await proxy.start(port);
      started = Date.now();
      let up = false;
      while (!up && Date.now() - started < 15000) up = await viaProxy.ping();
      expect(up).toBe(true);
      expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
      await proxy.stop();
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A TCP proxy to the server that can be cut (every connection dropped) and restored on the same port. */
class FlakyProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  start(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.port, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
