import { askQuestion } from '../../../services/coaching/ask-question';
import { claimQuestion } from '../../../services/coaching/claim-resolve';
import { recordCoachReply } from '../../../services/coaching/coach-messages';
import { COACH_CHANNEL } from '../../../services/coaching/coach-question';
import { collectPersonalData } from '../../../services/privacy/personal-data';
import { resolveSubject } from '../../../services/privacy/subject';
import { walkMatching } from '../../../services/privacy/walk-collection';
import type { Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { EmbeddedStore } from '../../../services/store/embedded-store';
import type { Collection, Doc, Filter, FindOptions, Store } from '../../../services/store/store';
import { decision } from '../allocation/decision-fixture';
import { application } from '../insight/insight-fixture';
import { kitServices, PERSON, TestClock } from '../scheduler/scheduler-kit';

const actor = (n: number, name: string): Actor => ({
  aadObjectId: PERSON(n),
  name,
  locale: 'sv',
});
const ASKER = actor(1, 'Anna Andersson');
const FIRST_COACH = actor(2, 'Cecilia Carlsson');
const SECOND_COACH = actor(3, 'David Dahl');
const RECUSED = PERSON(4);

/**
 * Collections a request may read whole: one document per channel, portfolio and year, round,
 * named setting or personal-data request (privacy/personal-data.ts says why for each).
 */
const BOUNDED = new Set([
  'coachRosters',
  'channelRosters',
  'reviewChannels',
  'settings',
  'allocationRounds',
  'frameLedgers',
  'privacy_requests',
]);

type Read = { collection: string; filter: Filter; options?: FindOptions };

/** The same services, with a store that records every find on the way through. */
function recording(s: Services): { s: Services; reads: Read[] } {
  const reads: Read[] = [];
  const wrap = <T extends Doc>(name: string, col: Collection<T>): Collection<T> =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if ((prop === 'find' || prop === 'findReadonly') && typeof value === 'function')
          return (filter: Filter, options?: FindOptions) => {
            reads.push({ collection: name, filter, options });
            return (value as (f: Filter, o?: FindOptions) => unknown).call(target, filter, options);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const store = new Proxy(s.store, {
    get(target, prop, receiver) {
      if (prop === 'collection')
        return <T extends Doc>(name: string) => wrap(name, target.collection<T>(name));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  return { s: { ...s, store }, reads };
}

describe("a person's data found by index, not by reading every collection whole", () => {
  it('when a second coach answered a question they never claimed, then their export has it (found through their audited reply) and nothing is read whole', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    const now = clock.fn();
    await s.settings.set(COACH_CHANNEL, { channelId: '19:coach@thread.tacv2' }, now);
    await s.users.setRoles(FIRST_COACH.aadObjectId, ['coach'], now);
    await s.users.setRoles(SECOND_COACH.aadObjectId, ['coach'], now);
    const q = await askQuestion(s, ASKER, { text: 'Hur räknar jag nyttan?' });
    await claimQuestion(s, FIRST_COACH, q._id);
    await recordCoachReply(s, FIRST_COACH, q._id, { text: 'Räkna timmar.' }, 'reply-1');
    await recordCoachReply(s, SECOND_COACH, q._id, { text: 'Och timkostnaden.' }, 'reply-2');
    await askQuestion(s, actor(5, 'Erik'), { text: 'En annan fråga' });

    const stored = (await s.coaching.questions.get(q._id))!;
    expect(stored.assigneeId).toBe(FIRST_COACH.aadObjectId);
    expect(stored.firstAnswerById).toBe(FIRST_COACH.aadObjectId);

    const { s: rs, reads } = recording(s);
    const sections = await collectPersonalData(
      rs,
      await resolveSubject(s, SECOND_COACH.aadObjectId),
    );
    const questions = sections.find((x) => x.collection === 'coachQuestions')?.documents ?? [];
    expect(questions.map((d) => (d as Doc)._id)).toEqual([q._id]);
    const audit = sections.find((x) => x.collection === 'audit')?.documents as {
      action: string;
    }[];
    expect(audit.map((e) => e.action)).toContain('coach.answered');

    const chosen = reads.filter((r) => !BOUNDED.has(r.collection));
    expect(chosen.length).toBeGreaterThan(20);
    expect(chosen.filter((r) => Object.keys(r.filter).length === 0)).toEqual([]);
    // On the embedded store (SQLite), each of those reads searches an index: no SCAN in its plan.
    const raw = s.store;
    if (raw instanceof EmbeddedStore) {
      const scanned = chosen
        .map((r) => ({
          r,
          scans: raw
            .explain(r.collection, r.filter, r.options)
            .filter((line) => /^SCAN\b/.test(line.trim())),
        }))
        .filter((x) => x.scans.length > 0)
        .map((x) => `${x.r.collection}(${JSON.stringify(x.r.filter)}): ${x.scans.join('; ')}`);
      expect(scanned).toEqual([]);
    }
  });

  it('when a member was recused from an application, then the decision naming them is in their export, found through their vote', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    const now = clock.fn().toISOString();
    await s.store
      .collection<Doc & Record<string, unknown>>('reviewItems')
      .insertOne({ _id: 'item-7', appId: 'app-7', openedBy: PERSON(6), status: 'closed' });
    await s.review.upsertVote('item-7', RECUSED, {
      $set: { memberName: 'Person 4', conflict: 'declared', updatedAt: now },
    });
    await s.allocation.decisions.insert(
      decision({ applicationId: 'app-7', recusedIds: [RECUSED], recusedNames: ['Person 4'] }),
    );
    await s.allocation.decisions.insert(decision({ applicationId: 'app-8' }));

    const sections = await collectPersonalData(s, await resolveSubject(s, RECUSED));
    const decisions = sections.find((x) => x.collection === 'decisions')?.documents as {
      applicationId: string;
    }[];
    expect(decisions.map((d) => d.applicationId)).toEqual(['app-7']);
    // The item itself names them only through the vote: it is not theirs to export.
    expect(sections.find((x) => x.collection === 'reviewItems')).toBeUndefined();
  });

  it('when applications name an address in other capitals, then a request by that address finds them all, over several pages', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    for (let n = 1; n <= 12; n++)
      await s.applications.insert(
        application(`app-${String(n).padStart(2, '0')}`, {
          status: 'submitted',
          regSeq: n,
          contactEmail: n % 3 === 0 ? 'Lena.Lind@Stad.Example' : `other${n}@stad.example`,
        }),
      );
    const subject = await resolveSubject(s, 'lena.lind@stad.example');
    expect(subject.aadObjectId).toBeNull();
    const apps = (await collectPersonalData(s, subject)).find(
      (x) => x.collection === 'applications',
    )?.documents as Doc[];
    expect(apps.map((a) => a._id)).toEqual(['app-03', 'app-06', 'app-09', 'app-12']);

    const pages: Filter[] = [];
    const col = s.store.collection<Doc & { contactEmail?: string }>('applications');
    const spy: Collection<Doc & { contactEmail?: string }> = {
      ...col,
      name: col.name,
      findReadonly: (filter, options) => {
        pages.push(filter);
        return col.findReadonly(filter, options);
      },
    };
    const found = await walkMatching(spy, (a) => a._id.endsWith('0') || a._id.endsWith('5'), 5);
    expect(found.map((a) => a._id)).toEqual(['app-05', 'app-10']);
    expect(pages).toEqual([{}, { _id: { $gt: 'app-05' } }, { _id: { $gt: 'app-10' } }]);
  });
});
