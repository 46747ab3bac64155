import type { Collection } from 'mongodb';
import { DocLocks, LockDoc } from '../../../services/store/mongo-locks';

/**
 * DocLocks (the per-document locks on FerretDB) over a small in-memory lock collection with the
 * server's one atomic step, an insert refused by a taken `_id`. The store's own tests run the
 * locks against a real FerretDB (npm run test:mongodb); these look at one process's queue.
 */
function lockCollection(): { col: Collection<LockDoc>; docs: Map<string, LockDoc> } {
  const docs = new Map<string, LockDoc>();
  const col = {
    find: (filter: { k: string }) => ({
      sort: () => ({
        limit: () => ({
          toArray: async () =>
            [...docs.values()].filter((d) => d.k === filter.k).sort((a, b) => b.g - a.g),
        }),
      }),
    }),
    insertOne: async (doc: LockDoc) => {
      if (docs.has(doc._id)) throw new Error('duplicate (not expected here)');
      docs.set(doc._id, doc);
    },
    deleteOne: async (filter: { _id: string }) => {
      docs.delete(filter._id);
    },
  };
  return { col: col as unknown as Collection<LockDoc>, docs };
}

describe('per-document locks (FerretDB)', () => {
  it('when an update of this process holds a document and never finishes, then the next one gives up at its deadline, and the lock serves again once released', async () => {
    const { col, docs } = lockCollection();
    const locks = new DocLocks(col, 30_000);
    const first = await locks.acquire('applications/a', Date.now() + 1_000);

    const started = Date.now();
    await expect(locks.acquire('applications/a', Date.now() + 150)).rejects.toThrow(
      'could not lock applications/a in time',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    // Another document is not held up meanwhile.
    const other = await locks.acquire('applications/b', Date.now() + 1_000);
    locks.release(other);

    // The waiter that gave up left the queue: releasing hands the key to nobody, and frees it.
    locks.release(first);
    await Promise.all([...locks.releasing]);
    expect([...docs.values()].filter((d) => d.k === 'applications/a')).toEqual([]);
    const again = await locks.acquire('applications/a', Date.now() + 1_000);
    expect(again.key).toBe('applications/a');
    locks.release(again);
    await Promise.all([...locks.releasing]);
  });

  it('when updates of this process wait for a document, then each is handed the lock in turn, first come first served, before its deadline', async () => {
    const { col } = lockCollection();
    const locks = new DocLocks(col, 30_000);
    const order: number[] = [];
    const held = await locks.acquire('k', Date.now() + 1_000);
    const waiting = [1, 2, 3].map((n) =>
      locks.acquire('k', Date.now() + 5_000).then((lock) => {
        order.push(n);
        locks.release(lock);
      }),
    );
    locks.release(held);
    await Promise.all(waiting);
    await Promise.all([...locks.releasing]);
    expect(order).toEqual([1, 2, 3]);
  });
});
