import { DateTime } from 'luxon';
import type { ApplicationDoc, ApplicationStatus } from '../applications/application';
import type { Part } from '../applications/wizard-steps';
import { currentDecisions } from '../decisions/decision-repository';
import type { DecisionDoc } from '../decisions/decision';
import { swedishNumber, toCsv } from '../decisions/exports';
import type { ProjectDoc, ReportDoc } from '../followup/project';
import { scheduleOf } from '../followup/reports';
import type { PortfolioDoc } from '../portfolios/portfolio-repository';
import type { Services } from '../services';
import { STOCKHOLM_ZONE } from '../shared/dates';
import { latestRealised, percent, RECORD_STATUSES } from './figures';

/** Swedish words of the record (a register is kept in Swedish, the language of the authority). */
const STATUS_SV: Record<ApplicationStatus, string> = {
  draft: 'Utkast',
  submitted: 'Inskickad',
  completion_requested: 'Komplettering begärd',
  in_review: 'Under beredning',
  recommended: 'Tillstyrkt',
  not_recommended: 'Avstyrkt',
  approved: 'Beviljad',
  rejected: 'Avslagen',
  withdrawn: 'Tillbakadragen',
};
const PART_SV: Record<Part, string> = {
  innovation: 'Innovation och nyutveckling',
  improvement: 'Förbättring av befintliga e-tjänster',
  maintenance: 'Förvaltning av standardiserad funktionalitet',
};
const REUSE_SV: Record<string, string> = {
  common: 'Gemensam plattform',
  extendCommon: 'Bygger ut gemensam plattform',
  local: 'Lokal lösning',
};
const OUTCOME_SV = { approved: 'Bifall', rejected: 'Avslag' } as const;
const KIND_SV = {
  allocation: 'Fördelning',
  not_recommended: 'Avstyrkt av beredningsgruppen',
  correction: 'Rättelse',
} as const;
const HEALTH_SV = {
  on_track: 'Enligt plan',
  at_risk: 'Risk för avvikelse',
  off_track: 'Avviker från planen',
} as const;

/** An instant as a Stockholm calendar date. */
const day = (iso: string | undefined): string =>
  iso ? (DateTime.fromISO(iso, { zone: STOCKHOLM_ZONE }).toISODate() ?? '') : '';
const num = (v: number | undefined, decimals = 0): string =>
  typeof v === 'number' ? swedishNumber(v, decimals) : '';
const portfolioLabel = (p: PortfolioDoc | undefined, id: string): string =>
  p ? `${p.number}. ${p.name.sv}` : id;

/** One submitted application in the register, with the decision in force. */
export interface ApplicationRecord {
  regNo: string;
  applicationId: string;
  submittedDate: string;
  title: string;
  organisation: string;
  applicant: string;
  contactName: string;
  portfolioId: string;
  portfolio: string;
  part: Part;
  status: ApplicationStatus;
  requestedSek: number;
  yearlyRunningCostSek: number;
  yearlyEffectSek: number | null;
  yearlyEffectHours: number | null;
  startDate: string;
  endDate: string;
  reuse: string;
  securityClass: string;
  decision: null | {
    decisionId: string;
    outcome: DecisionDoc['outcome'];
    grantedSek: number;
    year: number;
    decisionDate: string;
    decidedBy: string;
  };
}

/** The register of applications and decisions, as the JSON export carries it. */
export interface Register {
  generatedAt: string;
  applications: ApplicationRecord[];
  /** Every decision record, corrections included (a correction names the record it supersedes). */
  decisions: (DecisionDoc & { inForce: boolean })[];
}

const byRegNo = (a: { regNo: string }, b: { regNo: string }): number =>
  a.regNo.localeCompare(b.regNo, 'sv', { numeric: true });

