import { performance } from 'node:perf_hooks';
import { ApplicationDoc, SubmittedData } from '../applications/application';
import { Services } from '../services';
import {
  BenefitCorpus,
  benefitProfile,
  BenefitProfile,
  claimText,
  profileOverlap,
  sharedClaim,
} from './benefit-similarity';
import { claimKey, COMPARABLE, yieldToTurns } from './benefit-index';
import { benefitKeys, compoundKeys, variants } from './benefit-keys';
import { sameName } from './jav';
import { DuplicateHit, DuplicateOverlap, DuplicateReason } from './review-types';

/**
 * The central benefit valuation must catch "samma verksamhetsförändring räknas hem som besparing
 * flera gånger i olika projekt" (seed 000 SID 8): when an application reaches review, other
 * applications and funded projects whose benefit claims overlap are listed on its card.
 */

/**
 * A pair scores its benefit-text similarity (benefit-similarity.ts), plus this when both name the
 * same process (the same realisation owner, or the same owner after the project): the same
 * change is realised in one place.
 */
const SAME_PROCESS_BONUS = 0.1;

/**
 * Score from which a pair is flagged. Chosen on the labelled pairs in
 * test/unit/review/double-counting-pairs.ts (47 pairs, 23 true double countings) for the best
 * F2 (a missed double counting costs money, a false flag costs a reviewer a glance): precision
 * 0.79 and recall 1.00 on the set, 0.81 and 0.91 held out (two-fold). The old measure flagged
 * "förskoleplats" against "e-arkiv" on shared template words. Measured in
 * test/unit/review/double-counting.test.ts.
 */
export const DOUBLE_COUNTING_THRESHOLD = 0.22;

function claimsSavings(d: SubmittedData): boolean {
  return (d.yearlyEffectSek ?? 0) > 0 || (d.yearlyEffectHours ?? 0) > 0;
}

/** One shared word is never evidence of the same change (two short texts both saying "registrering"). */
const MIN_SHARED_TERMS = 2;

/** Whether b's benefit claim is a's word for word (case and spacing ignored). */
function sameClaim(a: SubmittedData, b: SubmittedData): boolean {
  const claim = claimText(a);
  return claim !== '' && claim === claimText(b);
}

/** Why two applications may count the same benefit, or null when they do not overlap. */
export interface BenefitMatch {
  reasons: DuplicateReason[];
  /** Similarity 0–1 of the benefit descriptions (two decimals). */
  similarity: number;
  /** The score compared with the threshold. */
  score: number;
  overlap: DuplicateOverlap;
}

/**
 * Compares two applications' benefit claims; profiles and corpus may be shared between calls
 * (the threshold is a parameter only so the labelled set can be cross-validated).
 */
export function compareBenefits(
  a: Pick<ApplicationDoc, 'data'>,
  b: Pick<ApplicationDoc, 'data'>,
  profileOf: (x: SubmittedData) => BenefitProfile = benefitProfile,
  corpus?: BenefitCorpus,
  threshold = DOUBLE_COUNTING_THRESHOLD,
  /** Whether b's claim text is a's, when the caller knows (the benefit index's claim keys). */
  copiedClaim?: boolean,
): BenefitMatch | null {
  const da = a.data;
  const db = b.data;
  if (!da || !db) return null;
  const pa = profileOf(da);
  const pb = profileOf(db);
  const text = profileOverlap(pa, pb, corpus);
  const sameOrganisation = sameName(da.organisation, db.organisation);
  const sameProcess =
    sameName(da.realisationOwner, db.realisationOwner) ||
    (sameName(da.ownerName, db.ownerName) && sameName(da.ownerOrganisation, db.ownerOrganisation));
  // A benefit claim copied word for word is the plainest double counting, however short.
  const copied = copiedClaim ?? sameClaim(da, db);
  const score = copied ? 1 : text.similarity + (sameProcess ? SAME_PROCESS_BONUS : 0);
  if (score < threshold || (!copied && text.matched < MIN_SHARED_TERMS)) return null;
  const reasons: DuplicateReason[] = [];
  if (sameOrganisation) reasons.push('same_organisation');
  if (sameProcess) reasons.push('same_process');
  reasons.push('similar_text');
  if (claimsSavings(da) && claimsSavings(db)) reasons.push('overlapping_savings');
  return {
    reasons,
    similarity: Math.round(text.similarity * 100) / 100,
    score: Math.round(score * 100) / 100,
    overlap: {
      words: text.words.slice(0, MAX_SHARED_WORDS),
      theirClaim: sharedClaim(pb, pa),
      ourClaim: sharedClaim(pa, pb),
    },
  };
}

