import { ApplicationDoc, SubmittedData } from '../../../services/applications/application';
import { ApplicationRepository } from '../../../services/applications/application-repository';
import {
  BackfillLog,
  benefitKeys,
  MAX_CANDIDATES,
  POSTING_CHUNK,
} from '../../../services/review/benefit-index';
import {
  benefitCorpus,
  benefitProfile,
  BenefitProfile,
} from '../../../services/review/benefit-similarity';
import {
  byStrength,
  compareBenefits,
  findPossibleDuplicates,
} from '../../../services/review/duplicate-benefits';
import { ReviewRepository } from '../../../services/review/review-repository';
import { Collection, Store } from '../../../services/store/store';
import { openTestStore, testStoreKind } from '../../support/test-store';
import { DOUBLE_COUNTING_PAIRS } from './double-counting-pairs';

if (testStoreKind() === 'mongodb') jest.setTimeout(900_000);

const BASES: Partial<SubmittedData>[] = [
  ...new Set(DOUBLE_COUNTING_PAIRS.flatMap((p) => [p.a, p.b])),
];

function application(id: string, d: Partial<SubmittedData>, n: number): ApplicationDoc {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    _id: id,
    ownerId: `owner-${n % 7}`,
    ownerName: 'Sökande',
    status: 'in_review',
    inputs: {},
    step: 6,
    reached: 6,
    regNo: `2026-${String(n + 1).padStart(4, '0')}`,
    version: 1,
    createdAt: at,
    updatedAt: at,
    submittedAt: at,
    data: {
      portfolioId: `p${n % 3}`,
      part: 'improvement',
      devCost: 100_000,
      ...d,
    } as SubmittedData,
  };
}

const profiles = new WeakMap<SubmittedData, BenefitProfile>();
const profileOf = (d: SubmittedData): BenefitProfile => {
  if (!profiles.has(d)) profiles.set(d, benefitProfile(d));
  return profiles.get(d)!;
};

/** The search as it was before the index: every other application in the pipeline. */
function fullScan(app: ApplicationDoc, all: ApplicationDoc[]) {
  const others = all.filter((o) => o._id !== app._id);
  const corpus = benefitCorpus([app, ...others].map((x) => profileOf(x.data!)));
  return others
    .flatMap((o) => {
      const m = compareBenefits(app, o, profileOf, corpus);
      return m ? [{ appId: o._id, reasons: m.reasons, similarity: m.similarity }] : [];
    })
    .sort((x, y) => byStrength(x as never, y as never))
    .map((h) => [h.appId, h.similarity, h.reasons]);
}

function recordingLog(): BackfillLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (_obj, msg) => lines.push(`info ${msg}`),
    error: (_obj, msg) => lines.push(`error ${msg}`),
  };
}

