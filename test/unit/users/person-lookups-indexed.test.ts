import { userByEmail } from '../../../services/allocation/owner-requests';
import { dueCoachReminders, syncCoachThreads } from '../../../services/coaching/coach-sla';
import { coachingStats } from '../../../services/coaching/coach-stats';
import { findQuestionByThread } from '../../../services/coaching/coach-thread';
import { createLogger } from '../../../services/logging/logger';
import { resolveSubject } from '../../../services/privacy/subject';
import { createServices, Services } from '../../../services/services';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import type { Collection, Doc, Filter, FindOptions, Store } from '../../../services/store/store';

/**
 * The lookups a turn makes about one person or one item, on the repositories this area owns
 * (users, coaching, conversations, ideas, projects, decisions): each is planned by SQLite (the
 * embedded engine) and must SEARCH an index, never SCAN a table or a whole index, so its cost
 * does not grow with everyone else's data.
 */

interface Read {
  collection: string;
  filter: Filter;
  options?: FindOptions;
}

function recording(store: EmbeddedStore, log: Read[]): Store {
  const wrap = <T extends Doc>(name: string, col: Collection<T>): Collection<T> =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'find' || prop === 'findReadonly' || prop === 'findOne' || prop === 'count')
          return (filter: Filter, options?: FindOptions) => {
            log.push({ collection: name, filter, options });
            return (value as (f: Filter, o?: FindOptions) => unknown).call(target, filter, options);
          };
        return value.bind(target);
      },
    });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'collection')
        return <T extends Doc>(name: string) => wrap(name, target.collection<T>(name));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
}

const EVA = '00000000-0000-0000-0000-0000000000e1';
const now = new Date('2027-03-01T09:00:00Z');

describe('lookups about one person or item read by index', () => {
  let raw: EmbeddedStore;
  let log: Read[];
  let s: Services;

  beforeEach(async () => {
    raw = await EmbeddedStore.open(null);
    log = [];
    s = await createServices(recording(raw, log), {
      clock: () => now,
      log: createLogger('silent'),
      admins: [],
    });
    await s.users.upsertProfile(EVA, { name: 'Eva', email: 'Eva@Stad.Example' }, now);
    await s.users.setRoles(EVA, ['admin', 'coach'], now);
    for (let i = 0; i < 5; i++)
      await s.users.upsertProfile(`p-${i}`, { name: `P ${i}`, email: `p${i}@stad.example` }, now);
    log.length = 0;
  });
  afterEach(async () => {
    await raw.close();
  });

  it('when people are looked up by e-mail and by role, coaching threads are synced and lists are read per owner, then no query scans', async () => {
    expect((await s.users.byEmail('eva@stad.example'))?._id).toBe(EVA);
    expect((await userByEmail(s, 'EVA@stad.example'))?._id).toBe(EVA);
    expect((await resolveSubject(s, 'eva@STAD.example')).aadObjectId).toBe(EVA);
    expect((await s.users.withRole('coach')).map((u) => u._id)).toEqual([EVA]);
    await s.users.withRole('admin');
    await s.coaching.questions.byAsker(EVA);
    await syncCoachThreads(s);
    await dueCoachReminders(s, now);
    await findQuestionByThread(s, '19:coach@thread.tacv2;messageid=123');
    await coachingStats(s, { from: new Date('2027-01-01'), to: new Date('2028-01-01') });
    await s.conversations.forUser(EVA);
    await s.ideas.byOwner(EVA);
    await s.followup.projects.byOwner(EVA);
    await s.allocation.decisions.all({ portfolioId: 'p1', year: 2027 });
    await s.allocation.decisions.all({ year: 2027 });

    expect(log.length).toBeGreaterThan(12);
    const scanned = log
      .map((r) => ({
        r,
        scans: raw
          .explain(r.collection, r.filter, r.options)
          .filter((line) => /^SCAN\b/.test(line.trim())),
      }))
      .filter((x) => x.scans.length > 0)
      .map((x) => `${x.r.collection}(${JSON.stringify(x.r.filter)}): ${x.scans.join('; ')}`);
    expect(scanned).toEqual([]);
  });
});
