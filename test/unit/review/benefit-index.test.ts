import {
  ApplicationDoc,
  ApplicationStatus,
  SubmittedData,
} from '../../../services/applications/application';
import { ApplicationRepository } from '../../../services/applications/application-repository';
import {
  benefitCorpus,
  benefitProfile,
  BenefitProfile,
} from '../../../services/review/benefit-similarity';
import { benefitKeys, COMPARABLE } from '../../../services/review/benefit-index';
import {
  byStrength,
  compareBenefits,
  findPossibleDuplicates,
} from '../../../services/review/duplicate-benefits';
import { ReviewRepository } from '../../../services/review/review-repository';
import { Store } from '../../../services/store/store';
import { openTestStore, testStoreKind } from '../../support/test-store';
import { DOUBLE_COUNTING_PAIRS } from './double-counting-pairs';

/** A small deterministic random source (the same set on every run). */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const BASES: Partial<SubmittedData>[] = [
  ...new Set(DOUBLE_COUNTING_PAIRS.flatMap((p) => [p.a, p.b])),
];
const TEXT_FIELDS = [
  'title',
  'need',
  'userGroups',
  'citizenBenefit',
  'internalBenefit',
  'realisationPlan',
] as const;
const ORGANISATIONS = [
  'Utbildningsförvaltningen',
  'Socialförvaltningen',
  'Norra stadsdelsförvaltningen',
  'Södra stadsdelsförvaltningen',
  'Stadsbyggnadskontoret',
  'Kulturförvaltningen',
];

function application(
  id: string,
  d: Partial<SubmittedData>,
  status: ApplicationStatus,
  n: number,
): ApplicationDoc {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    _id: id,
    ownerId: `owner-${n % 17}`,
    ownerName: 'Sökande',
    status,
    inputs: {},
    step: 6,
    reached: 6,
    regNo: `2026-${String(n + 1).padStart(4, '0')}`,
    version: 1,
    createdAt: at,
    updatedAt: at,
    submittedAt: at,
    data: {
      portfolioId: `p${n % 4}`,
      part: 'improvement',
      devCost: 100_000,
      ...d,
    } as SubmittedData,
  };
}

/**
 * A realistic set: every labelled application, then variants of them as other administrations
 * write the same kind of claim (words left out, a sentence borrowed from another application),
 * in every status of the pipeline and some withdrawn.
 */
function generatedSet(size: number): ApplicationDoc[] {
  const rnd = random(20261206);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const apps: ApplicationDoc[] = [];
  for (let n = 0; n < size; n++) {
    const base = BASES[n % BASES.length];
    const d: Partial<SubmittedData> = { ...base };
    if (n >= BASES.length) {
      d.organisation = pick(ORGANISATIONS);
      for (const f of TEXT_FIELDS) {
        const words = (base[f] ?? '').split(' ').filter(() => rnd() > 0.2);
        const borrowed = rnd() < 0.3 ? ` ${pick(BASES)[f] ?? ''}` : '';
        d[f] = `${words.join(' ')}${borrowed}`.trim();
      }
    }
    const status = rnd() < 0.05 ? 'withdrawn' : pick(COMPARABLE);
    apps.push(application(`app-${String(n).padStart(4, '0')}`, d, status, n));
  }
  return apps;
}

const profiles = new WeakMap<SubmittedData, BenefitProfile>();
const profileOf = (d: SubmittedData): BenefitProfile => {
  if (!profiles.has(d)) profiles.set(d, benefitProfile(d));
  return profiles.get(d)!;
};

/** The search as it was before the index: every application in the pipeline, one by one. */
function fullScan(app: ApplicationDoc, all: ApplicationDoc[]) {
  const others = all.filter((o) => o._id !== app._id && COMPARABLE.includes(o.status));
  const corpus = benefitCorpus([app, ...others].map((x) => profileOf(x.data!)));
  return others
    .flatMap((o) => {
      const m = compareBenefits(app, o, profileOf, corpus);
      return m ? [{ appId: o._id, reasons: m.reasons, similarity: m.similarity }] : [];
    })
    .sort((x, y) => byStrength(x as never, y as never));
}

