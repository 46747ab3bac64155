/** Hand-built documents for the insight unit tests: only what a test names differs from a valid default. */
import type {
  ApplicationDoc,
  ApplicationStatus,
  SubmittedData,
} from '../../../services/applications/application';
import type { Part } from '../../../services/applications/wizard-steps';
import type { ProjectDoc, ReportDoc } from '../../../services/followup/project';
import type { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';
import type { FrameView } from '../../../services/allocation/frames';
import type { CoachingStats } from '../../../services/coaching/coach-stats';
import type { SurveyResponseDoc } from '../../../services/followup/followup-services';
import type { DashboardInput } from '../../../services/insight/figures';
import { decision } from '../allocation/decision-fixture';

export const ANNA = '00000000-0000-0000-0000-000000000001';

export function portfolio(id: string, number: number): PortfolioDoc {
  return {
    _id: id,
    number,
    key: id,
    name: { sv: `Portfölj ${number}`, en: `Portfolio ${number}` },
    relaxedBenefit: false,
    frames: [],
    quorum: 3,
    reviewDays: 10,
  };
}

export function application(
  id: string,
  over: {
    status: ApplicationStatus;
    portfolioId?: string;
    part?: Part;
    devCost?: number;
    startDate?: string;
    reuse?: string;
    regSeq?: number;
  } & Partial<SubmittedData>,
): ApplicationDoc {
  const { status, regSeq, ...data } = over;
  return {
    _id: id,
    ownerId: ANNA,
    ownerName: 'Anna Andersson',
    status,
    inputs: {},
    step: 5,
    reached: 5,
    version: 2,
    createdAt: '2026-10-01T08:00:00.000Z',
    updatedAt: '2026-10-02T08:00:00.000Z',
    ...(status === 'draft'
      ? {}
      : {
          regNo: `PK 2026/${String(regSeq ?? 1).padStart(4, '0')}`,
          submittedAt: '2026-10-02T08:00:00.000Z',
        }),
    data: {
      title: `Ansökan ${id}`,
      portfolioId: 'p1',
      part: 'improvement',
      organisation: 'Utbildningsförvaltningen',
      contactName: 'Anna Andersson',
      contactEmail: 'anna.andersson@stad.example',
      crossOrganisational: false,
      need: 'Behov',
      userGroups: 'Användare',
      kfGoals: ['attractive'],
      devCost: 1_000_000,
      yearlyRunningCost: 100_000,
      costSharing: [{ organisation: 'Utbildningsförvaltningen', percent: 100 }],
      ownerName: 'E-tjänstförvaltningen',
      ownerOrganisation: 'Stadsledningskontoret',
      ownerEmail: 'etjanst@stad.example',
      startDate: '2027-02-01',
      endDate: '2027-11-30',
      isStage: false,
      reuse: 'common',
      reuseDetails: 'Gemensam plattform.',
      securityClass: '1',
      accessibilityPlan: 'WCAG 2.1 AA.',
      ...data,
    },
  };
}

export function project(appId: string, over: Partial<ProjectDoc> = {}): ProjectDoc {
  return {
    _id: `project-${appId}`,
    applicationId: appId,
    regNo: `PK 2026/${appId}`,
    title: `Projekt ${appId}`,
    ownerId: ANNA,
    ownerName: 'Anna Andersson',
    portfolioId: 'p1',
    grantedSek: 1_000_000,
    startDate: '2027-02-01',
    endDate: '2027-06-30',
    reportEvery: 'quarterly',
    decisionDate: '2027-01-20',
    benefitPlan: { yearlyEffectSek: 500_000, realisationPlan: 'Plan' },
    createdAt: '2027-01-20T10:00:00.000Z',
    updatedAt: '2027-01-20T10:00:00.000Z',
    version: 1,
    ...over,
  };
}

export function report(
  projectId: string,
  period: string,
  dueDate: string,
  over: Partial<ReportDoc> = {},
): ReportDoc {
  return {
    _id: `${projectId}:${period}`,
    projectId,
    period,
    kind: period === 'final' ? 'final' : period === 'benefit' ? 'benefit' : 'status',
    dueDate,
    health: 'on_track',
    spentSek: 100_000,
    milestones: 'Klart',
    comment: '',
    submittedBy: ANNA,
    submittedByName: 'Anna Andersson',
    submittedAt: `${dueDate}T10:00:00.000Z`,
    version: 1,
    ...over,
  };
}

/** Reads a CSV for Swedish Excel back: BOM, CRLF rows, semicolons, double-quoted fields with "" escapes. */
export function parseSwedishCsv(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

const frame = (
  portfolioId: string,
  amount: number,
  used: { innovation: number; improvement: number; maintenance: number },
): FrameView => ({
  portfolioId,
  year: 2027,
  amount,
  shares: { innovation: 30, improvement: 50, maintenance: 20 },
  budgets: { innovation: amount * 0.3, improvement: amount * 0.5, maintenance: amount * 0.2 },
  used,
  version: 3,
});

const coaching: CoachingStats = {
  asked: 4,
  answered: 3,
  resolved: 2,
  waiting: 1,
  medianFirstAnswerHours: 2,
  p90FirstAnswerHours: 6,
  byPortfolio: { p1: { asked: 3, medianFirstAnswerHours: 2.5 } },
};

const survey = (
  id: string,
  year: number,
  portfolioIds: string[],
  answers: number[],
): SurveyResponseDoc => ({
  _id: id,
  surveyId: `${year}:ch`,
  portfolioIds,
  channelId: 'ch',
  year,
  respondentId: id,
  respondentName: id,
  answers: {
    anchoring: answers[0],
    users: answers[1],
    reuse: answers[2],
    benefits: answers[3],
    process: answers[4],
  },
  comment: '',
  submittedAt: `${year}-11-01T10:00:00.000Z`,
  version: 1,
});

/**
 * A year with every kind of case: decided (one corrected), rejected, pending, withdrawn, an
 * application of another year, one decided from last year's frame, a draft, and a portfolio
 * without a frame.
 */
export function dashboardInput(): DashboardInput {
  const apps = [
    application('a1', {
      status: 'approved',
      devCost: 1_500_000,
      part: 'improvement',
      reuse: 'common',
      regSeq: 1,
    }),
    application('a2', { status: 'rejected', devCost: 800_000, part: 'innovation', regSeq: 2 }),
    application('a3', {
      status: 'approved',
      devCost: 2_000_000,
      part: 'improvement',
      reuse: 'local',
      regSeq: 3,
    }),
    application('a4', { status: 'in_review', devCost: 300_000, part: 'maintenance', regSeq: 4 }),
    application('a5', { status: 'withdrawn', devCost: 400_000, regSeq: 5 }),
    application('a6', { status: 'recommended', devCost: 999, startDate: '2028-02-01', regSeq: 6 }),
    application('a7', {
      status: 'submitted',
      devCost: 600_000,
      portfolioId: 'p2',
      part: 'innovation',
      regSeq: 7,
    }),
    application('a8', { status: 'approved', devCost: 700_000, regSeq: 8 }),
    application('a9', { status: 'draft', devCost: 5_000_000 }),
  ];
  return {
    year: 2027,
    today: '2028-05-15',
    asOf: '2028-05-15T08:00:00.000Z',
    portfolios: [portfolio('p1', 1), portfolio('p2', 2)],
    frames: new Map([
      ['p1', frame('p1', 10_000_000, { innovation: 0, improvement: 2_500_000, maintenance: 0 })],
      ['p2', null],
    ]),
    applications: apps,
    decisions: [
      decision({ applicationId: 'a1', amount: 1_500_000, requestedAmount: 1_500_000 }),
      decision({ applicationId: 'a2', outcome: 'rejected', amount: 0, part: 'innovation' }),
      decision({ applicationId: 'a3', amount: 2_000_000 }),
      decision({
        applicationId: 'a3',
        seq: 2,
        amount: 1_000_000,
        kind: 'correction',
        supersedes: 'dec-a3-1',
      }),
      decision({ applicationId: 'a8', amount: 700_000, year: 2026 }),
    ],
    projects: [
      project('a1', {
        grantedSek: 1_500_000,
        benefitPlan: { yearlyEffectSek: 600_000, yearlyEffectHours: 100, realisationPlan: 'P' },
      }),
      project('a3', {
        grantedSek: 1_000_000,
        endDate: '2027-03-31',
        benefitPlan: { yearlyEffectSek: 300_000, realisationPlan: 'P' },
      }),
      project('a8', { grantedSek: 700_000, decisionDate: '2026-03-01' }),
    ],
    reports: [
      report('project-a1', 'status-2027-Q1', '2027-03-31', { realisedEffectSek: 0 }),
      report('project-a1', 'final', '2027-06-30', {
        realisedEffectSek: 200_000,
        realisedEffectHours: 50,
      }),
      report('project-a3', 'benefit', '2028-03-31', { realisedEffectSek: 450_000 }),
    ],
    statements: new Map([
      ['a1', 'recommend'],
      ['a3', 'advise_against'],
    ]),
    coaching,
    surveys: [
      survey('r1', 2027, ['p1', 'p2'], [4, 4, 4, 4, 4]),
      survey('r2', 2027, ['p2'], [2, 3, 4, 5, 1]),
      survey('r3', 2026, ['p1'], [1, 1, 1, 1, 1]),
    ],
  };
}
