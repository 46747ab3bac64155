import type { ApplicationDoc, ApplicationStatus, SubmittedData } from '../applications/application';
import { Collection, Doc, isDuplicateKey, Store } from '../store/store';
import { BenefitCorpus, benefitProfile, BenefitProfile } from './benefit-similarity';
import { benefitKeys, claimKey, compoundKeys, variants } from './benefit-keys';

export { benefitKeys, claimKey } from './benefit-keys';

/**
 * An inverted index of the terms of every submitted application's benefit claims, so the
 * double-counting search reads the applications that share terms with one application instead
 * of every application ever submitted. The applications that use a key are listed in chunks of
 * at most POSTING_CHUNK (`<key>#<chunk>`), so a submit appends to one small document per key
 * instead of re-writing a list of a thousand; a count per key (the document frequency the
 * similarity weighs words by, and how many were listed, which says how many chunks there are);
 * and one marker per indexed application. Every read and write is by `_id`, an index on every
 * store (on SQLite a query on an array element would be a scan: the lists are only ever read
 * whole). Kept up to date by the application repository's writes; a backfill started at start-up
 * indexes what was stored before in the background, and until it has finished the search
 * compares with the applications in the pipeline instead (duplicate-benefits.ts).
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
 * One chunk (`_id` `<key>#<n>`, n from 0) of the applications that use a key (a benefit term, the
 * start or end of a compound, or `=` and the hash of a claim text). Appended to, never rewritten:
 * an application withdrawn or resubmitted with other benefits may stay listed, and the search
 * reads its current state anyway. A key that has as many applications as POSTING_CAP is too
 * common to search by and stops growing.
 */
export interface BenefitPostingDoc {
  _id: string;
  apps: string[];
}

/**
 * How many indexed applications use a key now (`n`, the document frequency of the similarity),
 * and how many times an application was listed under it (`p`: its chunks are 0 to
 * ceil(p / POSTING_CHUNK) - 1; counted before the listing, so a chunk is never beyond it).
 */