/** How many shared words the card names. */
const MAX_SHARED_WORDS = 5;

/** The same overlap seen from the other application's card. */
export function reverseOverlap(o: DuplicateOverlap): DuplicateOverlap {
  return { words: o.words, theirClaim: o.ourClaim, ourClaim: o.theirClaim };
}

/** Possible double countings kept on an item and listed on its card; weaker ones are only counted. */
export const MAX_DUPLICATES = 5;

/**
 * Strongest first: more kinds of overlap, then more similar benefit text; between equals the
 * older application first (by registration number, then id), so which of several equal matches
 * an item keeps does not depend on the order the search met them in.
 */
export function byStrength(x: DuplicateHit, y: DuplicateHit): number {
  return (
    y.reasons.length - x.reasons.length ||
    y.similarity - x.similarity ||
    order(x.regNo ?? '', y.regNo ?? '') ||
    order(x.appId, y.appId)
  );
}

const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Others = {
  others: readonly Readonly<ApplicationDoc>[];
  corpus: BenefitCorpus;
  /** Per candidate the index knows: whether its claim key is this application's (a copied claim). */
  copied?: ReadonlyMap<string, boolean>;
};
type ProfileOf = (d: SubmittedData) => BenefitProfile;

/**
 * Applications read (and their benefit texts analysed) per page when the search compares without
 * the index: about what fits in the event loop's 50 ms; other turns run between pages.
 */
const PIPELINE_PAGE = 100;

/**
 * Profiles of applications the store handed out frozen (the embedded store's cache of documents
 * whose stored text is unchanged): a text that cannot change is analysed once, not on every
 * search that meets it. A changed application is a new frozen object, so nothing goes stale;
 * entries go with their documents.
 */
const analysed = new WeakMap<SubmittedData, BenefitProfile>();

/** The longest the comparison runs before other turns get the event loop (issue 15: < 50 ms). */
const SLICE_MS = 10;

/**
 * The applications in the pipeline that share a benefit key with this one, and the corpus of
 * all of them: what the search compares with until the benefit index's backfill has finished
 * (after an upgrade). Every one is read, a page at a time by the status index, but only those
 * that can match are kept: a pair that shares no key has no matching term nor the same claim.
 */
async function viaPipeline(
  s: Pick<Services, 'applications'>,
  app: ApplicationDoc,
  mine: BenefitProfile,
  profiles: Map<SubmittedData, BenefitProfile>,
): Promise<Others> {
  const ofKey = new Set(
    [...mine.weights.keys()].flatMap((t) => [...variants(t), ...compoundKeys(t)]),
  );
  const claim = claimKey(app.data!);
  if (claim) ofKey.add(claim);
  const df = new Map<string, number>();
  for (const t of mine.weights.keys()) df.set(t, 1);
  let size = 1;
  const others: Readonly<ApplicationDoc>[] = [];
  let after = '';
  for (;;) {
    const page = await s.applications.pageByStatus(COMPARABLE, after, PIPELINE_PAGE);
    for (const other of page) {
      if (other._id === app._id || !other.data) continue;
      const p = benefitProfile(other.data);
      size++;
      for (const t of p.weights.keys()) df.set(t, (df.get(t) ?? 0) + 1);
      if (benefitKeys(other.data, p).some((k) => ofKey.has(k))) {
        profiles.set(other.data, p);
        others.push(other);
      }
    }
    if (page.length < PIPELINE_PAGE) return { others, corpus: { size, df } };
    after = page[page.length - 1]._id;
    await yieldToTurns();
  }
}

/**
 * Other applications and funded projects whose benefit claims overlap this one's: the strongest
 * `limit`, best first, and how many weaker ones there are besides. Only the applications the
 * benefit index finds sharing terms with this one are read and compared, never every application
 * (until the index's backfill has finished: then every application in the pipeline is read).
 */