describe('benefit index after an upgrade: the backfill runs in the background', () => {
  it('when a store indexed in the old layout starts, then the search finds every duplicate without the index until the backfill has rebuilt it, and with it afterwards', async () => {
    const store: Store = await openTestStore();
    const raw = store.collection<ApplicationDoc>('applications');
    const apps = BASES.map((d, n) => application(`l-${String(n).padStart(3, '0')}`, d, n));
    for (const a of apps) await raw.insertOne(a);
    // What version 1 left: one posting list per key, counts without chunk numbers, its marker.
    const [firstKey] = benefitKeys(apps[0].data!);
    const old = (name: string) => store.collection<{ _id: string } & Record<string, unknown>>(name);
    await old('benefitPostings').insertOne({ _id: firstKey, apps: [apps[0]._id] });
    await old('benefitTermCounts').insertOne({ _id: firstKey, n: 1 });
    await old('benefitIndexed').insertOne({
      _id: apps[0]._id,
      submittedAt: apps[0].submittedAt,
      keys: [firstKey],
    });
    await old('benefitIndexMeta').insertOne({ _id: 'backfill', version: 1, at: '' });

    const applications = new ApplicationRepository(store); // init (and its backfill) not run yet
    const review = new ReviewRepository(store);
    await review.init();
    const s = { applications, review };
    const pipelineReads = jest.spyOn(applications, 'pageByStatus');
    const searchAll = async () => {
      let found = 0;
      for (const app of apps) {
        const { hits } = await findPossibleDuplicates(s, app, 1000);
        expect([app._id, hits.map((h) => [h.appId, h.similarity, h.reasons])]).toEqual([
          app._id,
          fullScan(app, apps),
        ]);
        found += hits.length;
      }
      return found;
    };

    expect(await applications.benefits.isComplete()).toBe(false);
    const before = await searchAll();
    expect(before).toBeGreaterThan(apps.length / 2);
    expect(pipelineReads).toHaveBeenCalled();

    const log = recordingLog();
    await applications.init(log); // returns before the backfill has run
    expect(await applications.benefits.isComplete()).toBe(false);
    let turns = 0; // other work the event loop runs while the backfill goes on
    let backfilling = true;
    const turn = (): void => {
      turns++;
      if (backfilling) setImmediate(turn);
    };
    setImmediate(turn);
    expect(await applications.benefits.whenBackfilled()).toBe(apps.length);
    backfilling = false;
    expect(turns).toBeGreaterThan(apps.length / 2);
    expect(log.lines).toContain('info benefit index backfill complete');
    expect(await applications.benefits.isComplete()).toBe(true);
    const postings = await store.collection('benefitPostings').find({});
    expect(postings.filter((p) => !/#\d+$/.test(p._id))).toEqual([]); // the old lists are gone
    const counts = await store
      .collection<{ _id: string; p?: number }>('benefitTermCounts')
      .find({});
    expect(counts.filter((c) => c.p === undefined)).toEqual([]);

    pipelineReads.mockClear();
    expect(await searchAll()).toBe(before);
    expect(pipelineReads).not.toHaveBeenCalled();
    await store.close();
  });

  it('when the backfill fails, then the failure is logged, the search keeps comparing without the index, and the next start completes it', async () => {
    const store = await openTestStore();
    const raw = store.collection<ApplicationDoc>('applications');
    const [a, b] = [BASES[0], BASES[0]].map((d, n) => application(`f-${n}`, d, n));
    await raw.insertOne(a);
    await raw.insertOne(b);
    const applications = new ApplicationRepository(store);
    const review = new ReviewRepository(store);
    await review.init();
    const failing = {
      ...raw,
      findReadonly: () => Promise.reject(new Error('disk I/O error')),
    } as unknown as Collection<ApplicationDoc>;
    const log = recordingLog();
    applications.benefits.start(failing, log);
    expect(await applications.benefits.whenBackfilled()).toBe(-1);
    expect(log.lines).toEqual([
      'error benefit index backfill failed; it is tried again at the next start',
    ]);
    expect(await applications.benefits.isComplete()).toBe(false);
    const s = { applications, review };
    expect((await findPossibleDuplicates(s, a)).hits.map((h) => h.appId)).toEqual(['f-1']);
    applications.benefits.start(raw, log);
    expect(await applications.benefits.whenBackfilled()).toBe(2);
    expect(await applications.benefits.isComplete()).toBe(true);
    expect((await findPossibleDuplicates(s, a)).hits.map((h) => h.appId)).toEqual(['f-1']);
    await store.close();
  });

  it('when more applications than a chunk holds share a key, then a submit appends to its last chunk and the search reads them all', async () => {
    const store = await openTestStore();
    const applications = new ApplicationRepository(store);
    await applications.init();
    await applications.benefits.whenBackfilled();
    const total = POSTING_CHUNK * 2 + 30;
    // One claim sentence (ten keys, not the forty of a whole application: each key is two writes
    // per submit, under a lock on FerretDB), submitted ten at a time as submits come: each takes
    // its own place in the count, so the chunks are exactly full even when submits race.
    const claimOnly = { internalBenefit: BASES[1].internalBenefit };
    const apps = Array.from({ length: total }, (_, n) =>
      application(`c-${String(n).padStart(3, '0')}`, claimOnly, n),
    );
    for (let i = 0; i < total; i += 10)
      await Promise.all(apps.slice(i, i + 10).map((app) => applications.insert(app)));
    const claim = benefitKeys(apps[0].data!).find((k) => k.startsWith('='))!;
    const chunks = await store
      .collection<{ _id: string; apps: string[] }>('benefitPostings')
      .find({ _id: { $in: [0, 1, 2, 3].map((c) => `${claim}#${c}`) } }, { sort: { _id: 1 } });
    expect(chunks.map((c) => [c._id, c.apps.length])).toEqual([
      [`${claim}#0`, POSTING_CHUNK],
      [`${claim}#1`, POSTING_CHUNK],
      [`${claim}#2`, 30],
    ]);
    const candidates = await applications.benefits.candidates(
      apps[0]._id,
      apps[0].data!,
      benefitProfile(apps[0].data!),
    );
    // Every chunk was read (c-200 is in the third); of the 229 equal candidates the search keeps
    // MAX_CANDIDATES, ties by id.
    expect(apps.length - 1).toBeGreaterThan(MAX_CANDIDATES);
    expect([...candidates].sort()).toEqual(apps.slice(1, MAX_CANDIDATES + 1).map((x) => x._id));
    await store.close();
  });
});
