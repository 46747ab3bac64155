import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import { EmbeddedStoreUnavailableError } from '../../../services/store/embedded-unavailable';
import { WalSync } from '../../../services/store/wal-sync';
import { freshDataDir } from '../../support/temp-dirs';

/**
 * The embedded store commits without waiting for the disk inside SQLite and fsyncs the log
 * itself, off the event loop (wal-sync.ts): a write must not be acknowledged before that fsync
 * has finished, and a failed fsync must refuse the write instead of calling it saved.
 */
describe('the embedded store fsyncs its log before it acknowledges a write', () => {
  const handleProto = async (): Promise<{ sync: () => Promise<void> }> => {
    const h = await fsp.open(__filename, 'r');
    const proto = Object.getPrototypeOf(h) as { sync: () => Promise<void> };
    await h.close();
    return proto;
  };
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  afterEach(() => jest.restoreAllMocks());

  it('when the fsync of the log has not finished, then the write is not acknowledged; when it has, the write is', async () => {
    const store = await EmbeddedStore.open(freshDataDir());
    const c = store.collection<{ _id: string; n: number }>('things');
    await c.insertOne({ _id: 'warm', n: 0 });
    const proto = await handleProto();
    const real = proto.sync;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const synced: number[] = [];
    jest.spyOn(proto, 'sync').mockImplementation(async function (this: { fd: number }) {
      await gate;
      synced.push(this.fd);
      return real.call(this);
    });
    let acknowledged = false;
    const write = c.insertOne({ _id: 'a', n: 1 }).then(() => (acknowledged = true));
    await turns(20);
    expect(acknowledged).toBe(false);
    // Committed (others may read it), only not yet acknowledged.
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    open();
    await write;
    expect(acknowledged).toBe(true);
    expect(synced.length).toBeGreaterThanOrEqual(1);
    await store.close();
  });

  it('when a bulk load opens the store without a sync per commit, then nothing waits for an fsync and everything is there after close', async () => {
    const dir = freshDataDir();
    const store = await EmbeddedStore.open(dir, { syncEachCommit: false });
    const c = store.collection<{ _id: string; n: number }>('things');
    const proto = await handleProto();
    const sync = jest.spyOn(proto, 'sync');
    for (let i = 0; i < 50; i++) await c.insertOne({ _id: `t${i}`, n: i });
    expect(sync).not.toHaveBeenCalled();
    await store.close();
    const again = await EmbeddedStore.open(dir);
    expect(await again.collection('things').count({})).toBe(50);
    await again.close();
  });

  it('when the fsync of the log fails, then the write is refused as an outage, not acknowledged', async () => {
    const store = await EmbeddedStore.open(freshDataDir());
    const c = store.collection<{ _id: string; n: number }>('things');
    await c.insertOne({ _id: 'warm', n: 0 });
    const proto = await handleProto();
    jest
      .spyOn(proto, 'sync')
      .mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(c.insertOne({ _id: 'a', n: 1 })).rejects.toBeInstanceOf(
      EmbeddedStoreUnavailableError,
    );
    // The next write is synced again as usual.
    await expect(c.insertOne({ _id: 'b', n: 2 })).resolves.toBeUndefined();
    await store.close();
  });

  it('when several ask while an fsync runs, then they share the next one, which starts after it', async () => {
    const dir = freshDataDir();
    const file = path.join(dir, 'log');
    await fsp.writeFile(file, 'x');
    const wal = new WalSync(file);
    await wal.sync(); // opens the log and syncs its directory once
    const proto = await handleProto();
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
