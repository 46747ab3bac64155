import { DateTime } from 'luxon';
import type { Services } from '../services';
import { DomainError } from '../shared/domain-error';
import { BenefitPlan, ProjectDoc, projectIdFor, REPORT_EVERY, ReportEvery } from './project';
import { reportSchedule } from './report-schedule';

/** What a decision says about a funded project (the allocation area fills it in). */
export interface CreateProjectInput {
  applicationId: string;
  /** Granted amount in whole kronor. */
  grantedSek: number;
  /** ISO date of the decision. */
  decisionDate: string;
  /** The decision record's id, for the trail. */
  decisionId?: string;
  /** Who decided (audit); the system when absent. */
  decidedBy?: { aadObjectId: string; name?: string };
  /** Default quarterly. */
  reportEvery?: ReportEvery;
  /** Override the application's dates (e.g. a later start decided). */
  startDate?: string;
  endDate?: string;
  /** Where overdue reports escalate; default the portfolio's review channel. */
  reviewChannelId?: string;
  /** The application's thread there (the review card), for escalations as replies. */
  threadId?: string;
  activityId?: string;
}

const isIsoDate = (v: string | undefined): v is string =>
  !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid;

/**
 * Creates the funded project for a decided application, once: a repeated call (a retried turn,
 * a second instance) returns the existing project and changes nothing. Copies the benefit
 * calculation to follow it up, audits the creation and tells the applicant how and when to
 * report.
 */
export async function createProjectFromDecision(
  s: Services,
  input: CreateProjectInput,
): Promise<ProjectDoc> {
  const existing = await s.followup.projects.byApplication(input.applicationId);
  if (existing) return existing;
  const app = await s.applications.get(input.applicationId);
  if (!app) throw new DomainError('not_found', `application ${input.applicationId} not found`);
  if (!app.data || !app.regNo || ['draft', 'withdrawn', 'rejected'].includes(app.status)) {
    throw new DomainError(
      'invalid_state',
      `application ${input.applicationId} cannot become a project`,
      { status: app.status },
    );
  }
  if (!Number.isInteger(input.grantedSek) || input.grantedSek <= 0) {
    throw new DomainError('invalid_input', 'grantedSek must be a positive whole number of kronor');
  }
  const startDate = input.startDate ?? app.data.startDate;
  const endDate = input.endDate ?? app.data.endDate;
  if (
    !isIsoDate(startDate) ||
    !isIsoDate(endDate) ||
    endDate < startDate ||
    !isIsoDate(input.decisionDate)
  ) {
    throw new DomainError('invalid_input', 'project dates must be ISO dates with start ≤ end');
  }
  const reportEvery = input.reportEvery ?? 'quarterly';
  if (!REPORT_EVERY.includes(reportEvery))
    throw new DomainError('invalid_input', `unknown reporting schedule ${reportEvery}`);
  const now = s.clock();
  const benefitPlan: BenefitPlan = {
    yearlyEffectSek: app.data.yearlyEffectSek,
    yearlyEffectHours: app.data.yearlyEffectHours,
    realisationPlan: app.data.realisationPlan ?? '',
    realisationOwner: app.data.realisationOwner,
  };
  const doc: ProjectDoc = {
    _id: projectIdFor(app._id),
    applicationId: app._id,
    regNo: app.regNo,
    title: app.data.title,
    ownerId: app.ownerId.toLowerCase(),
    ownerName: app.ownerName,
    portfolioId: app.data.portfolioId,
    grantedSek: input.grantedSek,
    startDate,
    endDate,
    reportEvery,
    decisionDate: input.decisionDate,
    decisionId: input.decisionId,
    benefitPlan,
    reviewChannelId: input.reviewChannelId,
    threadId: input.threadId,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  if (!(await s.followup.projects.insert(doc))) {
    return (await s.followup.projects.byApplication(input.applicationId)) as ProjectDoc;
  }
  await s.audit.append({
    at: now.toISOString(),
    actorId: input.decidedBy?.aadObjectId ?? 'system:decision',
    actorName: input.decidedBy?.name,
    action: 'project.created',
    entityType: 'project',
    entityId: doc._id,
    after: {
      applicationId: doc.applicationId,
      regNo: doc.regNo,
      grantedSek: doc.grantedSek,
      startDate,
      endDate,
      reportEvery,
      decisionId: doc.decisionId,
    },
    activityId: input.activityId,
  });
  const schedule = reportSchedule(doc).filter(
    (r) => r.kind !== 'status' || r.dueDate >= doc.decisionDate,
  );
  await s.outbox.enqueue(
    `project-created:${doc._id}`,
    { kind: 'user', aadObjectId: doc.ownerId },
    {
      card: {
        template: 'followup-project-created',
        model: {
          projectId: doc._id,
          regNo: doc.regNo,
          title: doc.title,
          grantedSek: doc.grantedSek,
          startDate,
          endDate,
          reportEvery,
          firstReport: schedule[0]?.dueDate ?? endDate,
          benefitDate: schedule[schedule.length - 1].dueDate,
        },
      },
    },
    now,
  );
  return doc;
}
