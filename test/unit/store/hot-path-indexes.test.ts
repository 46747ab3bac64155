import { ProcessedActivities } from '../../../services/activities/processed-activities';
import { AuditLog } from '../../../services/audit/audit-log';
import { conversationKeyOf, OutboxRepository } from '../../../services/outbox/outbox-repository';
import { ReminderServices } from '../../../services/reminders/reminder-services';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import {
  Collection,
  Doc,
  Filter,
  FindOptions,
  IndexSpec,
  Store,
  Update,
} from '../../../services/store/store';

/**
 * History that is kept for good (audit, sent outbox messages, the reminder ledger) must stay off
 * the hot paths: every query a turn or the sender loop runs on these collections is answered
 * through an index, never by reading the collection. The repositories run against a store that
 * records each query they make; each recorded query is then planned by SQLite (the embedded
 * engine) and must SEARCH an index, with no SCAN of the table or of a whole index.
 */

interface Recorded {
  collection: string;
  op: string;
  filter: Filter;
  options?: FindOptions;
}

function recording(store: EmbeddedStore, log: Recorded[]): Store {
  const wrap = <T extends Doc>(col: Collection<T>): Collection<T> => {
    const note = (op: string, filter: Filter, options?: FindOptions) =>
      log.push({ collection: col.name, op, filter, options });
    return {
      name: col.name,
      insertOne: (doc: T) => col.insertOne(doc),
      findOne: (f: Filter) => (note('findOne', f), col.findOne(f)),
      find: (f: Filter, o?: FindOptions) => (note('find', f, o), col.find(f, o)),
      findReadonly: (f: Filter, o?: FindOptions) => (note('find', f, o), col.findReadonly(f, o)),
      count: (f: Filter) => (note('count', f), col.count(f)),
      tally: (f: Filter, by: string[], sum?: string[]) => (note('count', f), col.tally(f, by, sum)),
      findOneAndUpdate: (
        f: Filter,
        u: Update,
        o?: { upsert?: boolean; sort?: Record<string, 1 | -1> },
      ) => (
        note('findOneAndUpdate', f, o?.sort ? { sort: o.sort } : undefined),
        col.findOneAndUpdate(f, u, o)
      ),
      updateMany: (f: Filter, u: Update) => (note('updateMany', f), col.updateMany(f, u)),
      deleteMany: (f: Filter) => (note('deleteMany', f), col.deleteMany(f)),
      ensureIndex: (spec: IndexSpec) => col.ensureIndex(spec),
    };
  };
  return {
    kind: store.kind,
    collection: <T extends Doc>(name: string) => wrap(store.collection<T>(name)),
    ping: () => store.ping(),
    purgeExpired: (now?: Date) => store.purgeExpired(now),
    retireUnusedIndexes: () => store.retireUnusedIndexes(),
    durable: () => store.durable(),
    close: () => store.close(),
  };
}

/** The plan lines that read a whole table or a whole index. */
function scans(store: EmbeddedStore, q: Recorded): string[] {
  return store
    .explain(q.collection, q.filter, q.options)
    .filter((line) => /^SCAN\b/.test(line.trim()));
}

