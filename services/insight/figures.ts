import type { ApplicationDoc, ApplicationStatus } from '../applications/application';
import { PARTS, type Part } from '../applications/wizard-steps';
import type { FrameView } from '../allocation/frames';
import type { CoachingStats } from '../coaching/coach-stats';
import { currentDecisions } from '../decisions/decision-repository';
import type { DecisionDoc } from '../decisions/decision';
import type { SurveyResponseDoc } from '../followup/followup-services';
import type { ProjectDoc, ReportDoc } from '../followup/project';
import { scheduleOf } from '../followup/reports';
import { SURVEY_QUESTIONS, type SurveyQuestion } from '../followup/survey';
import type { PortfolioDoc } from '../portfolios/portfolio-repository';
import type { StatementRecommendation } from '../review/review-types';
import { fiscalYearOf } from '../shared/dates';

/** Statuses an application can have once submitted (drafts are private working material, not counted). */
export const RECORD_STATUSES: readonly Exclude<ApplicationStatus, 'draft'>[] = [
  'submitted',
  'completion_requested',
  'in_review',
  'recommended',
  'not_recommended',
  'approved',
  'rejected',
  'withdrawn',
];

/** Submitted and still waiting for a decision: this is the money "pending". */
export const PENDING_STATUSES: ReadonlySet<ApplicationStatus> = new Set([
  'submitted',
  'completion_requested',
  'in_review',
  'recommended',
  'not_recommended',
]);

/** IT statements that count as positive for the guideline indicator. */
export const POSITIVE_STATEMENTS: ReadonlySet<StatementRecommendation> = new Set([
  'recommend',
  'recommend_with_conditions',
]);

/** Reuse choices that follow the guideline to use (or extend) the common platforms (002 §6.3.2). */
export const COMMON_PLATFORM_REUSE: ReadonlySet<string> = new Set(['common', 'extendCommon']);

/** Money of a portfolio or a part in one fiscal year, whole kronor. */
export interface MoneyFigures {
  /** The frame KF set (0 when none). */
  frame: number;
  /** Held by decisions in force (the frame ledger). */
  granted: number;
  /** frame − granted. */
  remaining: number;
  /** Development cost applied for by the year's applications (withdrawn ones excluded). */
  requested: number;
  /** Requested by applications still waiting for a decision. */
  pending: number;
}

export interface PartFigures extends MoneyFigures {
  part: Part;
}

/** Benefit of the projects funded from a year's frame: planned (nyttokalkyl) against realised (reports). */
export interface BenefitFigures {
  projects: number;
  /** Projects that have reported a realised effect at least once. */
  reporting: number;
  /** Granted to those projects (the invested sum). */
  invested: number;
  plannedSek: number;
  realisedSek: number;
  plannedHours: number;
  realisedHours: number;
  /** Effekthemtagning: realised yearly effect as a percentage of the invested sum (002 §7.2). */
  realisedRate: number | null;
  /** The same for the planned yearly effect. */
  plannedRate: number | null;
  /** Realised as a percentage of planned. */
  realisedOfPlanned: number | null;
}

/** A report a funded project owes and has not sent although its due date has passed. */
export interface OverdueReport {
  projectId: string;
  regNo: string;
  title: string;
  period: string;
  dueDate: string;
}

/** Shares of funded applications following the guidelines (002 §7.2, §7.3). */
export interface GuidelineFigures {
  /** Applications granted money in the year (decision in force: approved). */
  funded: number;
  reuseCommon: number;
  accessibilityPlan: number;
  itStatementPositive: number;
  /** All three at once. */
  allThree: number;
}

/** Review-group answers to the yearly survey (seed 004), 1–5. */
export interface SurveyFigures {
  respondents: number;
  mean: number | null;
  byQuestion: Record<SurveyQuestion, number | null>;
}

/** Everything the dashboard shows about one portfolio in one year. */
export interface PortfolioFigures extends MoneyFigures {
  portfolioId: string;
  number: number;
  name: { sv: string; en: string };
  relaxedBenefit: boolean;
  hasFrame: boolean;
  parts: PartFigures[];
  /** Submitted applications of the year, by status. */
  statusCounts: Record<Exclude<ApplicationStatus, 'draft'>, number>;
  applications: number;
  benefit: BenefitFigures;
  coaching: { asked: number; medianFirstAnswerHours: number | null };
  overdue: OverdueReport[];
  guidelines: GuidelineFigures;
  /** Projects whose one-year follow-up is due, and how many of them sent it (002 §7.4 Styrning 5). */
  yearAfter: { due: number; done: number };
  survey: SurveyFigures;
}

