import { createHash } from 'node:crypto';
import type { ApplicationDoc, ApplicationStatus, SubmittedData } from '../applications/application';
import { Collection, isDuplicateKey, Store } from '../store/store';
import { BenefitCorpus, benefitProfile, BenefitProfile, claimText } from './benefit-similarity';

/**
 * An inverted index of the terms of every submitted application's benefit claims, so the
 * double-counting search reads the applications that share terms with one application instead
 * of every application ever submitted. One small document per term and application (scalar
 * fields only: on the SQLite store an equality or `$in` on an indexed scalar is an index lookup,
 * a query on an array element is a scan), a document frequency per term for the similarity's
 * rarity weights, and one marker per indexed application. Kept up to date by the application
 * repository's writes; a one-time backfill at start indexes what was stored before.
 */

/** Applications whose benefit claims still count: in the pipeline or funded. */
export const COMPARABLE: readonly ApplicationStatus[] = [
  'submitted',
  'completion_requested',
  'in_review',
  'recommended',
  'not_recommended',
  'approved',
];

/** One posting: application `appId` uses `key` (a benefit term, or `=` and its claim's hash). */
export interface BenefitTermDoc {
  _id: string;
  key: string;
  appId: string;
}

/** How many indexed applications use a key (MongoDB-style document frequency). */
export interface BenefitTermCountDoc {
  _id: string;
  n: number;
}

/** An indexed application and the submission its postings are of. */
export interface BenefitIndexedDoc {
  _id: string;
  submittedAt: string;
}

/**
 * A key used by more applications than this (and than a twentieth of them) finds no candidates
 * by itself: such a word is weighted down to near the floor of the rarity weights, so it alone
 * never makes a pair similar; it still counts when the pair is scored.
 */
const MIN_MAX_POSTING = 200;
const MAX_MAX_POSTING = 1000;
/** At most this many candidates are scored per search, those sharing the most terms first. */
export const MAX_CANDIDATES = 400;
/** Version of the backfill: raise it when the keys an application gets change. */
const BACKFILL_VERSION = 1;
const BACKFILL_PAGE = 200;

