import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { MongoStore } from '../../services/store/mongo-store';
import { storeContract } from '../contract/store-contract';

storeContract('embedded, in memory', async () => ({ store: await EmbeddedStore.open(null) }));

storeContract('embedded, persisted to DATA_DIR', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-contract-'));
  return { store: await EmbeddedStore.open(dir), reopen: () => EmbeddedStore.open(dir) };
});

// The production store runs the same contract wherever a MongoDB server is configured (CI here has none).
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  storeContract('mongodb', async () => ({
    store: await MongoStore.connect(mongoUri, `pk_contract_${process.pid}`),
  }));
}