/** The whole dashboard for one fiscal year. */
export interface DashboardFigures {
  year: number;
  /** Stockholm calendar date the figures were computed for. */
  today: string;
  asOf: string;
  portfolios: PortfolioFigures[];
  totals: Omit<
    PortfolioFigures,
    'portfolioId' | 'number' | 'name' | 'relaxedBenefit' | 'hasFrame' | 'coaching'
  > & {
    coaching: CoachingStats;
  };
}

/**
 * Undecided applications of the year counted instead of read (store tallies): how many of one
 * portfolio, status and part, and the development cost they apply for together.
 */
export interface ApplicationTally {
  portfolioId: string;
  status: Exclude<ApplicationStatus, 'draft'>;
  part: string;
  count: number;
  devCost: number;
}

/** What the figures are computed from: read from the repositories that own the data. */
export interface DashboardInput {
  year: number;
  today: string;
  asOf: string;
  portfolios: PortfolioDoc[];
  frames: Map<string, FrameView | null>;
  /** Submitted applications (every status but draft); the year is decided here. */
  applications: ApplicationDoc[];
  /**
   * More applications of the year, counted: none of them has a decision in force, none is also
   * in `applications`.
   */
  tallies?: readonly ApplicationTally[];
  /** Every decision record (corrections included); the ones in force are picked here. */
  decisions: DecisionDoc[];
  projects: ProjectDoc[];
  reports: ReportDoc[];
  /** The IT statement on an application, from its review item (application id → recommendation). */
  statements: Map<string, StatementRecommendation>;
  coaching: CoachingStats;
  surveys: SurveyResponseDoc[];
}

/** A percentage with one decimal, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  if (!Number.isFinite(whole) || whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function startYear(app: ApplicationDoc): number | null {
  const y = Number((app.data?.startDate ?? '').slice(0, 4));
  return Number.isInteger(y) && y > 1900 ? y : null;
}

/**
 * The fiscal year an application belongs to: the year of the frame its decision in force took
 * money from; undecided, the year its project starts (as allocation plans it); else the year it
 * was submitted.
 */
export function applicationYear(app: ApplicationDoc, decision: DecisionDoc | undefined): number {
  if (decision) return decision.year;
  return startYear(app) ?? fiscalYearOf(new Date(app.submittedAt ?? app.createdAt));
}

/** The fiscal year a funded project's money came from (its decision in force, else its decision date). */
export function projectYear(project: ProjectDoc, decision: DecisionDoc | undefined): number {
  return decision?.year ?? fiscalYearOf(project.decisionDate);
}

/** The latest report of a project that states a realised effect (as follow-up reads it). */
export function latestRealised(reports: readonly ReportDoc[]): ReportDoc | undefined {
  return (
    reports
      // != null: documents written by the MongoDB driver before undefined was dropped hold null.
      .filter((r) => r.realisedEffectSek != null || r.realisedEffectHours != null)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
      .pop()
  );
}

/** The reports a project owed by `today` and has not sent. */
export function overdueReports(
  project: ProjectDoc,
  reports: readonly ReportDoc[],
  today: string,
): OverdueReport[] {
  const sent = new Set(reports.map((r) => r.period));
  return scheduleOf(project)
    .filter((d) => d.dueDate < today && !sent.has(d.period))
    .map((d) => ({
      projectId: project._id,
      regNo: project.regNo,
      title: project.title,
      period: d.period,
      dueDate: d.dueDate,
    }));
}

const emptyStatusCounts = (): PortfolioFigures['statusCounts'] =>
  Object.fromEntries(RECORD_STATUSES.map((st) => [st, 0])) as PortfolioFigures['statusCounts'];

