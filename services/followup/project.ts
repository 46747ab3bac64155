/** How often a funded project sends a status report (calendar periods; the default is quarterly). */
export type ReportEvery = 'monthly' | 'quarterly' | 'tertial' | 'halfyearly' | 'yearly';

export const REPORT_EVERY: readonly ReportEvery[] = [
  'monthly',
  'quarterly',
  'tertial',
  'halfyearly',
  'yearly',
];

/** The benefit calculation the project promised (from the application's nyttokalkyl). */
export interface BenefitPlan {
  yearlyEffectSek?: number;
  yearlyEffectHours?: number;
  realisationPlan: string;
  realisationOwner?: string;
}

/**
 * A funded project: created from a decision (the allocation helper calls
 * `createProjectFromDecision`), followed up with status reports on its schedule, a final report
 * at its end date and the benefit-realisation follow-up one year after that (002 §7.4 Styrning 5).
 */
export interface ProjectDoc {
  _id: string;
  applicationId: string;
  regNo: string;
  title: string;
  /** The applicant (AAD object id), who reports. */
  ownerId: string;
  ownerName?: string;
  portfolioId: string;
  grantedSek: number;
  /** ISO dates (Stockholm calendar). */
  startDate: string;
  endDate: string;
  reportEvery: ReportEvery;
  decisionDate: string;
  decisionId?: string;
  benefitPlan: BenefitPlan;
  /** Where an overdue report escalates; defaults to the portfolio's review channel. */
  reviewChannelId?: string;
  /** The application's thread in that channel, if any: escalations reply there. */
  threadId?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type ReportKind = 'status' | 'final' | 'benefit';

/** The project's own judgement of how it is going. */
export type ReportHealth = 'on_track' | 'at_risk' | 'off_track';

export const REPORT_HEALTH: readonly ReportHealth[] = ['on_track', 'at_risk', 'off_track'];

/** One report the project owes: a period of its schedule with its due date. */
export interface ReportDue {
  /** 'status-2027-Q1', 'final', 'benefit'. */
  period: string;
  kind: ReportKind;
  /** ISO date the report is due (the period's last day; the end date; a year after it). */
  dueDate: string;
}

/** A report as submitted, stored against the project (one per period; a correction replaces it, audited). */
export interface ReportDoc {
  _id: string;
  projectId: string;
  period: string;
  kind: ReportKind;
  dueDate: string;
  health: ReportHealth;
  /** Money spent so far (status/final) or in total (benefit follow-up), kr. */
  spentSek: number;
  milestones: string;
  /** Benefit realised per year so far, to set against the benefit calculation. */
  realisedEffectSek?: number;
  realisedEffectHours?: number;
  comment: string;
  submittedBy: string;
  submittedByName: string;
  submittedAt: string;
  version: number;
}

export const reportId = (projectId: string, period: string): string => `${projectId}:${period}`;

/** A project's id is derived from its application, so a repeated decision creates it once. */
export const projectIdFor = (applicationId: string): string => `project-${applicationId}`;
