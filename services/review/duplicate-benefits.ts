import { ApplicationDoc, ApplicationStatus } from '../applications/application';
import { Services } from '../services';
import { normalizeCommand } from '../shared/text';
import { sameName } from './jav';
import { DuplicateHit, DuplicateReason } from './review-types';

/**
 * The central benefit valuation must catch "samma verksamhetsförändring räknas hem som besparing
 * flera gånger i olika projekt" (seed 000 SID 8): when an application reaches review, other
 * applications and funded projects whose benefit claims overlap are listed on its card.
 */

/** Applications whose benefit claims still count: in the pipeline or funded. */
const COMPARABLE: ApplicationStatus[] = [
  'submitted',
  'completion_requested',
  'in_review',
  'recommended',
  'not_recommended',
  'approved',
];

const STEM = 6;
const STOP_STEMS = new Set(
  [
    // Swedish function words (4+ letters)
    'alla',
    'andra',
    'annat',
    'bara',
    'blir',
    'både',
    'dessa',
    'detta',
    'denna',
    'efter',
    'eller',
    'finns',
    'från',
    'genom',
    'hela',
    'inom',
    'inte',
    'kommer',
    'kunna',
    'mellan',
    'mer',
    'mycket',
    'också',
    'samt',
    'sina',
    'sitt',
    'ska',
    'skall',
    'till',
    'under',
    'utan',
    'vara',
    'varje',
    'vilka',
    'vilket',
    'över',
    'därför',
    'några',
    'när',
    'idag',
    'dag',
    'även',
    'redan',
    'våra',
    'vårt',
    'deras',
    'dess',
    'sedan',
    'ingen',
    'inga',
    'minst',
    'cirka',
    // English function words
    'with',
    'from',
    'that',
    'this',
    'have',
    'will',
    'into',
    'than',
    'they',
    'their',
    'also',
    'which',
    'would',
    'should',
    'about',
    'there',
    'these',
    'those',
    'other',
    'more',
    'most',
    'such',
    'each',
    'been',
    'were',
    // Words every application uses
    'projekt',
    'project',
    'verksamhet',
    'staden',
    'stadens',
    'kommun',
    'kommunen',
    'nytta',
    'nyttan',
    'benefit',
    'förvaltning',
    'förvaltningen',
    'genomföra',
    'arbete',
    'arbetet',
    'kronor',
    'timmar',
  ].map((w) => stem(normalizeCommand(w))),
);

function stem(word: string): string {
  return word.slice(0, STEM);
}

/** The benefit text of an application as a set of word stems (accents folded, filler words dropped). */
export function benefitTokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of normalizeCommand(text).split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 4 || /^\d+$/.test(raw)) continue;
    const s = stem(raw);
    if (!STOP_STEMS.has(s)) out.add(s);
  }
  return out;
}

/** Similarity of two token sets, 0–1 (cosine on sets: fair to a short and a long text). */
export function textSimilarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}

function benefitText(app: ApplicationDoc): string {
  const d = app.data;
  if (!d) return '';
  return [d.title, d.need, d.citizenBenefit, d.internalBenefit, d.realisationPlan]
    .filter(Boolean)
    .join('\n');
}

function claimsSavings(app: ApplicationDoc): boolean {
  return (app.data?.yearlyEffectSek ?? 0) > 0 || (app.data?.yearlyEffectHours ?? 0) > 0;
}

const SIMILAR_TEXT = 0.35;
const SIMILAR_WITHIN_ORGANISATION = 0.2;
const SIMILAR_SAVINGS = 0.15;

/** Why two applications may count the same benefit, or null when they do not overlap. */
export function compareBenefits(
  a: ApplicationDoc,
  b: ApplicationDoc,
  tokens: (app: ApplicationDoc) => Set<string> = (x) => benefitTokens(benefitText(x)),
): { reasons: DuplicateReason[]; similarity: number } | null {
  const da = a.data;
  const db = b.data;
  if (!da || !db) return null;
  const similarity = textSimilarity(tokens(a), tokens(b));
  const sameOrganisation = sameName(da.organisation, db.organisation);
  const sameProcess =
    sameName(da.realisationOwner, db.realisationOwner) ||
    (sameName(da.ownerName, db.ownerName) && sameName(da.ownerOrganisation, db.ownerOrganisation));
  const reasons: DuplicateReason[] = [];
  const related = sameOrganisation || sameProcess;
  if (similarity >= SIMILAR_TEXT || (related && similarity >= SIMILAR_WITHIN_ORGANISATION)) {
    if (sameOrganisation) reasons.push('same_organisation');
    if (sameProcess) reasons.push('same_process');
    reasons.push('similar_text');
  }
  if (related && claimsSavings(a) && claimsSavings(b) && similarity >= SIMILAR_SAVINGS) {
    if (reasons.length === 0) {
      if (sameOrganisation) reasons.push('same_organisation');
      if (sameProcess) reasons.push('same_process');
    }
    reasons.push('overlapping_savings');
  }
  return reasons.length > 0 ? { reasons, similarity: Math.round(similarity * 100) / 100 } : null;
}

/** Possible double countings kept on an item and listed on its card; weaker ones are only counted. */
export const MAX_DUPLICATES = 5;

/** Strongest first: more kinds of overlap, then more similar benefit text. */
export function byStrength(x: DuplicateHit, y: DuplicateHit): number {
  return y.reasons.length - x.reasons.length || y.similarity - x.similarity;
}

/**
 * Other applications and funded projects whose benefit claims overlap this one's: the strongest
 * `limit`, best first, and how many weaker ones there are besides.
 */
export async function findPossibleDuplicates(
  s: Pick<Services, 'applications' | 'review'>,
  app: ApplicationDoc,
  limit = MAX_DUPLICATES,
): Promise<{ hits: DuplicateHit[]; more: number }> {
  const others = (await s.applications.find({ status: { $in: COMPARABLE } })).filter(
    (o) => o._id !== app._id && o.data,
  );
  const cache = new Map<string, Set<string>>();
  const tokens = (x: ApplicationDoc): Set<string> => {
    let t = cache.get(x._id);
    if (!t) {
      t = benefitTokens(benefitText(x));
      cache.set(x._id, t);
    }
    return t;
  };
  const hits: DuplicateHit[] = [];
  for (const other of others) {
    const match = compareBenefits(app, other, tokens);
    if (!match) continue;
    const item = await s.review.item(other._id);
    hits.push({
      appId: other._id,
      regNo: other.regNo ?? '',
      title: other.data!.title,
      organisation: other.data!.organisation,
      status: other.status,
      reasons: match.reasons,
      similarity: match.similarity,
      channelId: item?.channelId,
      cardActivityId: item?.cardActivityId,
    });
  }
  hits.sort(byStrength);
  return { hits: hits.slice(0, limit), more: Math.max(0, hits.length - limit) };
}