function benefitOf(
  projects: readonly ProjectDoc[],
  reportsBy: Map<string, ReportDoc[]>,
): BenefitFigures {
  let invested = 0;
  let plannedSek = 0;
  let realisedSek = 0;
  let plannedHours = 0;
  let realisedHours = 0;
  let reporting = 0;
  for (const p of projects) {
    invested += p.grantedSek;
    plannedSek += p.benefitPlan.yearlyEffectSek ?? 0;
    plannedHours += p.benefitPlan.yearlyEffectHours ?? 0;
    const latest = latestRealised(reportsBy.get(p._id) ?? []);
    if (latest) {
      reporting++;
      realisedSek += latest.realisedEffectSek ?? 0;
      realisedHours += latest.realisedEffectHours ?? 0;
    }
  }
  return {
    projects: projects.length,
    reporting,
    invested,
    plannedSek,
    realisedSek,
    plannedHours,
    realisedHours,
    realisedRate: percent(realisedSek, invested),
    plannedRate: percent(plannedSek, invested),
    realisedOfPlanned: percent(realisedSek, plannedSek),
  };
}

function guidelinesOf(
  funded: readonly ApplicationDoc[],
  statements: Map<string, StatementRecommendation>,
): GuidelineFigures {
  const out: GuidelineFigures = {
    funded: funded.length,
    reuseCommon: 0,
    accessibilityPlan: 0,
    itStatementPositive: 0,
    allThree: 0,
  };
  for (const app of funded) {
    const reuse = COMMON_PLATFORM_REUSE.has(app.data?.reuse ?? '');
    const access = (app.data?.accessibilityPlan ?? '').trim() !== '';
    const statement = statements.get(app._id);
    const positive = statement !== undefined && POSITIVE_STATEMENTS.has(statement);
    if (reuse) out.reuseCommon++;
    if (access) out.accessibilityPlan++;
    if (positive) out.itStatementPositive++;
    if (reuse && access && positive) out.allThree++;
  }
  return out;
}

function surveyOf(responses: readonly SurveyResponseDoc[]): SurveyFigures {
  const byQuestion = {} as Record<SurveyQuestion, number | null>;
  const all: number[] = [];
  for (const q of SURVEY_QUESTIONS) {
    const answers = responses
      .map((r) => r.answers[q])
      .filter((v): v is number => typeof v === 'number');
    all.push(...answers);
    byQuestion[q] =
      answers.length > 0 ? round1(answers.reduce((a, b) => a + b, 0) / answers.length) : null;
  }
  return {
    respondents: responses.length,
    mean: all.length > 0 ? round1(all.reduce((a, b) => a + b, 0) / all.length) : null,
    byQuestion,
  };
}

function yearAfterOf(
  projects: readonly ProjectDoc[],
  reportsBy: Map<string, ReportDoc[]>,
  today: string,
): { due: number; done: number } {
  let due = 0;
  let done = 0;
  for (const p of projects) {
    const benefit = scheduleOf(p).find((d) => d.kind === 'benefit');
    if (!benefit || benefit.dueDate > today) continue;
    due++;
    if ((reportsBy.get(p._id) ?? []).some((r) => r.period === benefit.period)) done++;
  }
  return { due, done };
}

function sumMoney<T extends MoneyFigures>(rows: readonly T[]): MoneyFigures {
  const out: MoneyFigures = { frame: 0, granted: 0, remaining: 0, requested: 0, pending: 0 };
  for (const r of rows) {
    out.frame += r.frame;
    out.granted += r.granted;
    out.remaining += r.remaining;
    out.requested += r.requested;
    out.pending += r.pending;
  }
  return out;
}

/**
 * Computes the dashboard of one fiscal year from the data the other areas own: frames and the
 * money held from the frame ledgers, applications by status, decisions in force, funded
 * projects and their reports, the IT statements, coaching times and survey answers.
 */