/** Builds the register from the applications (every one that was submitted) and the decision records. */
export function buildRegister(
  apps: readonly ApplicationDoc[],
  decisions: readonly DecisionDoc[],
  portfolios: readonly PortfolioDoc[],
  now: Date,
): Register {
  const inForce = new Map(currentDecisions(decisions).map((d) => [d.applicationId, d]));
  const inForceIds = new Set([...inForce.values()].map((d) => d._id));
  const pById = new Map(portfolios.map((p) => [p._id, p]));
  const applications = apps
    .filter((a) => a.status !== 'draft' && !!a.regNo && !!a.data)
    .map((a): ApplicationRecord => {
      const d = a.data!;
      const dec = inForce.get(a._id);
      return {
        regNo: a.regNo!,
        applicationId: a._id,
        submittedDate: day(a.submittedAt),
        title: d.title,
        organisation: d.organisation,
        applicant: a.ownerName,
        contactName: d.contactName,
        portfolioId: d.portfolioId,
        portfolio: portfolioLabel(pById.get(d.portfolioId), d.portfolioId),
        part: d.part,
        status: a.status,
        requestedSek: d.devCost,
        yearlyRunningCostSek: d.yearlyRunningCost,
        yearlyEffectSek: d.yearlyEffectSek ?? null,
        yearlyEffectHours: d.yearlyEffectHours ?? null,
        startDate: d.startDate,
        endDate: d.endDate,
        reuse: d.reuse,
        securityClass: d.securityClass,
        decision: dec
          ? {
              decisionId: dec._id,
              outcome: dec.outcome,
              grantedSek: dec.amount,
              year: dec.year,
              decisionDate: dec.decisionDate,
              decidedBy: dec.decidedBy.name,
            }
          : null,
      };
    })
    .sort(byRegNo);
  const all = [...decisions]
    .sort((a, b) => a.decisionDate.localeCompare(b.decisionDate) || byRegNo(a, b) || a.seq - b.seq)
    .map((d) => ({ ...d, inForce: inForceIds.has(d._id) }));
  return { generatedAt: now.toISOString(), applications, decisions: all };
}

/** The application register as CSV for Swedish Excel (BOM, semicolons, "1 200 000"). */
export function applicationsCsv(register: Register): string {
  return toCsv(
    [
      'Diarienummer',
      'Inkom',
      'Projekt',
      'Organisation',
      'Sökande',
      'Kontaktperson',
      'Portfölj',
      'Del av ramen',
      'Status',
      'Sökt belopp (kr)',
      'Årlig driftkostnad (kr)',
      'Årlig effekt (kr)',
      'Årlig effekt (timmar)',
      'Start',
      'Slut',
      'Återanvändning',
      'Informationssäkerhetsklass',
      'Beslut',
      'Beviljat belopp (kr)',
      'Ur ramen för år',
      'Beslutsdatum',
      'Beslutsfattare',
      'Beslutsid',
    ],
    register.applications.map((a) => ({
      text: [
        a.regNo,
        a.submittedDate,
        a.title,
        a.organisation,
        a.applicant,
        a.contactName,
        a.portfolio,
        PART_SV[a.part] ?? a.part,
        STATUS_SV[a.status],
        num(a.requestedSek),
        num(a.yearlyRunningCostSek),
        num(a.yearlyEffectSek ?? undefined),
        num(a.yearlyEffectHours ?? undefined),
        a.startDate,
        a.endDate,
        REUSE_SV[a.reuse] ?? a.reuse,
        a.securityClass,
        a.decision ? OUTCOME_SV[a.decision.outcome] : '',
        a.decision ? num(a.decision.grantedSek) : '',
        a.decision ? String(a.decision.year) : '',
        a.decision?.decisionDate ?? '',
        a.decision?.decidedBy ?? '',
        a.decision?.decisionId ?? '',
      ],
    })),
  );
}

