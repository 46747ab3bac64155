import { FieldIssue } from '../applications/validate-step';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { checkText } from '../shared/text';
import { getQuestionForCoach } from './claim-resolve';
import { COACH_LIMITS, CoachQuestionDoc } from './coach-question';
import { enqueueThreadCardUpdate, mutateQuestion } from './coach-thread';
import { FaqEntryDoc } from './faq-repository';
import { rankDocuments } from './faq-search';

/** A FAQ entry found for a query, with its score. */
export interface FaqHit {
  entry: FaqEntryDoc;
  score: number;
}

/**
 * Searches the FAQ. With a portfolio, entries tagged with another portfolio are left out;
 * untagged entries always count.
 */
export async function searchFaq(
  s: Pick<Services, 'coaching'>,
  query: string,
  opts: { portfolioId?: string; minScore?: number; limit?: number } = {},
): Promise<FaqHit[]> {
  const entries = (await s.coaching.faq.all()).filter(
    (e) => !opts.portfolioId || !e.portfolioId || e.portfolioId === opts.portfolioId,
  );
  const byId = new Map(entries.map((e) => [e._id, e]));
  return rankDocuments(
    query,
    entries.map((e) => ({ id: e._id, question: e.question, answer: e.answer })),
    opts,
  ).map((h) => ({
    entry: byId.get(h.id)!,
    score: h.score,
  }));
}

/** What the FAQ form starts with: the entry saved before, or the question and the coaches' answers. */
export async function faqDraft(
  s: Pick<Services, 'coaching'>,
  q: CoachQuestionDoc,
): Promise<{ question: string; answer: string; portfolioId: string }> {
  const saved = q.faqId ? await s.coaching.faq.get(q.faqId) : null;
  if (saved)
    return { question: saved.question, answer: saved.answer, portfolioId: saved.portfolioId ?? '' };
  const answer = q.messages
    .filter((m) => m.by === 'coach' && m.text.trim() !== '')
    .map((m) => m.text.trim())
    .join('\n\n');
  return { question: q.text, answer, portfolioId: q.portfolioId ?? '' };
}

export type SaveFaqResult =
  | { ok: true; entry: FaqEntryDoc; question: CoachQuestionDoc }
  | { ok: false; errors: FieldIssue[] };

/**
 * A coach saves a resolved question and its answer as a FAQ entry (portfolio tag optional);
 * saving again edits the same entry. Coaches only; audited.
 */
export async function saveFaqEntry(
  s: Services,
  actor: Actor,
  questionId: unknown,
  raw: Record<string, unknown>,
  activityId?: string,
): Promise<SaveFaqResult> {
  const q = await getQuestionForCoach(s, actor, questionId);
  if (q.status !== 'resolved')
    throw new DomainError('invalid_state', 'not resolved', { reason: 'faq_needs_resolved' });
  const errors: FieldIssue[] = [];
  const values: Record<string, string> = {};
  for (const [field, max] of [
    ['faqQuestion', COACH_LIMITS.faqQuestion],
    ['faqAnswer', COACH_LIMITS.faqAnswer],
  ] as const) {
    const r = checkText(raw[field], { required: true, max });
    if (r.ok) values[field] = r.value;
    else {
      const length =
        typeof raw[field] === 'string' ? Array.from((raw[field] as string).trim()).length : 0;
      errors.push({
        field,
        code: r.error === 'empty' ? 'required' : r.error,
        params: { max, length },
      });
    }
  }
  let portfolioId: string | undefined;
  if (
    typeof raw.faqPortfolioId === 'string' &&
    raw.faqPortfolioId !== '' &&
    raw.faqPortfolioId !== 'all'
  ) {
    if (await s.portfolios.get(raw.faqPortfolioId)) portfolioId = raw.faqPortfolioId;
    else errors.push({ field: 'faqPortfolioId', code: 'invalid_choice' });
  }
  if (errors.length > 0) return { ok: false, errors };
  const at = s.clock().toISOString();
  const base = {
    at,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    entityType: 'faq',
    activityId,
  };
  const existing = q.faqId ? await s.coaching.faq.get(q.faqId) : null;
  let entry: FaqEntryDoc;
  if (existing) {
    const set = {
      question: values.faqQuestion,
      answer: values.faqAnswer,
      portfolioId: portfolioId ?? '',
      updatedAt: at,
    };
    entry = (await s.coaching.faq.update(existing._id, set)) ?? { ...existing, ...set };
    await s.audit.append({
      ...base,
      action: 'coach.faq_updated',
      entityId: existing._id,
      before: {
        question: existing.question,
        answer: existing.answer,
        portfolioId: existing.portfolioId,
      },
      after: set,
    });
  } else {
    entry = {
      _id: newId(),
      question: values.faqQuestion,
      answer: values.faqAnswer,
      sourceQuestionId: q._id,
      createdBy: actor.aadObjectId,
      createdByName: actor.name,
      createdAt: at,
      updatedAt: at,
    };
    if (portfolioId) entry.portfolioId = portfolioId;
    await s.coaching.faq.insert(entry);
    await s.audit.append({ ...base, action: 'coach.faq_saved', entityId: entry._id, after: entry });
  }
  if (entry.portfolioId === '') delete entry.portfolioId;
  const { after, changed } = await mutateQuestion(s, q._id, (cur) =>
    cur.faqId === entry._id ? null : { update: { $set: { faqId: entry._id, updatedAt: at } } },
  );
  if (changed) await enqueueThreadCardUpdate(s, after);
  return { ok: true, entry, question: after };
}