async function repositories(store: Store) {
  const applications = new ApplicationRepository(store);
  const review = new ReviewRepository(store);
  await applications.init();
  await review.init();
  await applications.benefits.whenBackfilled(); // the search uses the index from here on
  return { applications, review };
}

/**
 * FerretDB (the MongoDB-wire test server) updates a document at a time under a lock, so a set of
 * a few hundred takes minutes there: a smaller set, and more time.
 */
const ON_MONGODB = testStoreKind() === 'mongodb';
const SET_SIZE = ON_MONGODB ? 90 : 300;
if (ON_MONGODB) jest.setTimeout(900_000);

describe('benefit index: the double-counting search reads only the candidates it finds', () => {
  it('when a set of generated applications is stored, then the indexed search finds exactly the duplicates the full scan found', async () => {
    const store = await openTestStore();
    const s = await repositories(store);
    const apps = generatedSet(SET_SIZE);
    for (const a of apps) await s.applications.insert(a);
    const comparable = apps.filter((a) => COMPARABLE.includes(a.status));
    let compared = 0;
    let flagged = 0;
    let candidatesRead = 0;
    for (const app of comparable.filter((_, i) => i % 5 === 0)) {
      const expected = fullScan(app, apps);
      const found = await findPossibleDuplicates(s, app, 1000);
      expect(found.hits.map((h) => [h.appId, h.similarity, h.reasons])).toEqual(
        expected.map((h) => [h.appId, h.similarity, h.reasons]),
      );
      candidatesRead += (
        await s.applications.benefits.candidates(app._id, app.data!, benefitProfile(app.data!))
      ).length;
      compared++;
      flagged += expected.length;
    }
    console.log(
      `benefit index on ${apps.length} applications: ${compared} searches, ${flagged} possible double countings, ` +
        `the same as the full scan; ${(candidatesRead / compared).toFixed(0)} candidates found per search instead of ${comparable.length - 1}`,
    );
    expect(flagged).toBeGreaterThan(compared);
    await store.close();
  });

  it('when the labelled pairs are stored, then the indexed search flags the same pairs as before', async () => {
    const store = await openTestStore();
    const s = await repositories(store);
    const ids = new Map<Partial<SubmittedData>, string>();
    BASES.forEach((d, n) => ids.set(d, `l-${n}`));
    const apps = BASES.map((d, n) => application(`l-${n}`, d, 'in_review', n));
    for (const a of apps) await s.applications.insert(a);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of DOUBLE_COUNTING_PAIRS) {
      const a = apps.find((x) => x._id === ids.get(p.a))!;
      const { hits } = await findPossibleDuplicates(s, a, 1000);
      const hit = hits.some((h) => h.appId === ids.get(p.b));
      const scan = fullScan(a, apps).some((h) => h.appId === ids.get(p.b));
      expect(hit).toBe(scan);
      if (hit && p.duplicate) tp++;
      else if (hit) fp++;
      else if (p.duplicate) fn++;
    }
    console.log(
      `labelled pairs through the indexed search: precision ${(tp / (tp + fp)).toFixed(2)}, recall ${(tp / (tp + fn)).toFixed(2)} ` +
        `(${tp} found, ${fp} false flags, ${fn} missed of ${DOUBLE_COUNTING_PAIRS.length} pairs)`,
    );
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.95);
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.78);
    await store.close();
  });

  it('when a short benefit claim is copied word for word, then the indexed search flags the copy by its claim key, and not a claim that only shares words', async () => {
    const store = await openTestStore();
    const s = await repositories(store);
    const claim: Partial<SubmittedData> = {
      citizenBenefit: 'Tidsvinst.',
      internalBenefit: 'Tidsvinst.',
      realisationPlan: 'Tidsvinst.',
    };
    const base = (title: string, organisation: string): Partial<SubmittedData> => ({
      ...BASES[0],
      title,
      need: title,
      userGroups: 'Invånare',
      organisation,
      realisationOwner: `Ägare för ${title}`,
      ownerName: `Mottagare för ${title}`,
    });
    const original = application(
      'c-1',
      { ...base('Bokning av lokaler', ORGANISATIONS[0]), ...claim },
      'in_review',
      1,
    );
    const copy = application(
      'c-2',
      { ...base('Felanmälan i parker', ORGANISATIONS[1]), ...claim },
      'in_review',
      2,
    );
    const other = application(
      'c-3',
      {
        ...base('Ärendehantering för bygglov', ORGANISATIONS[2]),
        citizenBenefit: 'Tidsvinst för sökande.',
        internalBenefit: 'Mindre arbete.',
        realisationPlan: 'Följs upp.',
      },
      'in_review',
      3,
    );
    for (const a of [original, copy, other]) await s.applications.insert(a);
    const { hits } = await findPossibleDuplicates(s, original, 1000);
    // One shared word is no evidence by itself (c-3); the same claim, however short, is (c-2).
    expect(hits.map((h) => h.appId)).toEqual(['c-2']);
    expect(hits.map((h) => h.appId)).toEqual(
      fullScan(original, [original, copy, other]).map((h) => h.appId),
    );
    await store.close();
  });

  it('when applications stored before the index are backfilled twice, then the postings and counts are the same as once, and as from scratch', async () => {
    const store = await openTestStore();
    const raw = store.collection<ApplicationDoc>('applications');
    // Backfilled twice, the second time from scratch: fewer on FerretDB.
    const apps = generatedSet(ON_MONGODB ? 50 : 120);
    for (const a of apps) await raw.insertOne(a);
    const snapshot = async () => ({
      postings: Object.fromEntries(
        (await store.collection<{ _id: string; apps: string[] }>('benefitPostings').find({})).map(
          (p) => [p._id, [...new Set(p.apps)].sort()],
        ),
      ),
      counts: Object.fromEntries(
        (await store.collection<{ _id: string; n: number }>('benefitTermCounts').find({})).map(
          (c) => [c._id, c.n],
        ),
      ),
      indexed: await store.collection('benefitIndexed').count({}),
    });
    const s = await repositories(store); // init runs the backfill (awaited there)
    const once = await snapshot();
    expect(await s.applications.benefits.backfill(raw)).toBe(0); // the marker says it ran
    await store.collection('benefitIndexMeta').deleteMany({});
    expect(await s.applications.benefits.backfill(raw)).toBe(
      apps.filter((a) => COMPARABLE.includes(a.status)).length,
    );
    expect(await snapshot()).toEqual(once);
    // The counts are the document frequencies of the applications in the pipeline.
    const pipeline = apps.filter((a) => COMPARABLE.includes(a.status));
    const df = benefitCorpus(pipeline.map((a) => benefitProfile(a.data!))).df;
    for (const [term, n] of df) expect([term, once.counts[term]]).toEqual([term, n]);
    expect(once.indexed).toBe(pipeline.length);
    await store.close();
  });

  it('when an application is withdrawn or resubmitted with other benefits, then the index follows the write', async () => {
    const store = await openTestStore();
    const s = await repositories(store);
    const [a, b] = [BASES[0], BASES[0]].map((d, n) => application(`w-${n}`, d, 'submitted', n));
    await s.applications.insert(a);
    await s.applications.insert(b);
    expect((await findPossibleDuplicates(s, a)).hits.map((h) => h.appId)).toEqual(['w-1']);
    await s.applications.update({ _id: 'w-1' }, { $set: { status: 'withdrawn' } });
    expect((await findPossibleDuplicates(s, a)).hits).toEqual([]);
    expect(await store.collection('benefitIndexed').count({ _id: 'w-1' })).toBe(0);
    const counts = store.collection<{ _id: string; n: number }>('benefitTermCounts');
    for (const key of benefitKeys(a.data!))
      expect([key, (await counts.findOne({ _id: key }))?.n]).toEqual([key, 1]);
    const other = BASES.find((d) => d.title !== BASES[0].title && d.internalBenefit)!;
    await s.applications.update(
      { _id: 'w-0' },
      { $set: { data: { ...a.data!, ...other }, submittedAt: '2026-02-01T00:00:00.000Z' } },
    );
    const keys = [
      ...(await store
        .collection<{ _id: string; keys: string[] }>('benefitIndexed')
        .findOne({ _id: 'w-0' }))!.keys,
    ];
    expect(keys.sort()).toEqual(benefitKeys({ ...a.data!, ...other }).sort());
    expect(keys).toEqual(expect.arrayContaining([...benefitProfile(other).weights.keys()]));
    await store.close();
  });
});