describe('hot paths on kept history: every query is served by an index', () => {
  const now = new Date('2026-12-01T09:00:00.000Z');
  let raw: EmbeddedStore;
  let log: Recorded[];
  let store: Store;

  beforeEach(async () => {
    raw = await EmbeddedStore.open(null);
    log = [];
    store = recording(raw, log);
  });
  afterEach(async () => {
    await raw.close();
  });

  const expectIndexed = () => {
    expect(log.length).toBeGreaterThan(0);
    const bad = log
      .map((q) => ({ q, scans: scans(raw, q) }))
      .filter((x) => x.scans.length > 0)
      .map(
        (x) => `${x.q.collection}.${x.q.op}(${JSON.stringify(x.q.filter)}): ${x.scans.join('; ')}`,
      );
    expect(bad).toEqual([]);
  };

  it('when the sender loop and the turns use the outbox, then each of their queries reads by index, also with sent history present', async () => {
    const outbox = new OutboxRepository(store);
    await outbox.init();
    const user = { kind: 'user' as const, aadObjectId: 'aad-1' };
    for (let i = 0; i < 30; i++) await outbox.enqueue(`m${i}`, user, { text: `t${i}` }, now);
    // Sent history: the queries below must not read it.
    for (let i = 0; i < 20; i++) {
      await outbox.claim(`m${i}`, 'me', now.getTime(), 30_000);
      await outbox.markSending(`m${i}`, 'me', now.getTime(), 30_000);
      await outbox.markSent(`m${i}`, 'me', now);
    }
    await outbox.claim('m20', 'me', now.getTime(), 30_000);
    await outbox.release('m20', 'me', now.getTime() + 5000);
    await outbox.claim('m21', 'me', now.getTime(), 30_000);
    await outbox.markSending('m21', 'me', now.getTime(), 30_000);
    await outbox.reschedule('m21', 'me', now.getTime() + 1000, '503');
    await outbox.claim('m22', 'me', now.getTime(), 30_000);
    await outbox.markFinal('m22', 'me', 'dead', 'gone');
    await outbox.requeue('m22', 'admin', now);
    log.length = 0;

    await outbox.dueCandidates(now, now.getTime(), [], 400);
    await outbox.dueCandidates(now, now.getTime(), [conversationKeyOf(user)], 400);
    await outbox.nextRetryAt(now);
    await outbox.recoverExpired(now.getTime() + 60_000);
    await outbox.counts();
    await outbox.byStatus('dead');
    await outbox.get('m1');
    await outbox.confirmDelivered('m23', 'admin', now);
    // The queries other modules make on outbox.col, as they make them:
    // the sender's drain (outbox-sender.ts), the admin view (outbox-admin.ts) and a review
    // card's waiting update (review/card-updates.ts).
    await outbox.col.count({ status: 'pending', notBefore: { $lte: now.toISOString() } });
    await outbox.col.find({ status: 'dead' }, { sort: { createdAt: -1 }, limit: 20 });
    await outbox.col.count({
      conversationKey: 'c1;messageid=a1',
      status: 'pending',
      'payload.update.activityId': 'a1',
    });
    expectIndexed();
  });

  it("when a turn reads an entity's audit trail, then it reads that entity's entries by index, in time order", async () => {
    const audit = new AuditLog(store);
    await audit.init();
    for (let i = 0; i < 10; i++)
      await audit.append({
        at: new Date(now.getTime() + i).toISOString(),
        actorId: 'aad-1',
        action: 'application.saved',
        entityType: 'application',
        entityId: `app-${i % 3}`,
      });
    log.length = 0;
    expect((await audit.forEntity('app-1')).map((e) => e.at)).toEqual(
      [1, 4, 7].map((i) => new Date(now.getTime() + i).toISOString()),
    );
    expectIndexed();
    // The sort comes from the index too: no temporary sort of the entity's entries.
    const plan = raw.explain('audit', { entityId: 'app-1' }, { sort: { at: 1, _id: 1 } });
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('when a turn and the reminder run use the ledger, the preferences and the idempotency records, then they read by index', async () => {
    const reminders = new ReminderServices(store);
    await reminders.init();
    const processed = new ProcessedActivities(store);
    await processed.init();
    const item = {
      key: 'vote:app-1:1',
      kind: 'vote' as const,
      dueAt: now.toISOString(),
      params: {},
      mandatory: false,
    };
    log.length = 0;
    await reminders.ledger.claim('aad-1', item as never, 'digest:aad-1:2026-12-01', now);
    await reminders.ledger.claim('aad-1', item as never, 'digest:aad-1:2026-12-02', now);
    await reminders.ledger.getMany(['vote:app-1:1', 'vote:app-2:1']);
    await reminders.ledger.forDigest('digest:aad-1:2026-12-01');
    await reminders.ledger.rearmDigest('digest:aad-1:2026-12-01', now);
    await reminders.prefs.set('AAD-1', { optOut: true }, now);
    await reminders.prefs.getMany(['aad-1', 'aad-2']);
    await processed.claim('conv|act-1', now);
    await processed.complete('conv|act-1', null);
    await processed.claim('conv|act-1', now);
    await processed.release('conv|act-1');
    // The TTL purge the store runs (services/store/ttl-purge.ts): a batch of expired ids by the
    // field's range, then their delete.
    const expired = { startedAt: { $lt: now.toISOString() } };
    log.push(
      { collection: 'processedActivities', op: 'find', filter: expired, options: { limit: 250 } },
      {
        collection: 'processedActivities',
        op: 'deleteMany',
        filter: { _id: { $in: ['a', 'b'] }, ...expired },
      },
    );
    expectIndexed();
  });
});
