import { setImmediate as nextTurn } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { ApplicationDoc } from '../applications/application';
import { frameOf, framesOverview } from '../allocation/frames';
import { coachingStats } from '../coaching/coach-stats';
import { currentDecisions } from '../decisions/decision-repository';
import type { DecisionDoc } from '../decisions/decision';
import { stockholmDate } from '../followup/report-schedule';
import type { Services } from '../services';
import type { Filter, TallyRow } from '../store/store';
import type { Actor } from '../shared/actor';
import { fiscalYearOf, STOCKHOLM_ZONE } from '../shared/dates';
import { DomainError } from '../shared/domain-error';
import type { StatementRecommendation } from '../review/review-types';
import {
  ApplicationTally,
  applicationYear,
  computeDashboard,
  DashboardFigures,
  RECORD_STATUSES,
} from './figures';
import { canSee, dashboardScope, DashboardScope } from './insight-access';

/** Years a person may ask the dashboard for, around the current fiscal year. */
export const DASHBOARD_YEARS_BACK = 10;
export const DASHBOARD_YEARS_AHEAD = 5;

/** A dashboard as the cards need it: the figures, the years to choose from, and who is looking. */
export interface Dashboard {
  figures: DashboardFigures;
  years: number[];
  scope: DashboardScope;
  /** Fiscal years in which the person's portfolios have submitted applications (empty: none yet). */
  applicationYears?: number[];
  /** True when no year was asked for and the dashboard moved to the nearest year with applications. */
  movedToApplicationsYear?: boolean;
}

/**
 * The year the dashboard opens on when none is asked for: the current one if it has applications,
 * else the nearest year that has (a later one on a tie: autumn applications are for next year),
 * else the current one.
 */
export function openingYear(current: number, applicationYears: readonly number[]): number {
  if (applicationYears.length === 0 || applicationYears.includes(current)) return current;
  return [...applicationYears].sort(
    (a, b) => Math.abs(a - current) - Math.abs(b - current) || b - a,
  )[0];
}

/** The instants a Stockholm fiscal year starts and ends (for questions asked in the year). */
export function fiscalYearRange(year: number): { from: Date; to: Date } {
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: STOCKHOLM_ZONE });
  return { from: from.toJSDate(), to: from.plus({ years: 1 }).toJSDate() };
}

/** Reads a year from a command argument or card data; null when absent, an error when not a year. */
export function parseYear(raw: unknown, now: Date): number | null {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return null;
  const current = fiscalYearOf(now);
  const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
  if (
    !Number.isInteger(year) ||
    year < current - DASHBOARD_YEARS_BACK ||
    year > current + DASHBOARD_YEARS_AHEAD
  ) {
    throw new DomainError('invalid_input', `not a fiscal year: ${text.slice(0, 20)}`, {
      reason: 'year',
      year: text.slice(0, 20),
    });
  }
  return year;
}

/** The start dates of a fiscal year, as a range on the ISO date the wizard stores. */
const startsIn = (year: number) => ({ $gte: `${year}`, $lt: `${year + 1}` });

/**
 * The submitted applications of a fiscal year in these portfolios, without reading each one:
 * those starting in the year and undecided are tallied by the (portfolio, start date) index
 * (counts and sums per portfolio, status and part); only the few that need a closer look are
 * read whole: those decided (the year of their decision in force counts, not their start) and
 * those without a start date (the year they were submitted then decides). computeDashboard
 * keeps exactly the year's own of what is read.
 */
