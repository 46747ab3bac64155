import type { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { checkText } from '../shared/text';

/**
 * The yearly survey to each review group (seed 004, Uppföljning: "En gång om året kommer den
 * IT-strategiska beredningsgruppen få besvara dessa eller motsvarande frågor"), modelled on
 * SKL's self-assessment of e-government work; each answer on a 1–5 scale.
 */
export const SURVEY_QUESTIONS = ['anchoring', 'users', 'reuse', 'benefits', 'process'] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];

export const SURVEY_COMMENT_MAX = 1000;

/** `<year>:<channel id>`: one survey per review channel and year. */
export function parseSurveyId(surveyId: string): { year: number; channelId: string } | null {
  const m = /^(\d{4}):(.+)$/.exec(surveyId);
  return m ? { year: Number(m[1]), channelId: m[2] } : null;
}

export type SurveyAnswerResult =
  | { ok: true; year: number; count: number; updated: boolean }
  | { ok: false; missing: SurveyQuestion[]; commentTooLong: boolean };

/**
 * Stores a review-group member's answers (a second answer replaces the first; both are in the
 * audit log). Only members of a group the survey went to (reviewers and chairs of its
 * portfolios) may answer.
 */
export async function answerSurvey(
  s: Services,
  actor: Actor,
  surveyId: string,
  raw: Record<string, unknown>,
  activityId?: string,
): Promise<SurveyAnswerResult> {
  const parsed = parseSurveyId(surveyId);
  if (!parsed) throw new DomainError('not_found', 'unknown survey');
  const portfolios = (await s.portfolios.all())
    .filter((p) => p.reviewChannelId === parsed.channelId)
    .map((p) => p._id);
  if (portfolios.length === 0)
    throw new DomainError('not_found', 'the survey channel is no longer a review channel');
  const user = await s.users.get(actor.aadObjectId);
  const member =
    !!user &&
    (user.roles?.some((r) => r === 'reviewer' || r === 'chair') ||
      !!user.portfolioRoles?.some(
        (r) => (r.role === 'reviewer' || r.role === 'chair') && portfolios.includes(r.portfolioId),
      ));
  if (!member) throw new DomainError('forbidden', 'only review-group members answer the survey');

  const answers: Record<string, number> = {};
  const missing: SurveyQuestion[] = [];
  for (const q of SURVEY_QUESTIONS) {
    const n = Number(typeof raw[q] === 'string' ? (raw[q] as string).trim() : raw[q]);
    if (Number.isInteger(n) && n >= 1 && n <= 5) answers[q] = n;
    else missing.push(q);
  }
  const comment = checkText(raw.comment, { required: false, max: SURVEY_COMMENT_MAX });
  if (missing.length > 0 || !comment.ok) return { ok: false, missing, commentTooLong: !comment.ok };

  const now = s.clock();
  const id = `${surveyId}:${actor.aadObjectId}`;
  const before = await s.followup.surveys.get(id);
  await s.followup.surveys.put({
    _id: id,
    surveyId,
    portfolioIds: portfolios,
    channelId: parsed.channelId,
    year: parsed.year,
    respondentId: actor.aadObjectId,
    respondentName: actor.name,
    answers,
    comment: comment.ok ? comment.value : '',
    submittedAt: now.toISOString(),
    version: (before?.version ?? 0) + 1,
  });
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: before ? 'survey.answer_updated' : 'survey.answered',
    entityType: 'survey',
    entityId: surveyId,
    before: before ? { answers: before.answers, comment: before.comment } : undefined,
    after: { answers, comment: comment.ok ? comment.value : '' },
    activityId,
  });
  const count = (await s.followup.surveys.forSurvey(surveyId)).length;
  return { ok: true, year: parsed.year, count, updated: !!before };
}