/** Every decision record as CSV for Swedish Excel, corrections included, with which one is in force. */
export function decisionsCsv(register: Register): string {
  return toCsv(
    [
      'Beslutsid',
      'Diarienummer',
      'Projekt',
      'Organisation',
      'Portfölj',
      'År',
      'Del av ramen',
      'Slag',
      'Beslut',
      'Sökt belopp (kr)',
      'Beviljat belopp (kr)',
      'Medelbetyg',
      'Skäl',
      'Beslutsfattare',
      'Delegation',
      'Deltog inte p.g.a. jäv',
      'Beslutsdatum',
      'Ersätter beslut',
      'Gäller',
    ],
    register.decisions.map((d) => ({
      text: [
        d._id,
        d.regNo,
        d.title,
        d.organisation,
        `${d.portfolioNumber}. ${d.portfolioName.sv}`,
        String(d.year),
        PART_SV[d.part] ?? d.part,
        KIND_SV[d.kind] ?? d.kind,
        OUTCOME_SV[d.outcome],
        num(d.requestedAmount),
        num(d.amount),
        num(d.meanScore, 2),
        d.reasonText.sv,
        d.decidedBy.name,
        d.delegation,
        d.recusedNames.join(', '),
        d.decisionDate,
        d.supersedes ?? '',
        d.inForce ? 'Ja' : 'Nej',
      ],
    })),
  );
}

/** One funded project's follow-up status. */
export interface FollowupRecord {
  projectId: string;
  regNo: string;
  title: string;
  portfolioId: string;
  portfolio: string;
  grantedSek: number;
  startDate: string;
  endDate: string;
  reportEvery: string;
  reportsDue: number;
  reportsSent: number;
  overduePeriods: { period: string; dueDate: string }[];
  latestHealth: ReportDoc['health'] | null;
  spentSek: number | null;
  plannedYearlyEffectSek: number | null;
  realisedYearlyEffectSek: number | null;
  /** Effekthemtagning: realised yearly effect as a percentage of the granted sum. */
  realisedRatePercent: number | null;
  /** The follow-up one year after the end (002 §7.4 Styrning 5). */
  benefitFollowup: { dueDate: string; state: 'sent' | 'overdue' | 'coming' };
}

/** The follow-up status of every funded project as of `today` (Stockholm date). */
export function buildFollowup(
  projects: readonly ProjectDoc[],
  reports: readonly ReportDoc[],
  portfolios: readonly PortfolioDoc[],
  today: string,
): FollowupRecord[] {
  const pById = new Map(portfolios.map((p) => [p._id, p]));
  return projects
    .map((p): FollowupRecord => {
      const mine = reports
        .filter((r) => r.projectId === p._id)
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
      const sent = new Set(mine.map((r) => r.period));
      const schedule = scheduleOf(p);
      const due = schedule.filter((d) => d.dueDate < today);
      const benefit = schedule.find((d) => d.kind === 'benefit')!;
      const realised = latestRealised(mine);
      const latest = mine[mine.length - 1];
      return {
        projectId: p._id,
        regNo: p.regNo,
        title: p.title,
        portfolioId: p.portfolioId,
        portfolio: portfolioLabel(pById.get(p.portfolioId), p.portfolioId),
        grantedSek: p.grantedSek,
        startDate: p.startDate,
        endDate: p.endDate,
        reportEvery: p.reportEvery,
        reportsDue: due.length,
        reportsSent: due.filter((d) => sent.has(d.period)).length,
        overduePeriods: due
          .filter((d) => !sent.has(d.period))
          .map((d) => ({ period: d.period, dueDate: d.dueDate })),
        latestHealth: latest?.health ?? null,
        spentSek: latest ? latest.spentSek : null,
        plannedYearlyEffectSek: p.benefitPlan.yearlyEffectSek ?? null,
        realisedYearlyEffectSek: realised?.realisedEffectSek ?? null,
        realisedRatePercent:
          realised?.realisedEffectSek != null
            ? percent(realised.realisedEffectSek, p.grantedSek)
            : null,
        benefitFollowup: {
          dueDate: benefit.dueDate,
          state: sent.has(benefit.period) ? 'sent' : benefit.dueDate < today ? 'overdue' : 'coming',
        },
      };
    })
    .sort(byRegNo);
}