export async function applicationsOfYear(
  s: Services,
  portfolioIds: string[],
  year: number,
  inForce: readonly DecisionDoc[],
): Promise<{ applications: ApplicationDoc[]; tallies: ApplicationTally[] }> {
  if (portfolioIds.length === 0) return { applications: [], tallies: [] };
  const status = { $in: [...RECORD_STATUSES] };
  const inPortfolios = { 'data.portfolioId': { $in: portfolioIds }, status };
  const startingInYear = { ...inPortfolios, 'data.startDate': startsIn(year) };
  const decidedIds = [...new Set(inForce.map((d) => d.applicationId))];
  const [rows, decidedStarting, undated, decidedInYear] = await Promise.all([
    tallyByPortfolio(s, portfolioIds, status, year),
    decidedIds.length === 0
      ? []
      : s.applications.find({ ...startingInYear, _id: { $in: decidedIds } }),
    s.applications.find({ ...inPortfolios, 'data.startDate': null }),
    (() => {
      const ids = inForce.filter((d) => d.year === year).map((d) => d.applicationId);
      return ids.length === 0 ? [] : s.applications.find({ ...inPortfolios, _id: { $in: ids } });
    })(),
  ]);
  // The tallies hold every application starting in the year: take the decided ones out again.
  const tallies = new Map<string, ApplicationTally>();
  const keyOf = (portfolioId: unknown, st: unknown, part: unknown) =>
    JSON.stringify([portfolioId, st, part]);
  for (const r of rows) {
    const [portfolioId, st, part] = r.key as [string, ApplicationTally['status'], string];
    tallies.set(keyOf(portfolioId, st, part), {
      portfolioId,
      status: st,
      part,
      count: r.count,
      devCost: r.sums[0],
    });
  }
  for (const a of decidedStarting) {
    const t = tallies.get(keyOf(a.data?.portfolioId, a.status, a.data?.part));
    if (!t) continue;
    t.count--;
    t.devCost -= typeof a.data?.devCost === 'number' ? a.data.devCost : 0;
  }
  const byId = new Map<string, ApplicationDoc>();
  for (const a of [...decidedStarting, ...undated, ...decidedInYear]) byId.set(a._id, a);
  return {
    applications: [...byId.values()],
    tallies: [...tallies.values()].filter((t) => t.count > 0),
  };
}

/**
 * The year's applications tallied one portfolio at a time, with a turn for others in between:
 * each tally is one synchronous statement on the embedded store (about 50 ms for all portfolios
 * at 50,000 applications, in which no other person's turn could run).
 */
async function tallyByPortfolio(
  s: Services,
  portfolioIds: string[],
  status: Filter,
  year: number,
): Promise<TallyRow[]> {
  const rows: TallyRow[] = [];
  for (const [i, portfolioId] of portfolioIds.entries()) {
    if (i > 0) await nextTurn();
    rows.push(
      ...(await s.applications.tally(
        { 'data.portfolioId': portfolioId, status, 'data.startDate': startsIn(year) },
        ['data.portfolioId', 'status', 'data.part'],
        ['data.devCost'],
      )),
    );
  }
  return rows;
}

/**
 * The fiscal years around the current one in which applications start (in these portfolios, or
 * any when null): one indexed look-up of at most one document per year.
 */
async function yearsWithApplications(
  s: Services,
  portfolioIds: string[] | null,
  current: number,
): Promise<number[]> {
  const years: number[] = [];
  for (let y = current - DASHBOARD_YEARS_BACK; y <= current + DASHBOARD_YEARS_AHEAD; y++) {
    const filter: Record<string, unknown> = {
      'data.startDate': startsIn(y),
      status: { $in: [...RECORD_STATUSES] },
    };
    if (portfolioIds) filter['data.portfolioId'] = { $in: portfolioIds };
    if ((await s.applications.findPage(filter, 1)).length > 0) years.push(y);
  }
  return years;
}

/**
 * The fiscal years worth offering: those with a frame (seeded or set), with applications, and
 * the current one.
 */
async function availableYears(
  s: Services,
  current: number,
  decisions: readonly { year: number }[],
): Promise<number[]> {
  const years = new Set<number>([current, ...(await yearsWithApplications(s, null, current))]);
  for (const { frames } of await framesOverview(s)) for (const f of frames) years.add(f.year);
  for (const d of decisions) years.add(d.year);
  return [...years]
    .filter((y) => y >= current - DASHBOARD_YEARS_BACK && y <= current + DASHBOARD_YEARS_AHEAD)
    .sort((a, b) => a - b);
}

/**
 * The portfolio dashboard of a fiscal year (default: the current one in Europe/Stockholm) for a
 * person allowed to see it: only the portfolios their roles cover.
 */