export function computeDashboard(input: DashboardInput): DashboardFigures {
  const { year, today } = input;
  const inForce = new Map(currentDecisions(input.decisions).map((d) => [d.applicationId, d]));
  const apps = input.applications.filter(
    (a) => a.status !== 'draft' && !!a.data && applicationYear(a, inForce.get(a._id)) === year,
  );
  const reportsBy = new Map<string, ReportDoc[]>();
  for (const r of input.reports)
    reportsBy.set(r.projectId, [...(reportsBy.get(r.projectId) ?? []), r]);
  const projects = input.projects.filter(
    (p) => projectYear(p, inForce.get(p.applicationId)) === year,
  );
  const surveys = input.surveys.filter((r) => r.year === year);

  const portfolios: PortfolioFigures[] = input.portfolios.map((portfolio) => {
    const frame = input.frames.get(portfolio._id) ?? null;
    const mine = apps.filter((a) => a.data!.portfolioId === portfolio._id);
    const live = mine.filter((a) => a.status !== 'withdrawn');
    const pending = live.filter((a) => PENDING_STATUSES.has(a.status) && !inForce.has(a._id));
    const counted = (input.tallies ?? []).filter((t) => t.portfolioId === portfolio._id);
    const countedCost = (part: Part, keep: (t: ApplicationTally) => boolean) =>
      counted.filter((t) => t.part === part && keep(t)).reduce((acc, t) => acc + t.devCost, 0);
    const parts: PartFigures[] = PARTS.map((part) => {
      const budget = frame?.budgets[part] ?? 0;
      const granted = frame?.used[part] ?? 0;
      return {
        part,
        frame: budget,
        granted,
        remaining: budget - granted,
        requested:
          live.filter((a) => a.data!.part === part).reduce((acc, a) => acc + a.data!.devCost, 0) +
          countedCost(part, (t) => t.status !== 'withdrawn'),
        pending:
          pending
            .filter((a) => a.data!.part === part)
            .reduce((acc, a) => acc + a.data!.devCost, 0) +
          countedCost(part, (t) => PENDING_STATUSES.has(t.status)),
      };
    });
    const statusCounts = emptyStatusCounts();
    for (const a of mine) statusCounts[a.status as Exclude<ApplicationStatus, 'draft'>]++;
    for (const t of counted) statusCounts[t.status] += t.count;
    const funded = mine.filter((a) => inForce.get(a._id)?.outcome === 'approved');
    const myProjects = projects.filter((p) => p.portfolioId === portfolio._id);
    const money = sumMoney(parts);
    return {
      portfolioId: portfolio._id,
      number: portfolio.number,
      name: portfolio.name,
      relaxedBenefit: portfolio.relaxedBenefit,
      hasFrame: frame !== null,
      ...money,
      frame: frame?.amount ?? 0,
      remaining: (frame?.amount ?? 0) - money.granted,
      parts,
      statusCounts,
      applications: mine.length + counted.reduce((acc, t) => acc + t.count, 0),
      benefit: benefitOf(myProjects, reportsBy),
      coaching: {
        asked: input.coaching.byPortfolio[portfolio._id]?.asked ?? 0,
        medianFirstAnswerHours:
          input.coaching.byPortfolio[portfolio._id]?.medianFirstAnswerHours ?? null,
      },
      overdue: myProjects
        .flatMap((p) => overdueReports(p, reportsBy.get(p._id) ?? [], today))
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.regNo.localeCompare(b.regNo, 'sv')),
      guidelines: guidelinesOf(funded, input.statements),
      yearAfter: yearAfterOf(myProjects, reportsBy, today),
      survey: surveyOf(surveys.filter((r) => r.portfolioIds.includes(portfolio._id))),
    };
  });

  const shown = new Set(portfolios.map((p) => p.portfolioId));
  const shownProjects = projects.filter((p) => shown.has(p.portfolioId));
  const statusCounts = emptyStatusCounts();
  for (const p of portfolios)
    for (const st of RECORD_STATUSES) statusCounts[st] += p.statusCounts[st];
  const totals: DashboardFigures['totals'] = {
    ...sumMoney(portfolios),
    parts: PARTS.map((part) => ({
      part,
      ...sumMoney(portfolios.map((p) => p.parts.find((x) => x.part === part)!)),
    })),
    statusCounts,
    applications: portfolios.reduce((a, p) => a + p.applications, 0),
    benefit: benefitOf(shownProjects, reportsBy),
    overdue: portfolios
      .flatMap((p) => p.overdue)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.regNo.localeCompare(b.regNo, 'sv')),
    guidelines: portfolios.reduce<GuidelineFigures>(
      (acc, p) => ({
        funded: acc.funded + p.guidelines.funded,
        reuseCommon: acc.reuseCommon + p.guidelines.reuseCommon,
        accessibilityPlan: acc.accessibilityPlan + p.guidelines.accessibilityPlan,
        itStatementPositive: acc.itStatementPositive + p.guidelines.itStatementPositive,
        allThree: acc.allThree + p.guidelines.allThree,
      }),
      { funded: 0, reuseCommon: 0, accessibilityPlan: 0, itStatementPositive: 0, allThree: 0 },
    ),
    yearAfter: yearAfterOf(shownProjects, reportsBy, today),
    survey: surveyOf(surveys.filter((r) => r.portfolioIds.some((id) => shown.has(id)))),
    coaching: input.coaching,
  };
  return { year, today, asOf: input.asOf, portfolios, totals };
}