export async function findPossibleDuplicates(
  s: Pick<Services, 'applications' | 'review'>,
  app: ApplicationDoc,
  limit = MAX_DUPLICATES,
): Promise<{ hits: DuplicateHit[]; more: number }> {
  if (!app.data) return { hits: [], more: 0 };
  const index = s.applications.benefits;
  // Normally indexed when it was submitted; a write a crash cut short is indexed now.
  await index.sync(app);
  const profiles = new Map<SubmittedData, BenefitProfile>();
  const profileOf = (d: SubmittedData): BenefitProfile => {
    let p = profiles.get(d) ?? (Object.isFrozen(d) ? analysed.get(d) : undefined);
    if (!p) {
      p = benefitProfile(d);
      if (Object.isFrozen(d)) analysed.set(d, p);
    }
    profiles.set(d, p);
    return p;
  };
  const mine = profileOf(app.data);
  const { others, corpus, copied } = (await index.isComplete())
    ? await viaIndex(s, app, mine, profileOf)
    : await viaPipeline(s, app, mine, profiles);
  const hits: DuplicateHit[] = [];
  // Hundreds of candidates can share common terms: other turns run every SLICE_MS meanwhile.
  let slice = performance.now();
  for (const other of others) {
    if (performance.now() - slice > SLICE_MS) {
      await yieldToTurns();
      slice = performance.now();
    }
    const match = compareBenefits(
      app,
      other,
      profileOf,
      corpus,
      DOUBLE_COUNTING_THRESHOLD,
      copied?.get(other._id),
    );
    if (!match) continue;
    hits.push({
      appId: other._id,
      regNo: other.regNo ?? '',
      title: other.data!.title,
      organisation: other.data!.organisation,
      status: other.status,
      reasons: match.reasons,
      similarity: match.similarity,
      overlap: match.overlap,
    });
  }
  hits.sort(byStrength);
  // Only the hits shown link to their review thread: their items are read, not every match's.
  const shown = hits.slice(0, limit);
  for (const hit of shown) {
    const item = await s.review.item(hit.appId);
    hit.channelId = item?.channelId;
    hit.cardActivityId = item?.cardActivityId;
  }
  return { hits: shown, more: Math.max(0, hits.length - limit) };
}

/** The candidates the benefit index finds, weighed on their stored terms first, and the corpus. */
async function viaIndex(
  s: Pick<Services, 'applications'>,
  app: ApplicationDoc,
  mine: BenefitProfile,
  profileOf: ProfileOf,
): Promise<Others> {
  const index = s.applications.benefits;
  // The embedded store answers each read synchronously: without a yield between the steps the
  // whole search would run as one task, and every other person's turn would wait for it.
  const found = await index.candidates(app._id, app.data!, mine);
  await yieldToTurns();
  const indexed = await index.indexedOf(found);
  await yieldToTurns();
  const weightsOf = new Map(
    [...indexed].flatMap(([id, d]) =>
      d.weights ? [[id, { weights: new Map(Object.entries(d.weights)) }] as const] : [],
    ),
  );
  let corpus: BenefitCorpus = await index.corpus([mine, ...weightsOf.values()]);
  await yieldToTurns();
  // Weighed on the stored terms first: only a candidate that can reach the threshold is read.
  const copiedKey = claimKey(app.data!);
  const ids = [...indexed.keys()].filter((id) => {
    const w = weightsOf.get(id);
    if (!w || (copiedKey && indexed.get(id)!.keys.includes(copiedKey))) return true;
    const text = profileOverlap(mine, { ...w, words: new Map(), claims: [] }, corpus);
    return (
      text.matched >= MIN_SHARED_TERMS &&
      text.similarity + SAME_PROCESS_BONUS >= DOUBLE_COUNTING_THRESHOLD - 1e-9
    );
  });
  const others =
    ids.length === 0
      ? []
      : (await s.applications.findReadonly({ _id: { $in: ids } })).filter(
          (o) => o._id !== app._id && o.data && COMPARABLE.includes(o.status),
        );
  await yieldToTurns();
  // The claim keys say which candidates copied this claim (their claim texts need no comparing),
  // where the index holds the submission that was read.
  const copied = new Map(
    others.flatMap((o) => {
      const d = indexed.get(o._id);
      return d && d.submittedAt === o.submittedAt
        ? [[o._id, copiedKey !== null && d.keys.includes(copiedKey)] as const]
        : [];
    }),
  );
  const unweighed = others.filter((o) => !weightsOf.has(o._id));
  if (unweighed.length > 0)
    corpus = await index.corpus([
      mine,
      ...weightsOf.values(),
      ...unweighed.map((o) => profileOf(o.data!)),
    ]);
  return { others, corpus, copied };
}
