import { notifyOffice } from '../notifications/notify-office';
import type { Services } from '../services';
import { OFFICE_CHANNEL, OfficeChannelSetting } from '../settings/settings-repository';
import { ProjectDoc, ReportDoc } from './project';

/** Outbox card templates for a submitted report (rendered in cards/followup-cards.ts). */
export const REPORT_OFFICE_TEMPLATE = 'followup-report-office';
export const REPORT_THREAD_TEMPLATE = 'followup-report-thread';

/** What the office and the review group see of a submitted report. */
export interface ReportNoticeModel {
  projectId: string;
  regNo: string;
  title: string;
  kind: ReportDoc['kind'];
  period: string;
  version: number;
  ownerName: string;
  submittedAt: string;
  health: ReportDoc['health'];
  spentSek: number;
  grantedSek: number;
  milestones: string;
  comment: string;
  realisedSek?: number;
  realisedHours?: number;
  plannedSek?: number;
  plannedHours?: number;
}

/** The longest free text copied into a notice (the full report stays with the project). */
const MAX_TEXT = 600;
const clipText = (t: string): string => (t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t);

/**
 * Tells the project office that a status, final or benefit report arrived (in its channel, else
 * each admin), with the realised benefit against the plan, and puts a line in the funded item's
 * thread in the review channel. Each version of a report is told once: the ids are derived from
 * it, so a retried turn queues nothing twice.
 */
export async function notifyReportSubmitted(
  s: Services,
  project: ProjectDoc,
  report: ReportDoc,
): Promise<void> {
  const model: ReportNoticeModel = {
    projectId: project._id,
    regNo: project.regNo,
    title: project.title,
    kind: report.kind,
    period: report.period,
    version: report.version,
    ownerName: report.submittedByName || project.ownerName || '',
    submittedAt: report.submittedAt,
    health: report.health,
    spentSek: report.spentSek,
    grantedSek: project.grantedSek,
    milestones: clipText(report.milestones),
    comment: clipText(report.comment),
    ...(report.realisedEffectSek !== undefined ? { realisedSek: report.realisedEffectSek } : {}),
    ...(report.realisedEffectHours !== undefined
      ? { realisedHours: report.realisedEffectHours }
      : {}),
    ...(project.benefitPlan.yearlyEffectSek
      ? { plannedSek: project.benefitPlan.yearlyEffectSek }
      : {}),
    ...(project.benefitPlan.yearlyEffectHours
      ? { plannedHours: project.benefitPlan.yearlyEffectHours }
      : {}),
  };
  const effect = `report-submitted:${report._id}:v${report.version}`;
  await notifyOffice(s, effect, {
    card: { template: REPORT_OFFICE_TEMPLATE, model: { ...model } },
  });

  // The review channel: in the funded item's thread when it is known (as escalations do).
  const portfolio = await s.portfolios.get(project.portfolioId);
  const channelId = project.reviewChannelId ?? portfolio?.reviewChannelId;
  if (!channelId) return;
  const office = await s.settings.get<OfficeChannelSetting>(OFFICE_CHANNEL);
  const threadId = project.threadId;
  // Without a thread, a review channel that is also the office's would only get the same news twice.
  if (!threadId && channelId === office?.channelId) return;
  await s.outbox.enqueue(
    `${effect}:review`,
    { kind: 'channel', channelId, ...(threadId ? { threadId } : {}) },
    { card: { template: REPORT_THREAD_TEMPLATE, model: { ...model } } },
    s.clock(),
  );
}
