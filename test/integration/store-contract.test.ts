import path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { MongoStore } from '../../services/store/mongo-store';
import { storeContract } from '../contract/store-contract';
import { freshDataDir } from '../support/temp-dirs';

storeContract('embedded, in memory', async () => ({ store: await EmbeddedStore.open(null) }));

storeContract('embedded, persisted to DATA_DIR', async () => {
  const dir = freshDataDir('pk-contract-');
  return { store: await EmbeddedStore.open(dir), reopen: () => EmbeddedStore.open(dir) };
});

// The production store runs the same contract wherever a MongoDB server is configured (CI here has none).
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  storeContract('mongodb', async () => ({
    store: await MongoStore.connect(mongoUri, `pk_contract_${process.pid}`),
  }));
}

describe('embedded store journal', () => {
  it('when the journal grows past its limit while writes go on, then it is compacted and nothing is lost', async () => {
    const dir = freshDataDir('pk-compact-');
    const store = await EmbeddedStore.open(dir, { compactAtBytes: 4096 });
    const col = store.collection<{ _id: string; n: number; text: string }>('items');
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => col.insertOne({ _id: `i${i}`, n: i, text: 'x'.repeat(100) })),
    );
    await Promise.all(Array.from({ length: 300 }, (_, i) => col.findOneAndUpdate({ _id: `i${i}` }, { $inc: { n: 1000 } })));
    await col.deleteMany({ n: { $lt: 1100 } });
    await store.close();
    const again = await EmbeddedStore.open(dir);
    const docs = await again.collection<{ _id: string; n: number }>('items').find({}, { sort: { n: 1 } });
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
