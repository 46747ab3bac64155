import { EmbeddedStore } from './embedded-store';
import { MongoStore } from './mongo-store';
import { Store } from './store';

/** Picks the store from configuration: MongoDB when a URI is given, else the embedded files. */
export async function openStore(opts: {
  mongoUri?: string;
  mongoDb: string;
  dataDir: string | null;
}): Promise<Store> {
  if (opts.mongoUri) return MongoStore.connect(opts.mongoUri, opts.mongoDb);
  return EmbeddedStore.open(opts.dataDir);
}
