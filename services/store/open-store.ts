import { EmbeddedStore } from './embedded-store';
import { MongoStore, MongoStoreOptions } from './mongo-store';
import { Store } from './store';

/**
 * Picks the store from configuration: MongoDB when a URI is given, else the embedded files.
 * `mongoOptions` tunes the MongoDB engine (connect timeout, default 5 s; ping bound, default 2 s;
 * FerretDB lock lifetime, default 5 s).
 */
export async function openStore(opts: {
  mongoUri?: string;
  mongoDb: string;
  dataDir: string | null;
  mongoOptions?: MongoStoreOptions;
  /** The embedded database's size cap in MB (EMBEDDED_MAX_MB). */
  embeddedMaxMb?: number;
  /** False only for bulk loads that start over when they fail (EmbeddedStore.open). */
  embeddedSyncEachCommit?: boolean;
}): Promise<Store> {
  if (opts.mongoUri) return MongoStore.connect(opts.mongoUri, opts.mongoDb, opts.mongoOptions);
  return EmbeddedStore.open(opts.dataDir, {
    maxMb: opts.embeddedMaxMb,
    syncEachCommit: opts.embeddedSyncEachCommit,
  });
}
