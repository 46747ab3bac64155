import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import { EmbeddedStoreUnavailableError } from '../../../services/store/embedded-unavailable';
import { WalSync } from '../../../services/store/wal-sync';
import { freshDataDir } from '../../support/temp-dirs';
import { fileHandlePrototype } from '../../support/file-handles';

/**
 * The embedded store commits without waiting for the disk inside SQLite and fsyncs the log
 * itself, off the event loop (wal-sync.ts): its durability barrier (`durable`, which answers and
 * sends wait for) must not resolve before that fsync has finished, and a failed fsync must make
 * it refuse instead of calling anything saved.
 */
describe('the embedded store fsyncs its log before anybody is told a write is saved', () => {
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  afterEach(() => jest.restoreAllMocks());

  it('when the fsync of the log has not finished, then the write is committed but the barrier does not pass; when it has, it does', async () => {
    const store = await EmbeddedStore.open(freshDataDir());
    const c = store.collection<{ _id: string; n: number }>('things');
    await c.insertOne({ _id: 'warm', n: 0 });
    const proto = await fileHandlePrototype();
    const real = proto.sync;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const synced: number[] = [];
    jest.spyOn(proto, 'sync').mockImplementation(async function (this: { fd: number }) {
      await gate;
      synced.push(this.fd);
      return real.call(this);
    });
    // Committed: the write's own promise resolves and others may read it.
    await c.insertOne({ _id: 'a', n: 1 });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    let durable = false;
    const barrier = store.durable().then(() => (durable = true));
    await turns(20);
    expect(durable).toBe(false);
    open();
    await barrier;
    expect(durable).toBe(true);
    expect(synced.length).toBeGreaterThanOrEqual(1);
    // Nothing new since: the barrier passes without another fsync.
    const before = synced.length;
    await store.durable();
    expect(synced.length).toBe(before);
    // A write, then close: close waits for its fsync, and a late barrier has nothing to wait for.
    await c.insertOne({ _id: 'b', n: 2 });
    await store.close();
    await expect(store.durable()).resolves.toBeUndefined();
  });

  it('when a bulk load opens the store without a sync per commit, then nothing waits for an fsync and everything is there after close', async () => {
    const dir = freshDataDir();
    const store = await EmbeddedStore.open(dir, { syncEachCommit: false });
    const c = store.collection<{ _id: string; n: number }>('things');
    const proto = await fileHandlePrototype();
    const sync = jest.spyOn(proto, 'sync');
    for (let i = 0; i < 50; i++) await c.insertOne({ _id: `t${i}`, n: i });
    expect(sync).not.toHaveBeenCalled();
    await store.close();
    const again = await EmbeddedStore.open(dir);
    expect(await again.collection('things').count({})).toBe(50);
    await again.close();
  });

  it('when the fsync of the log fails, then the barrier refuses as an outage, and nothing is called durable again until a restart', async () => {
    const dir = freshDataDir();
    const store = await EmbeddedStore.open(dir);
    const c = store.collection<{ _id: string; n: number }>('things');
    await c.insertOne({ _id: 'warm', n: 0 });
    await store.durable();
    const proto = await fileHandlePrototype();
    jest
      .spyOn(proto, 'sync')
      .mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await c.insertOne({ _id: 'a', n: 1 });
    await expect(store.durable()).rejects.toBeInstanceOf(EmbeddedStoreUnavailableError);
    // The kernel may have dropped the pages it could not write: a later fsync that succeeds
    // proves nothing about them, so the store stays out of service (/readyz red).
    await c.insertOne({ _id: 'b', n: 2 });
    await expect(store.durable()).rejects.toBeInstanceOf(EmbeddedStoreUnavailableError);
    expect(await store.ping()).toBe(false);
    await store.close();
    jest.restoreAllMocks();
    // A restart recovers from the log on disk and serves again.
    const again = await EmbeddedStore.open(dir);
    expect(await again.ping()).toBe(true);
    await again.collection<{ _id: string; n: number }>('things').insertOne({ _id: 'c', n: 3 });
    await expect(again.durable()).resolves.toBeUndefined();
    await again.close();
  });

  it('when several ask while an fsync runs, then they share the next one, which starts after it', async () => {
    const dir = freshDataDir();
    const file = path.join(dir, 'log');
    await fsp.writeFile(file, 'x');
    const wal = new WalSync(file);
    await wal.sync(); // opens the log and syncs its directory once
    const proto = await fileHandlePrototype();
    const real = proto.sync;
    const order: string[] = [];
    let release!: () => void;
    let first = true;
    jest.spyOn(proto, 'sync').mockImplementation(async function (this: unknown) {
      order.push('start');
      if (first) {
        first = false;
        await new Promise<void>((r) => (release = r));
      }
      await real.call(this);
      order.push('end');
    });
    const a = wal.sync();
    await turns(5);
    const b = wal.sync();
    const c = wal.sync();
    await turns(5);
    expect(order).toEqual(['start']);
    release();
    await Promise.all([a, b, c]);
    // b and c waited for a second fsync that began after the first had ended.
    expect(order).toEqual(['start', 'end', 'start', 'end']);
    await wal.close();
  });
});
