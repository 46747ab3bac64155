/**
 * FerretDB v1 stops for good when its own PostgreSQL pool (50 connections) runs dry: open cursors
 * keep a connection each between their batches, an update holds one while it waits for a second,
 * and a schema change waits for one while it holds the lock every other command needs. CI saw it
 * as whole test files timing out. The store gates its operations on FerretDB, open cursors
 * included (services/store/mongo-gate.ts, docs/ferretdb.md "Its PostgreSQL pool"). Here both
 * ways to run dry are driven hard, on a private FerretDB (scripts/ferretdb.sh with its own
 * state), so a regression hangs only this file's server.
 *
 * Runs under TEST_STORE=mongodb or whenever MONGODB_URI is set (it needs FerretDB built).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../services/store/mongo-store';
import { freePort } from '../support/bot-processes';
import { ferretdb } from '../support/private-ferretdb';

const runsHere = process.env.TEST_STORE === 'mongodb' || !!process.env.MONGODB_URI;

function ferret(state: string, port: number, command: 'start' | 'stop'): void {
  ferretdb(state, port, command, 'pk_pool');
}

/** The promise, or a failure naming what hung once `ms` have passed. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

(runsHere ? describe : describe.skip)(
  'FerretDB: the store never drains its PostgreSQL pool',
  () => {
    let state: string;
    let port: number;
    let uri: string;

    beforeAll(async () => {
      state = mkdtempSync(path.join(tmpdir(), 'pk-ferret-pool-'));
      port = await freePort();
      ferret(state, port, 'start');
      uri = readFileSync(path.join(state, 'uri'), 'utf8').trim();
    }, 300_000);

    afterAll(() => {
      if (state) {
        ferret(state, port, 'stop');
        rmSync(state, { recursive: true, force: true });
      }
    }, 60_000);

    it('when FerretDB is detected, then the store runs at most 8 commands at once, unless the URI sets maxPoolSize', async () => {
      const capped = await MongoStore.connect(uri, 'pool_default');
      const chosen = await MongoStore.connect(`${uri}?maxPoolSize=30`, 'pool_default');
      try {
        expect(capped.ferretdb).toBe(true);
        expect(capped.maxPoolSize).toBe(8);
        expect(chosen.maxPoolSize).toBe(30);
      } finally {
        await capped.close();
        await chosen.close();
      }
    });

    it('when two hundred reads of more than one batch each run at once, then every read gets every document', async () => {
      // Each read leaves a cursor open on FerretDB between its batches, holding a PostgreSQL
      // connection while it waits for a driver connection (as the review group's grants were read
      // when two hundred members voted at once).
      const store = await MongoStore.connect(uri, 'pool_reads');
      try {
        const people = store.collection<{ _id: string; roles: string[] }>('people');
        for (let i = 0; i < 250; i++)
          await people.insertOne({ _id: `p${i}`, roles: i % 2 ? ['reviewer'] : ['chair'] });
        const filter = { $or: [{ roles: 'reviewer' }, { roles: 'chair' }] };
        const reads = await within(
          120_000,
          'the reads',
          Promise.all(Array.from({ length: 200 }, () => people.find(filter))),
        );
        expect(reads.every((r) => r.length === 250)).toBe(true);
      } finally {
        await within(10_000, 'closing', store.close()).catch(() => undefined);
      }
    }, 180_000);

    it('when hundreds of updates run at once while another client creates and drops databases, then every update lands and nothing hangs', async () => {
      const store = await MongoStore.connect(uri, 'pool_load');
      const other = new MongoClient(uri);
      await other.connect();
      try {
        const docs = store.collection<{ _id: string; n: number }>('counters');
        const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
        for (const _id of ids) await docs.insertOne({ _id, n: 0 });
        let schemaChanges = 0;
        const creator = (async () => {
          for (let i = 0; i < 30; i++) {
            const db = other.db(`pool_churn_${i % 4}`);
            await db.collection(`c${i}`).createIndex({ x: 1 });
            await db.dropDatabase();
            schemaChanges++;
          }
        })();
        const rounds = (async () => {
          for (let round = 0; round < 3; round++)
            await Promise.all(ids.map((_id) => docs.findOneAndUpdate({ _id }, { $inc: { n: 1 } })));
        })();
        await within(120_000, 'the updates and schema changes', Promise.all([rounds, creator]));
        expect(schemaChanges).toBe(30);
        const all = await docs.find({});
        expect(all).toHaveLength(300);
        expect(all.every((d) => d.n === 3)).toBe(true);
      } finally {
        // On a deadlocked server closing hangs too: give it a while, then let the failure show.
        await within(10_000, 'closing', Promise.all([other.close(), store.close()])).catch(
          () => undefined,
        );
      }
    }, 180_000);
  },
);