export interface BenefitTermCountDoc {
  _id: string;
  n: number;
  p?: number;
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
/** Applications per posting chunk: what one submit re-writes per key. */
export const POSTING_CHUNK = 100;
/**
 * At most this many candidates are scored per search, those sharing the most terms first: the
 * work of a search stops growing with the number of applications. On the test corpus (300
 * generated applications, 283 candidates per search without a cap) 200 finds exactly the full
 * scan's double countings; 400 let the "Komplett" click at 10,000 applications take about 1.4
 * times as long as on an empty store.
 */
export const MAX_CANDIDATES = 200;
/**
 * Version of the backfill: raise it when the keys an application gets or the stored layout
 * change (2: postings in chunks). A lower version's index is deleted and built again.
 */
const BACKFILL_VERSION = 2;
const BACKFILL_PAGE = 200;
/**
 * Writes to different documents the index has in flight at once (a submit's new keys, a backfill
 * page's keys and markers): on FerretDB every update is several round trips under a lock.
 */
const WRITES_AT_ONCE = 8;
/** Documents deleted per write when an old index is cleared (an old posting list is ~40 KB). */
const CLEAR_PAGE = 100;

/**
 * Lets the turns waiting on the event loop run: the embedded store answers synchronously, so a
 * loop of awaited store calls would otherwise hold the event loop until it ends.
 */
export const yieldToTurns = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const chunkId = (key: string, chunk: number): string => `${key}#${chunk}`;
/** The chunks a key's postings are in, from its count document. */
const chunksOf = (c: Pick<BenefitTermCountDoc, '_id' | 'p'>): string[] =>
  Array.from({ length: Math.ceil((c.p ?? 0) / POSTING_CHUNK) }, (_, i) => chunkId(c._id, i));

/**
 * Runs `fn` on every item, at most `size` at a time; waits for all of them, then throws the first
 * failure (so no write is still running when the caller goes on).
 */
async function inGroups<T>(
  items: readonly T[],
  size: number,
  fn: (x: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await settled(items.slice(i, i + size).map(fn));
}

/** Waits for every task, then throws the first failure. */
async function settled(tasks: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Where backfill progress and failures are told (the services' logger). */
export interface BackfillLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const isComparable = (app: Pick<ApplicationDoc, 'status'>): boolean =>
  COMPARABLE.includes(app.status);

export class BenefitIndex {
  private readonly postings: Collection<BenefitPostingDoc>;
  private readonly counts: Collection<BenefitTermCountDoc>;
  private readonly indexed: Collection<BenefitIndexedDoc>;
  private readonly meta: Collection<{ _id: string; version: number; at: string }>;
  /** Syncs of one application run one after another (a write's and the backfill's). */
  private readonly syncing = new Map<string, Promise<void>>();
  /** While an old index is being cleared, writes are not indexed (the backfill indexes them). */
  private clearing = false;
  /** Settles once the backfill knows whether it clears (syncs wait for it). */
  private gate: Promise<void> = Promise.resolve();
  private running: Promise<number> | null = null;
  private complete = false;

  constructor(store: Store) {
    this.postings = store.collection<BenefitPostingDoc>('benefitPostings');
    this.counts = store.collection<BenefitTermCountDoc>('benefitTermCounts');
    this.indexed = store.collection<BenefitIndexedDoc>('benefitIndexed');
    this.meta = store.collection('benefitIndexMeta');
  }

  /**
   * Brings an application's keys up to date with its submitted benefits: per new key its count
   * raised and a `$push` to its last chunk (an insert for a key first used). Idempotent: an
   * application already indexed for this submission costs one read, unless `benefitsChanged`
   * says a write changed its data without a new submission. An application no longer in the
   * pipeline (withdrawn, rejected) is taken out of the counts, as the full comparison left it
   * out. A crash between the writes can leave a count one off: it only weighs a word slightly
   * differently. Syncs of one application run in turn (a write's and the backfill's); while the
   * backfill clears an old index, nothing is written (the backfill indexes it afterwards).
   */
  async sync(app: ApplicationDoc, opts: { benefitsChanged?: boolean } = {}): Promise<void> {
    await this.gate;
    if (this.clearing) return;
    const before = this.syncing.get(app._id);
    const run = (before ?? Promise.resolve()).then(() => this.syncNow(app, opts));
    const done = run.catch(() => undefined);
    this.syncing.set(app._id, done);
    try {
      await run;
    } finally {
      if (this.syncing.get(app._id) === done) this.syncing.delete(app._id);
    }
  }

  private async syncNow(app: ApplicationDoc, opts: { benefitsChanged?: boolean }): Promise<void> {
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
    await this.uncount(gone);
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
    await this.uncount(marker.keys);
    await this.indexed.deleteMany({ _id: appId });
  }

  /**
   * Counts an application under keys and lists it in the last chunk of each key that is not too
   * common (list, one key after another, WRITES_AT_ONCE at a time).
   */
  private async add(appId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const known = new Map(
      (await this.counts.findReadonly({ _id: { $in: keys } })).map((c) => [c._id, c]),
    );
    await inGroups(keys, WRITES_AT_ONCE, (key) => this.list(key, [appId], known.get(key)));
  }

  /** Counts one application fewer under each key. */
  private async uncount(keys: readonly string[]): Promise<void> {
    await inGroups(keys, WRITES_AT_ONCE, async (key) => {
      await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: -1 } });
    });
  }

  /**
   * Counts applications under one key and lists them. A key first used gets its count and its
   * chunks inserted whole. A known key's count is raised by all of them in one update, whose
   * result says which places (`p`) are theirs: a chunk they begin is inserted whole, the places
   * left in the chunk begun before them are appended to it. Counted before listed, so a reader
   * that derives the chunks from the count never misses one. A key with as many applications as
   * POSTING_CAP is only counted. Every write names one document by `_id`: on FerretDB an update
   * with any other filter reads the whole collection, and each one runs under a lock.
   */
  private async list(
    key: string,
    apps: string[],
    count?: Readonly<BenefitTermCountDoc>,
  ): Promise<void> {
    const k = apps.length;
    let first: number | null = null;
    if (!count) {
      try {
        await this.counts.insertOne({ _id: key, n: k, p: k });
        first = 0;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another write counted it first
      }
    } else if (count.n >= POSTING_CAP) {
      await this.counts.findOneAndUpdate({ _id: key }, { $inc: { n: k } });
      return;
    }
    if (first === null) {
      const after = await this.counts.findOneAndUpdate(
        { _id: key },
        { $inc: { n: k, p: k } },
        { upsert: true },
      );
      first = after!.p! - k;
    }
    const rest: string[] = [];
    for (let i = 0; i < k;) {
      const chunk = Math.floor((first + i) / POSTING_CHUNK);
      const end = Math.min(k, (chunk + 1) * POSTING_CHUNK - first);
      if ((first + i) % POSTING_CHUNK === 0)
        await this.begin(chunkId(key, chunk), apps.slice(i, end));
      else rest.push(...apps.slice(i, end));
      i = end;
    }
    for (const appId of rest)
      await this.append(chunkId(key, Math.floor(first / POSTING_CHUNK)), appId);
  }

  /** Lists applications in a chunk that may not exist yet (two writes may begin it at once). */
  private async begin(id: string, apps: string[]): Promise<void> {
    try {
      await this.postings.insertOne({ _id: id, apps });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      for (const appId of apps) await this.append(id, appId);
    }
  }

  /**
   * Appends an application to a chunk begun by the write that counted its first place, or being
   * begun by it still: then it is begun here (and that write appends to it).
   */
  private async append(id: string, appId: string): Promise<void> {
    if (!(await this.postings.findOneAndUpdate({ _id: id }, { $push: { apps: appId } })))
      await this.begin(id, [appId]);
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
    const chunks = (await this.counts.findReadonly({ _id: { $in: [...ofKey.keys()] } }))
      .filter((c) => c.n > 0 && (c.n <= maxPosting || c._id === claim))
      .flatMap(chunksOf);
    if (chunks.length === 0) return [];
    const shared = new Map<string, { terms: Set<string>; copied: boolean }>();
    for (const posting of await this.postings.findReadonly({ _id: { $in: chunks } })) {
      const key = posting._id.slice(0, posting._id.lastIndexOf('#'));
      for (const other of posting.apps) {
        if (other === appId) continue;
        const entry = shared.get(other) ?? { terms: new Set<string>(), copied: false };
        if (key === claim) entry.copied = true;
        else entry.terms.add(ofKey.get(key)!);
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

  /** True once the backfill has indexed every application stored before (its marker says so). */
  async isComplete(): Promise<boolean> {
    if (!this.complete) this.complete = await this.marked('backfill');
    return this.complete;
  }

  private async marked(id: 'cleared' | 'backfill'): Promise<boolean> {
    return ((await this.meta.findOne({ _id: id }))?.version ?? 0) >= BACKFILL_VERSION;
  }

  /**
   * Starts the backfill in the background (start-up must not wait for it): progress and a
   * failure go to the log; a failed backfill is tried again at the next start, and until one
   * has finished the search compares without the index.
   */
  start(applications: Collection<ApplicationDoc>, log?: BackfillLog): void {
    this.running = this.backfill(applications, log).catch((err: unknown) => {
      log?.error({ err }, 'benefit index backfill failed; it is tried again at the next start');
      return -1;
    });
  }

  /** Resolves when a backfill started by `start` has ended: how many it indexed, -1 if it failed. */
  async whenBackfilled(): Promise<number> {
    return (await this.running) ?? 0;
  }

  /**
   * Indexes the applications stored before the index existed, once (a marker records it) and
   * idempotently (an application already indexed for its submission is skipped). An index of an
   * older version is first deleted (a marker records that too, so a restart does not do it
   * again). Returns how many applications it looked at (0 when the marker says it ran).
   */
  async backfill(applications: Collection<ApplicationDoc>, log?: BackfillLog): Promise<number> {
    let opened!: () => void;
    this.gate = new Promise((resolve) => (opened = resolve));
    try {
      if (await this.marked('backfill')) return 0;
      this.clearing = !(await this.marked('cleared'));
      opened();
      if (this.clearing) {
        for (const col of [this.postings, this.counts, this.indexed] as Collection<Doc>[])
          for (;;) {
            const ids = (await col.findReadonly({}, { sort: { _id: 1 }, limit: CLEAR_PAGE })).map(
              (d) => d._id,
            );
            if (ids.length === 0) break;
            await col.deleteMany({ _id: { $in: ids } });
            await yieldToTurns();
          }
        await this.mark('cleared');
        this.clearing = false;
      }
      const seen = await this.indexAll(applications, log);
      await this.mark('backfill');
      this.complete = true;
      log?.info({ applications: seen }, 'benefit index backfill complete');
      return seen;
    } finally {
      this.clearing = false;
      opened();
    }
  }

  /** Indexes every application in the pipeline, a page at a time (indexPage). */
  private async indexAll(
    applications: Collection<ApplicationDoc>,
    log?: BackfillLog,
  ): Promise<number> {
    let seen = 0;
    let after = '';
    for (;;) {
      const page = await applications.findReadonly(
        { status: { $in: [...COMPARABLE] }, _id: { $gt: after } },
        { sort: { _id: 1 }, limit: BACKFILL_PAGE },
      );
      if (page.length > 0)
        await this.indexPage(
          page.map((a) => a._id),
          applications,
        );
      seen += page.length;
      if (page.length < BACKFILL_PAGE) return seen;
      after = page[page.length - 1]._id;
      if (seen % (BACKFILL_PAGE * 25) === 0)
        log?.info({ applications: seen }, 'benefit index backfill in progress');
    }
  }

  /**
   * Indexes a page of applications as one: their keys are counted and listed together, one write
   * per key (or chunk) instead of one per application and key (list), then a marker inserted per
   * application. The page is read again after the syncs of its applications have been queued
   * behind it, so a write in between wins (its sync runs afterwards). An application already
   * indexed or no longer in the pipeline is synced on its own. A crash in the middle leaves the
   * counts of the page's keys up to a page too high (its applications are counted again at the
   * next start, their postings listed twice, which the search reads once): it only weighs those
   * words slightly differently.
   */
  private async indexPage(ids: string[], applications: Collection<ApplicationDoc>): Promise<void> {
    let finished!: () => void;
    const turn = new Promise<void>((resolve) => (finished = resolve));
    const before = ids.map((id) => this.syncing.get(id));
    for (const id of ids) this.syncing.set(id, turn);
    try {
      await Promise.all(before);
      const apps = await applications.findReadonly({ _id: { $in: ids } }, { sort: { _id: 1 } });
      const indexed = new Set(
        (await this.indexed.findReadonly({ _id: { $in: ids } })).map((m) => m._id),
      );
      const byKey = new Map<string, string[]>();
      const markers: BenefitIndexedDoc[] = [];
      for (const app of apps) {
        if (indexed.has(app._id) || !app.data || !app.submittedAt || !isComparable(app)) {
          await this.syncNow(app as ApplicationDoc, {});
        } else {
          const profile = benefitProfile(app.data);
          const keys = benefitKeys(app.data, profile);
          for (const key of keys) {
            const listed = byKey.get(key);
            if (listed) listed.push(app._id);
            else byKey.set(key, [app._id]);
          }
          const weights = Object.fromEntries(profile.weights);
          markers.push({ _id: app._id, submittedAt: app.submittedAt, keys, weights });
        }
        await yieldToTurns();
      }
      if (byKey.size > 0) {
        const counts = new Map(
          (await this.counts.findReadonly({ _id: { $in: [...byKey.keys()] } })).map((c) => [
            c._id,
            c,
          ]),
        );
        await inGroups([...byKey], WRITES_AT_ONCE, async ([key, listed]) => {
          await this.list(key, listed, counts.get(key));
          await yieldToTurns();
        });
      }
      await inGroups(markers, WRITES_AT_ONCE, async (marker) => {
        try {
          await this.indexed.insertOne(marker);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const { _id, ...fields } = marker;
          await this.indexed.findOneAndUpdate({ _id }, { $set: fields }, { upsert: true });
        }
        await yieldToTurns();
      });
    } finally {
      finished();
      for (const id of ids) if (this.syncing.get(id) === turn) this.syncing.delete(id);
    }
  }

  private async mark(id: 'cleared' | 'backfill'): Promise<void> {
    await this.meta.findOneAndUpdate(
      { _id: id },
      { $set: { version: BACKFILL_VERSION, at: new Date().toISOString() } },
      { upsert: true },
    );
  }
}
