/**
 * Which store the tests run on. By default the embedded store (what a laptop and `npm test` use);
 * with TEST_STORE=mongodb and MONGODB_URI every test app, every spawned bot and every store opened
 * through openTestStore() runs on that MongoDB-wire server instead (`npm run test:mongodb`).
 *
 * Each test data directory gets its own database, named after the directory (so a bot restarted
 * on the same DATA_DIR finds its data again); test/support/jest-after-env.ts drops them when the
 * test file ends, together with the directories.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { MongoStore } from '../../services/store/mongo-store';
import { Store } from '../../services/store/store';

export type TestStoreKind = 'embedded' | 'mongodb';

/** The store the suite runs on: TEST_STORE=mongodb needs MONGODB_URI; anything else is embedded. */
export function testStoreKind(): TestStoreKind {
  const wanted = (process.env.TEST_STORE ?? '').trim().toLowerCase();
  if (wanted === '' || wanted === 'embedded') return 'embedded';
  if (wanted !== 'mongodb')
    throw new Error(`TEST_STORE=${wanted}: use embedded (the default) or mongodb`);
  if (!process.env.MONGODB_URI) {
    throw new Error(
      'TEST_STORE=mongodb needs MONGODB_URI (npm run test:mongodb starts a FerretDB and sets it)',
    );
  }
  return 'mongodb';
}

/** Databases this test file created; jest-after-env.ts drops them when the file ends. */
export const CREATED_DATABASES = new Set<string>();

/** The database for a test data directory: pk_t_<directory name>_<hash of its path>, lower case. */
export function testDatabaseName(dataDir: string): string {
  const base = path
    .basename(dataDir)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 30);
  const hash = createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 8);
  const name = `pk_t_${base}_${hash}`;
  CREATED_DATABASES.add(name);
  return name;
}

/**
 * The environment that points a bot (in-process or `node dist/bot/index.js`) with this DATA_DIR
 * at the test store: empty on the embedded store, MONGODB_URI and MONGODB_DB under TEST_STORE=mongodb.
 */
export function testStoreEnv(dataDir: string): Record<string, string> {
  if (testStoreKind() === 'embedded') return {};
  return { MONGODB_URI: process.env.MONGODB_URI!, MONGODB_DB: testDatabaseName(dataDir) };
}

/**
 * A store for a unit test: in memory (or in `dataDir`) on the embedded engine, or its own fresh
 * database under TEST_STORE=mongodb. Tests about the embedded engine itself (journal, lock file,
 * crash recovery of its files) open EmbeddedStore directly instead.
 */
export async function openTestStore(dataDir: string | null = null): Promise<Store> {
  if (testStoreKind() === 'embedded') return EmbeddedStore.open(dataDir);
  const db = dataDir
    ? testDatabaseName(dataDir)
    : registered(`pk_t_mem_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
  const store = await MongoStore.connect(process.env.MONGODB_URI!, db);
  OPENED.push(store);
  return store;
}

/** MongoDB stores opened here, closed when the test file ends (many unit tests never close theirs). */
const OPENED: Store[] = [];

/** A fresh database on the MongoDB server for suites that always run there when MONGODB_URI is set. */
export function freshMongoDatabase(prefix = 'pk_t_'): string {
  return registered(`${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`);
}

function registered(name: string): string {
  CREATED_DATABASES.add(name);
  return name;
}

/** Drops the databases this test file created (best effort: a server that is gone keeps them). */
export async function dropTestDatabases(): Promise<void> {
  for (const store of OPENED.splice(0)) await store.close().catch(() => undefined);
  const names = [...CREATED_DATABASES];
  CREATED_DATABASES.clear();
  const uri = process.env.MONGODB_URI;
  if (names.length === 0 || !uri) return;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    for (const name of names)
      await client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
  } catch {
    // The server is down (the outage test stops its own); nothing to drop there.
  } finally {
    await client.close().catch(() => undefined);
  }
}