export async function portfolioDashboard(
  s: Services,
  actor: Actor,
  year?: number | null,
): Promise<Dashboard> {
  const scope = await dashboardScope(s, actor);
  const now = s.clock();
  const current = fiscalYearOf(now);
  const portfolios = (await s.portfolios.all()).filter((p) => canSee(scope, p._id));
  const decisions = await s.allocation.decisions.all();
  const inForce = currentDecisions(decisions);
  const visible = (d: { portfolioId: string }) => canSee(scope, d.portfolioId);
  const applicationYears = [
    ...new Set([
      ...(await yearsWithApplications(s, scope.all ? null : scope.portfolioIds, current)),
      ...inForce
        .filter(visible)
        .map((d) => d.year)
        .filter((y) => y >= current - DASHBOARD_YEARS_BACK && y <= current + DASHBOARD_YEARS_AHEAD),
    ]),
  ].sort((a, b) => a - b);
  const y = year ?? openingYear(current, applicationYears);
  const { applications, tallies } = await applicationsOfYear(
    s,
    portfolios.map((p) => p._id),
    y,
    inForce.filter(visible),
  );
  const frames = new Map(
    await Promise.all(portfolios.map(async (p) => [p._id, await frameOf(s, p, y)] as const)),
  );
  // The IT statements count only for funded applications (all of them read whole above).
  const statements = new Map<string, StatementRecommendation>();
  const approved = new Set(
    inForce.filter((d) => d.outcome === 'approved').map((d) => d.applicationId),
  );
  const funded = applications.filter((a) => approved.has(a._id)).map((a) => a._id);
  const items = funded.length === 0 ? [] : await s.review.findItems({ _id: { $in: funded } });
  for (const item of items) {
    if (item.statement) statements.set(item.appId, item.statement.recommendation);
  }
  const figures = computeDashboard({
    year: y,
    today: stockholmDate(now),
    asOf: now.toISOString(),
    portfolios,
    frames,
    applications,
    tallies,
    decisions,
    projects: await s.followup.projects.all(),
    reports: await s.followup.reports.all(),
    statements,
    coaching: await coachingStats(s, fiscalYearRange(y)),
    surveys: await s.followup.surveys.col.find({ year: y }),
  });
  const years = [...new Set([...(await availableYears(s, current, decisions)), y])].sort(
    (a, b) => a - b,
  );
  return {
    figures,
    years,
    scope,
    applicationYears,
    movedToApplicationsYear: year == null && y !== current,
  };
}

/** One page of a portfolio's applications in a year, for the drill-down list. */
export interface ApplicationPage {
  portfolioId: string;
  year: number;
  page: number;
  pages: number;
  total: number;
  rows: ApplicationRow[];
}

export interface ApplicationRow {
  appId: string;
  regNo: string;
  title: string;
  organisation: string;
  status: ApplicationDoc['status'];
  part: string;
  requested: number;
  /** Granted by the decision in force (0 when rejected), undefined while undecided. */
  granted?: number;
  submittedAt?: string;
}

/** Rows per page of the application list: keeps the card far below 80 KB. */
export const APPLICATIONS_PER_PAGE = 15;

/** The applications of one portfolio in one year, in registration order, one page at a time. */
export async function portfolioApplications(
  s: Services,
  actor: Actor,
  portfolioId: string,
  year: number,
  page: number,
): Promise<ApplicationPage> {
  const scope = await dashboardScope(s, actor);
  const portfolio = await s.portfolios.get(portfolioId);
  if (!portfolio || !canSee(scope, portfolioId))
    throw new DomainError('not_found', 'portfolio not found', { reason: 'portfolio' });
  const inForce = new Map(
    currentDecisions(await s.allocation.decisions.all({ portfolioId })).map((d) => [
      d.applicationId,
      d,
    ]),
  );
  const apps = (
    await s.applications.find({
      'data.portfolioId': portfolioId,
      status: { $in: [...RECORD_STATUSES] },
    })
  )
    .filter((a) => !!a.data && applicationYear(a, inForce.get(a._id)) === year)
    .sort((a, b) => (a.regNo ?? '').localeCompare(b.regNo ?? '', 'sv', { numeric: true }));
  const pages = Math.max(1, Math.ceil(apps.length / APPLICATIONS_PER_PAGE));
  const p = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
  const rows = apps.slice(p * APPLICATIONS_PER_PAGE, (p + 1) * APPLICATIONS_PER_PAGE).map((a) => {
    const d = inForce.get(a._id);
    return {
      appId: a._id,
      regNo: a.regNo ?? '',
      title: a.data!.title,
      organisation: a.data!.organisation,
      status: a.status,
      part: a.data!.part,
      requested: a.data!.devCost,
      ...(d ? { granted: d.amount } : {}),
      submittedAt: a.submittedAt,
    };
  });
  return { portfolioId, year, page: p, pages, total: apps.length, rows };
}
