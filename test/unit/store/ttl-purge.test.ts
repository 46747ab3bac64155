import { Collection, Doc, Filter, FindOptions } from '../../../services/store/store';
import { TtlPurger } from '../../../services/store/ttl-purge';
import { openTestStore } from '../../support/test-store';

type Timed = Doc & { at: string };

describe('TTL purge', () => {
  it('when a backlog of expired documents is purged, then it goes in deletes of at most a batch, equal times too, and fresh documents stay', async () => {
    const store = await openTestStore();
    const real = store.collection<Timed>('ttl_backlog');
    await real.ensureIndex({ fields: ['at'] });
    const deleted: number[] = [];
    // The purger reads and deletes through this view of the collection, which notes each delete.
    const col = {
      name: real.name,
      findReadonly: (f: Filter, o?: FindOptions) => real.findReadonly(f, o),
      deleteMany: async (f: Filter) => {
        const n = await real.deleteMany(f);
        deleted.push(n);
        return n;
      },
    } as unknown as Collection<Doc>;
    const now = new Date('2030-01-01T00:00:00.000Z');
    const purger = new TtlPurger(() => now, 3_600_000, undefined, 10);
    purger.add(col, { fields: ['at'], expireAfterSeconds: 3600 });
    expect(await purger.purgeNow()).toBe(0); // waits for the first purge, which found nothing
    deleted.length = 0;

    const at = (msBefore: number) => new Date(now.getTime() - msBefore).toISOString();
    for (let i = 0; i < 15; i++) await real.insertOne({ _id: `same${i}`, at: at(9_000_000) });
    for (let i = 0; i < 20; i++) await real.insertOne({ _id: `old${i}`, at: at(8_000_000 - i) });
    for (let i = 0; i < 5; i++) await real.insertOne({ _id: `fresh${i}`, at: at(1000 * i) });

    expect(await purger.purgeNow()).toBe(35);
    expect(deleted).toEqual([10, 10, 10, 5]);
    expect((await real.find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual([
      'fresh0',
      'fresh1',
      'fresh2',
      'fresh3',
      'fresh4',
    ]);
    purger.stop();
    await store.close();
  });
});