const EVERY_SV: Record<string, string> = {
  monthly: 'Månadsvis',
  quarterly: 'Kvartalsvis',
  tertial: 'Tertialvis',
  halfyearly: 'Halvårsvis',
  yearly: 'Årsvis',
};
const FOLLOWUP_SV = { sent: 'Lämnad', overdue: 'Försenad', coming: 'Kommande' } as const;

/** The follow-up status as CSV for Swedish Excel. */
export function followupCsv(rows: readonly FollowupRecord[]): string {
  return toCsv(
    [
      'Diarienummer',
      'Projekt',
      'Portfölj',
      'Beviljat (kr)',
      'Start',
      'Slut',
      'Rapportering',
      'Rapporter som skulle ha lämnats',
      'Lämnade',
      'Försenade rapporter',
      'Senaste läge',
      'Förbrukat (kr)',
      'Planerad årlig effekt (kr)',
      'Realiserad årlig effekt (kr)',
      'Effekthemtagning (%/år)',
      'Uppföljning ett år efter',
      'Uppföljningen',
    ],
    rows.map((r) => ({
      text: [
        r.regNo,
        r.title,
        r.portfolio,
        num(r.grantedSek),
        r.startDate,
        r.endDate,
        EVERY_SV[r.reportEvery] ?? r.reportEvery,
        String(r.reportsDue),
        String(r.reportsSent),
        r.overduePeriods.map((o) => `${o.period} (${o.dueDate})`).join(', '),
        r.latestHealth ? HEALTH_SV[r.latestHealth] : '',
        num(r.spentSek ?? undefined),
        num(r.plannedYearlyEffectSek ?? undefined),
        num(r.realisedYearlyEffectSek ?? undefined),
        num(r.realisedRatePercent ?? undefined, 1),
        r.benefitFollowup.dueDate,
        FOLLOWUP_SV[r.benefitFollowup.state],
      ],
    })),
  );
}

/** What an admin can download from the dashboard. */
export const INSIGHT_EXPORTS = [
  'applications.csv',
  'decisions.csv',
  'register.json',
  'followup.csv',
  'followup.json',
] as const;
export type InsightExport = (typeof INSIGHT_EXPORTS)[number];

/** The URL path of an insight export (signed by the bot when it hands out the link). */
export const insightExportPath = (kind: InsightExport): string => `/exports/insight/${kind}`;

/** A file ready to send: body, content type and a download name. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

/** Builds one insight export from the repositories, at the moment it is downloaded. */
export async function renderInsightExport(s: Services, kind: InsightExport): Promise<ExportFile> {
  const now = s.clock();
  const stamp = DateTime.fromJSDate(now, { zone: STOCKHOLM_ZONE }).toFormat('yyyy-MM-dd');
  const portfolios = await s.portfolios.all();
  if (kind === 'followup.csv' || kind === 'followup.json') {
    const rows = buildFollowup(
      await s.followup.projects.all(),
      await s.followup.reports.all(),
      portfolios,
      stamp,
    );
    return kind === 'followup.csv'
      ? {
          filename: `uppfoljning-${stamp}.csv`,
          contentType: 'text/csv; charset=utf-8',
          body: followupCsv(rows),
        }
      : {
          filename: `uppfoljning-${stamp}.json`,
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify({ generatedAt: now.toISOString(), projects: rows }, null, 2),
        };
  }
  const register = buildRegister(
    await s.applications.find({ status: { $in: [...RECORD_STATUSES] } }),
    await s.allocation.decisions.all(),
    portfolios,
    now,
  );
  if (kind === 'applications.csv')
    return {
      filename: `ansokningar-${stamp}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: applicationsCsv(register),
    };
  if (kind === 'decisions.csv')
    return {
      filename: `beslut-${stamp}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: decisionsCsv(register),
    };
  return {
    filename: `register-${stamp}.json`,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(register, null, 2),
  };
}
