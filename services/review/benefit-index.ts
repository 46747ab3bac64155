import { createHash } from 'node:crypto';
import type { ApplicationDoc, ApplicationStatus, SubmittedData } from '../applications/application';
import { Collection, isDuplicateKey, Store } from '../store/store';
import { BenefitCorpus, benefitProfile, BenefitProfile, claimText } from './benefit-similarity';

/**
 * An inverted index of the terms of every submitted application's benefit claims, so the
 * double-counting search reads the applications that share terms with one application instead
 * of every application ever submitted. One document per key listing the applications that use
 * it, a count per key (the document frequency the similarity weighs words by), and one marker per
 * indexed application. Every read and write is by `_id`, an index on every store (on SQLite a
 * query on an array element would be a scan: the lists are only ever read whole). Kept up to date
 * by the application repository's writes; a one-time backfill at start indexes what was stored
 * before.
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

/**
 * The applications that use a key (a benefit term, the start or end of a compound, or `=` and the
 * hash of a claim text). Appended to, never rewritten: an application withdrawn or resubmitted
 * with other benefits may stay listed, and the search reads its current state anyway. A key that
 * has as many applications as POSTING_CAP is too common to search by and stops growing.
 */
export interface BenefitPostingDoc {
  _id: string;
  apps: string[];
}

/** How many indexed applications use a key now (the document frequency of the similarity). */
export interface BenefitTermCountDoc {
  _id: string;
  n: number;
}

/**
 * An indexed application: the submission, the keys it is counted under, and its terms' weights
 * (so a search weighs a candidate without reading and stemming its whole application).
 */
export interface BenefitIndexedDoc {
  _id: string;
  submittedAt: string;
  keys: string[];
  weights?: Record<string, number>;
}

/**
 * A key used by more applications than this (and than a twentieth of them) finds no candidates
 * by itself: such a word is weighted down to near the floor of the rarity weights, so it alone
 * never makes a pair similar; it still counts when the pair is scored.
 */
const MIN_MAX_POSTING = 200;
const POSTING_CAP = 1000;
/** At most this many candidates are scored per search, those sharing the most terms first. */
export const MAX_CANDIDATES = 400;
/** Version of the backfill: raise it when the keys an application gets change. */
const BACKFILL_VERSION = 1;
const BACKFILL_PAGE = 200;

export const claimKey = (d: Partial<SubmittedData>): string | null => {
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
  private readonly postings: Collection<BenefitPostingDoc>;
  private readonly counts: Collection<BenefitTermCountDoc>;
  private readonly indexed: Collection<BenefitIndexedDoc>;
  private readonly meta: Collection<{ _id: string; version: number; at: string }>;

  constructor(store: Store) {
    this.postings = store.collection<BenefitPostingDoc>('benefitPostings');
    this.counts = store.collection<BenefitTermCountDoc>('benefitTermCounts');
    this.indexed = store.collection<BenefitIndexedDoc>('benefitIndexed');
    this.meta = store.collection('benefitIndexMeta');
  }

  /**
   * Brings an application's keys up to date with its submitted benefits in a few writes (one
   * `$inc` and one `$push` over all its known keys). Idempotent: an application already indexed
   * for this submission costs one read, unless `benefitsChanged` says a write changed its data
   * without a new submission. An application no longer in the pipeline (withdrawn, rejected) is
   * taken out of the counts, as the full comparison left it out. A crash between the writes
   * can leave a count one off: it only weighs a word slightly differently.
   */
  async sync(app: ApplicationDoc, opts: { benefitsChanged?: boolean } = {}): Promise<void> {
    if (!app.data || !app.submittedAt || !isComparable(app)) {
      if (app.status !== 'draft') await this.remove(app._id);
      return;
    }
    const marker = await this.indexed.findOne({ _id: app._id });
    if (marker?.submittedAt === app.submittedAt && !opts.benefitsChanged) return;
    const profile = benefitProfile(app.data);
    const keys = benefitKeys(app.data, profile);
    const weights = Object.fromEntries(profile.weights);
    const old = new Set(marker?.keys ?? []);
    const wanted = new Set(keys);
    const gone = [...old].filter((k) => !wanted.has(k));
    if (gone.length > 0) await this.counts.updateMany({ _id: { $in: gone } }, { $inc: { n: -1 } });
    await this.add(
      app._id,
      keys.filter((k) => !old.has(k)),
    );
    await this.indexed.findOneAndUpdate(
      { _id: app._id },
      { $set: { submittedAt: app.submittedAt, keys, weights } },
      { upsert: true },
    );
  }

  /** Takes an application out of the counts (idempotent); its postings are filtered on reading. */
  async remove(appId: string): Promise<void> {
    const marker = await this.indexed.findOne({ _id: appId });
    if (!marker) return;
    if (marker.keys.length > 0)
      await this.counts.updateMany({ _id: { $in: marker.keys } }, { $inc: { n: -1 } });
    await this.indexed.deleteMany({ _id: appId });
  }

  private async add(appId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const known = await this.counts.findReadonly({ _id: { $in: keys } });
    const knownIds = new Set(known.map((c) => c._id));
    if (knownIds.size > 0)
      await this.counts.updateMany({ _id: { $in: [...knownIds] } }, { $inc: { n: 1 } });
    const room = known.filter((c) => c.n < POSTING_CAP).map((c) => c._id);
    if (room.length > 0)
      await this.postings.updateMany({ _id: { $in: room } }, { $push: { apps: appId } });
    for (const key of keys.filter((k) => !knownIds.has(k))) {
      try {
        await this.postings.insertOne({ _id: key, apps: [appId] });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await this.postings.updateMany({ _id: key }, { $push: { apps: appId } });
      }
      await this.increment(key);
    }
  }

  /** Counts one more application under a key that may not exist yet (two first users race). */
  private async increment(key: string): Promise<void> {
    try {
      await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: 1 } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: 1 } });
    }
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
    const maxPosting = Math.min(POSTING_CAP, Math.max(MIN_MAX_POSTING, Math.ceil(size / 20)));
    const usable = (await this.counts.findReadonly({ _id: { $in: [...ofKey.keys()] } }))
      .filter((c) => c.n > 0 && (c.n <= maxPosting || c._id === claim))
      .map((c) => c._id);
    if (usable.length === 0) return [];
    const shared = new Map<string, { terms: Set<string>; copied: boolean }>();
    for (const posting of await this.postings.findReadonly({ _id: { $in: usable } })) {
      for (const other of posting.apps) {
        if (other === appId) continue;
        const entry = shared.get(other) ?? { terms: new Set<string>(), copied: false };
        if (posting._id === claim) entry.copied = true;
        else entry.terms.add(ofKey.get(posting._id)!);
        shared.set(other, entry);
      }
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
  /** The indexed form of these applications: their keys and term weights. */
  async indexedOf(ids: string[]): Promise<Map<string, Readonly<BenefitIndexedDoc>>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.indexed.findReadonly({ _id: { $in: ids } })).map((d) => [d._id, d]));
  }

  async corpus(profiles: Iterable<Pick<BenefitProfile, 'weights'>>): Promise<BenefitCorpus> {
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
