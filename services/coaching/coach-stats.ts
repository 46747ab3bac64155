import { Services } from '../services';

/** Coaching figures for the dashboard: how many questions, and how fast coaches first answered. */
export interface CoachingStats {
  asked: number;
  answered: number;
  resolved: number;
  waiting: number;
  /** Office hours to first answer (Swedish working days), over answered questions. */
  medianFirstAnswerHours: number | null;
  p90FirstAnswerHours: number | null;
  byPortfolio: Record<string, { asked: number; medianFirstAnswerHours: number | null }>;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

/**
 * Summarises the questions asked in [from, to) from what each question recorded (time to first
 * answer in office hours); questions without a portfolio count under "none".
 */
export async function coachingStats(
  s: Pick<Services, 'coaching'>,
  range: { from?: Date; to?: Date } = {},
): Promise<CoachingStats> {
  const filter: Record<string, unknown> = {};
  const created: Record<string, string> = {};
  if (range.from) created.$gte = range.from.toISOString();
  if (range.to) created.$lt = range.to.toISOString();
  if (Object.keys(created).length > 0) filter.createdAt = created;
  const questions = await s.coaching.questions.find(filter);
  const hours = (qs: typeof questions): number[] =>
    qs
      .map((q) => q.firstAnswerWorkingHours)
      .filter((h): h is number => typeof h === 'number')
      .sort((a, b) => a - b);
  const all = hours(questions);
  const byPortfolio: CoachingStats['byPortfolio'] = {};
  for (const key of new Set(questions.map((q) => q.portfolioId ?? 'none'))) {
    const mine = questions.filter((q) => (q.portfolioId ?? 'none') === key);
    byPortfolio[key] = { asked: mine.length, medianFirstAnswerHours: percentile(hours(mine), 0.5) };
  }
  return {
    asked: questions.length,
    answered: all.length,
    resolved: questions.filter((q) => q.status === 'resolved').length,
    waiting: questions.filter((q) => q.status === 'open').length,
    medianFirstAnswerHours: percentile(all, 0.5),
    p90FirstAnswerHours: percentile(all, 0.9),
    byPortfolio,
  };
}