const claimKey = (d: Partial<SubmittedData>): string | null => {
  const text = claimText(d);
  return text === '' ? null : `=${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
};

/**
 * The similarity credits a compound ("förskol" in "förskoleplats", "arkiv" in "fjärrarkiv") when
 * one term starts or ends another and the shared part has at least this many letters, so two
 * such terms always share their first or their last this many letters.
 */
const COMPOUND_PART = 5;

/** The keys a term is found by beyond itself: the start and end a compound would share. */
function compoundKeys(term: string): string[] {
  return term.length < COMPOUND_PART
    ? []
    : [`^${term.slice(0, COMPOUND_PART)}`, `$${term.slice(-COMPOUND_PART)}`];
}

/**
 * The keys an application is found by: its benefit terms, the starts and ends of its compounds,
 * and the hash of its claim text.
 */
export function benefitKeys(d: Partial<SubmittedData>, profile = benefitProfile(d)): string[] {
  const keys = new Set<string>();
  for (const term of profile.weights.keys()) {
    keys.add(term);
    for (const k of compoundKeys(term)) keys.add(k);
  }
  const claim = claimKey(d);
  if (claim) keys.add(claim);
  return [...keys];
}

/** The spellings of a term that match it (benefit-similarity's matchOf: a final s or not). */
function variants(term: string): string[] {
  return term.endsWith('s') ? [term, term.slice(0, -1), `${term}s`] : [term, `${term}s`];
}

const isComparable = (app: Pick<ApplicationDoc, 'status'>): boolean =>
  COMPARABLE.includes(app.status);

export class BenefitIndex {
  private readonly terms: Collection<BenefitTermDoc>;
  private readonly counts: Collection<BenefitTermCountDoc>;
  private readonly indexed: Collection<BenefitIndexedDoc>;
  private readonly meta: Collection<{ _id: string; version: number; at: string }>;

  constructor(store: Store) {
    this.terms = store.collection<BenefitTermDoc>('benefitTerms');
    this.counts = store.collection<BenefitTermCountDoc>('benefitTermCounts');
    this.indexed = store.collection<BenefitIndexedDoc>('benefitIndexed');
    this.meta = store.collection('benefitIndexMeta');
  }

  async init(): Promise<void> {
    await this.terms.ensureIndex({ fields: ['key'] });
    await this.terms.ensureIndex({ fields: ['appId'] });
  }

  /**
   * Brings an application's postings up to date with its submitted benefits (idempotent: an
   * application already indexed for this submission costs one read, unless `benefitsChanged`
   * says a write changed its data without a new submission). An application no longer
   * in the pipeline (withdrawn, rejected) is taken out, as the full comparison left it out.
   */
  async sync(app: ApplicationDoc, opts: { benefitsChanged?: boolean } = {}): Promise<void> {
    if (!app.data || !app.submittedAt || !isComparable(app)) {
      if (app.status !== 'draft') await this.remove(app._id);
      return;
    }
    const marker = await this.indexed.findOne({ _id: app._id });
    if (marker?.submittedAt === app.submittedAt && !opts.benefitsChanged) return;
    const keys = new Set(benefitKeys(app.data));
    await this.replacePostings(app._id, keys);
    await this.indexed.findOneAndUpdate(
      { _id: app._id },
      { $set: { submittedAt: app.submittedAt } },
      { upsert: true },
    );
  }

  /** Takes an application out of the index (idempotent). */
  async remove(appId: string): Promise<void> {
    if ((await this.indexed.count({ _id: appId })) === 0) return;
    await this.replacePostings(appId, new Set());
    await this.indexed.deleteMany({ _id: appId });
  }

  /**
   * Writes the postings that are missing and deletes those no longer wanted; a term's count
   * moves only with a posting this call actually wrote or deleted, so twin calls count once.
   */
  private async replacePostings(appId: string, keys: Set<string>): Promise<void> {
    const have = new Set((await this.terms.findReadonly({ appId })).map((t) => t.key));
    const gone: string[] = [];
    for (const key of have) {
      if (keys.has(key)) continue;
      if ((await this.terms.deleteMany({ _id: `${key}|${appId}` })) > 0) gone.push(key);
    }
    const added: string[] = [];
    for (const key of keys) {
      if (have.has(key)) continue;
      try {
        await this.terms.insertOne({ _id: `${key}|${appId}`, key, appId });
        added.push(key);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    for (const key of gone) await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: -1 } });
    for (const key of added)
      await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: 1 } }, { upsert: true });
  }

  /**
   * The applications that may share benefit claims with this profile: those sharing the most
   * of its terms (or its claim text), at most MAX_CANDIDATES, never the application itself.
   */
  async candidates(
    appId: string,
    d: Partial<SubmittedData>,
    profile: BenefitProfile,
  ): Promise<string[]> {
    const ofKey = new Map<string, string>();
    for (const term of profile.weights.keys())
      for (const v of [...variants(term), ...compoundKeys(term)])
        if (!ofKey.has(v)) ofKey.set(v, term);
    const claim = claimKey(d);
    if (claim) ofKey.set(claim, claim);
    const size = await this.indexed.count({});
    const maxPosting = Math.min(MAX_MAX_POSTING, Math.max(MIN_MAX_POSTING, Math.ceil(size / 20)));
    const usable = (await this.counts.findReadonly({ _id: { $in: [...ofKey.keys()] } }))
      .filter((c) => c.n > 0 && (c.n <= maxPosting || c._id === claim))
      .map((c) => c._id);
    if (usable.length === 0) return [];
    const shared = new Map<string, { terms: Set<string>; copied: boolean }>();
    for (const row of await this.terms.findReadonly({ key: { $in: usable } })) {
      if (row.appId === appId) continue;
      const entry = shared.get(row.appId) ?? { terms: new Set<string>(), copied: false };
      if (row.key === claim) entry.copied = true;
      else entry.terms.add(ofKey.get(row.key)!);
      shared.set(row.appId, entry);
    }
    return [...shared]
      .sort(
        ([ia, a], [ib, b]) =>
          Number(b.copied) - Number(a.copied) || b.terms.size - a.terms.size || (ia < ib ? -1 : 1),
      )
      .slice(0, MAX_CANDIDATES)
      .map(([id]) => id);
  }

  /**
   * The document frequencies of the given profiles' terms over every indexed application: the
   * same corpus the similarity had when it read every application in the pipeline.
   */
  async corpus(profiles: Iterable<BenefitProfile>): Promise<BenefitCorpus> {
    const terms = new Set<string>();
    for (const p of profiles) for (const t of p.weights.keys()) terms.add(t);
    const df = new Map<string, number>();
    if (terms.size > 0)
      for (const c of await this.counts.findReadonly({ _id: { $in: [...terms] } }))
        df.set(c._id, c.n);
    return { size: await this.indexed.count({}), df };
  }

  /**
   * Indexes the applications stored before the index existed, once (a marker records it) and
   * idempotently (an application already indexed for its submission is skipped). Returns how
   * many applications it looked at (0 when the marker says it ran).
   */
  async backfill(applications: Collection<ApplicationDoc>): Promise<number> {
    const done = await this.meta.findOne({ _id: 'backfill' });
    if (done && done.version >= BACKFILL_VERSION) return 0;
    let seen = 0;
    let after = '';
    for (;;) {
      const page = await applications.find(
        { status: { $in: [...COMPARABLE] }, _id: { $gt: after } },
        { sort: { _id: 1 }, limit: BACKFILL_PAGE },
      );
      for (const app of page) await this.sync(app);
      seen += page.length;
      if (page.length < BACKFILL_PAGE) break;
      after = page[page.length - 1]._id;
    }
    await this.meta.findOneAndUpdate(
      { _id: 'backfill' },
      { $set: { version: BACKFILL_VERSION, at: new Date().toISOString() } },
      { upsert: true },
    );
    return seen;
  }
}
