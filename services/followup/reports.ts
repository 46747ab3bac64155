import { DateTime } from 'luxon';
import type { Services } from '../services';
import { Actor } from '../shared/actor';
import { MAX_AMOUNT_SEK, parseSek } from '../shared/amount';
import { DomainError } from '../shared/domain-error';
import { checkText } from '../shared/text';
import { ProjectDoc, REPORT_HEALTH, ReportDoc, ReportDue, ReportHealth, reportId } from './project';
import { notifyReportSubmitted } from './report-notices';
import { reportSchedule, stockholmDate } from './report-schedule';

/** A report may be sent this many days before it is due (e.g. a final report the week before the end). */
export const EARLY_REPORT_DAYS = 14;

export const REPORT_LIMITS = { milestones: 2000, comment: 2000 } as const;

/** The reports a project owes, without status periods that ended before the decision. */
export function scheduleOf(project: ProjectDoc): ReportDue[] {
  return reportSchedule(project).filter(
    (r) => r.kind !== 'status' || r.dueDate >= project.decisionDate,
  );
}

/** A report the user can send now, or the next one coming. */
export interface OwedReport {
  project: ProjectDoc;
  due: ReportDue;
}

const openFrom = (today: string): string =>
  DateTime.fromISO(today).plus({ days: EARLY_REPORT_DAYS }).toISODate() as string;

/**
 * The reports a person owes now (due, or due within two weeks) and unsent, oldest first; and
 * the next one coming per project, for "nothing due" answers.
 */
export async function owedReports(
  s: Services,
  ownerId: string,
  now: Date,
): Promise<{ due: OwedReport[]; upcoming: OwedReport[]; projects: ProjectDoc[] }> {
  const projects = await s.followup.projects.byOwner(ownerId);
  const today = stockholmDate(now);
  const limit = openFrom(today);
  const due: OwedReport[] = [];
  const upcoming: OwedReport[] = [];
  for (const project of projects) {
    const sent = new Set((await s.followup.reports.forProject(project._id)).map((r) => r.period));
    const open = scheduleOf(project).filter((d) => !sent.has(d.period));
    for (const d of open.filter((x) => x.dueDate <= limit)) due.push({ project, due: d });
    const next = open.find((x) => x.dueDate > limit);
    if (next) upcoming.push({ project, due: next });
  }
  due.sort((a, b) => a.due.dueDate.localeCompare(b.due.dueDate));
  upcoming.sort((a, b) => a.due.dueDate.localeCompare(b.due.dueDate));
  return { due, upcoming, projects };
}

/** What the report card needs: the project, the period, the earlier version (to correct) and the previous report. */
export interface ReportContext {
  project: ProjectDoc;
  due: ReportDue;
  existing: ReportDoc | null;
  previous: ReportDoc | null;
}

/** Loads a report for its owner (or an admin), refusing periods not in the plan or not open yet. */
export async function reportContext(
  s: Services,
  actor: Actor,
  projectId: string,
  period: string,
): Promise<ReportContext> {
  const project = await s.followup.projects.get(projectId);
  if (!project) throw new DomainError('not_found', 'project not found');
  if (
    project.ownerId !== actor.aadObjectId &&
    !(await s.users.hasRole(actor.aadObjectId, 'admin'))
  ) {
    throw new DomainError('forbidden', 'not the project owner');
  }
  const schedule = scheduleOf(project);
  const due = schedule.find((d) => d.period === period);
  if (!due) throw new DomainError('not_found', `no report ${period} in the plan`);
  if (due.dueDate > openFrom(stockholmDate(s.clock())))
    throw new DomainError('invalid_state', 'report not open yet', { status: 'not_due' });
  const reports = await s.followup.reports.forProject(projectId);
  const existing = reports.find((r) => r.period === period) ?? null;
  const previous = reports.filter((r) => r.dueDate < due.dueDate).pop() ?? null;
  return { project, due, existing, previous };
}

/** One field the user must fix, as a code the card renders. */
export interface ReportIssue {
  field: string;
  code:
    | 'required'
    | 'choose'
    | 'amount'
    | 'amountTooLarge'
    | 'hours'
    | 'tooLong'
    | 'commentRequired'
    | 'benefitRequired';
  params?: Record<string, number>;
}

export type SubmitReportResult =
  | { ok: true; report: ReportDoc; updated: boolean }
  | { ok: false; errors: ReportIssue[]; values: Record<string, string> };

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

function parseHours(raw: string): number | 'invalid' | undefined {
  const t = raw.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (t === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(t)) return 'invalid';
  const n = Number(t);
  return n > 10_000_000 ? 'invalid' : Math.round(n);
}

/**
 * Validates and stores a report against its project. A second report for the same period
 * replaces the first (a correction) and both versions are in the audit log. Returns the field
 * errors instead when something must be fixed; what was typed comes back to the card.
 */
export async function submitReport(
  s: Services,
  actor: Actor,
  projectId: string,
  period: string,
  raw: Record<string, unknown>,
  activityId?: string,
): Promise<SubmitReportResult> {
  const ctx = await reportContext(s, actor, projectId, period);
  const { project, due } = ctx;
  const values: Record<string, string> = {};
  for (const k of ['health', 'spent', 'milestones', 'realisedSek', 'realisedHours', 'comment'])
    values[k] = str(raw[k]);
  const errors: ReportIssue[] = [];
  const benefit = due.kind === 'benefit';

  const health = values.health as ReportHealth;
  if (!REPORT_HEALTH.includes(health))
    errors.push({ field: 'health', code: values.health ? 'choose' : 'required' });

  let spentSek = 0;
  const spent = parseSek(values.spent);
  if (!spent.ok)
    errors.push({
      field: 'spent',
      code:
        spent.error === 'empty'
          ? 'required'
          : spent.error === 'too_large'
            ? 'amountTooLarge'
            : 'amount',
    });
  else spentSek = spent.value;

  const milestones = checkText(values.milestones, {
    required: !benefit,
    max: REPORT_LIMITS.milestones,
  });
  if (!milestones.ok) {
    errors.push(
      milestones.error === 'too_long'
        ? {
            field: 'milestones',
            code: 'tooLong',
            params: {
              length: Array.from(values.milestones.trim()).length,
              max: REPORT_LIMITS.milestones,
            },
          }
        : { field: 'milestones', code: 'required' },
    );
  }

  let realisedEffectSek: number | undefined;
  if (values.realisedSek.trim() !== '') {
    const r = parseSek(values.realisedSek);
    if (!r.ok)
      errors.push({
        field: 'realisedSek',
        code: r.error === 'too_large' ? 'amountTooLarge' : 'amount',
      });
    else if (r.value > MAX_AMOUNT_SEK)
      errors.push({ field: 'realisedSek', code: 'amountTooLarge' });
    else realisedEffectSek = r.value;
  }
  let realisedEffectHours: number | undefined;
  const hours = parseHours(values.realisedHours);
  if (hours === 'invalid') errors.push({ field: 'realisedHours', code: 'hours' });
  else realisedEffectHours = hours;
  if (benefit && values.realisedSek.trim() === '' && values.realisedHours.trim() === '') {
    errors.push({ field: 'realisedSek', code: 'benefitRequired' });
  }

  const needComment = health === 'at_risk' || health === 'off_track';
  const comment = checkText(values.comment, { required: needComment, max: REPORT_LIMITS.comment });
  if (!comment.ok) {
    errors.push(
      comment.error === 'too_long'
        ? {
            field: 'comment',
            code: 'tooLong',
            params: {
              length: Array.from(values.comment.trim()).length,
              max: REPORT_LIMITS.comment,
            },
          }
        : { field: 'comment', code: 'commentRequired' },
    );
  }
  if (errors.length > 0) return { ok: false, errors, values };

  const now = s.clock();
  const existing = ctx.existing;
  const doc: ReportDoc = {
    _id: reportId(project._id, period),
    projectId: project._id,
    period,
    kind: due.kind,
    dueDate: due.dueDate,
    health,
    spentSek,
    milestones: milestones.ok ? milestones.value : '',
    realisedEffectSek,
    realisedEffectHours,
    comment: comment.ok ? comment.value : '',
    submittedBy: actor.aadObjectId,
    submittedByName: actor.name,
    submittedAt: now.toISOString(),
    version: (existing?.version ?? 0) + 1,
  };
  const saved = await s.followup.reports.save(doc, existing ? existing.version : null);
  if (!saved)
    throw new DomainError('conflict', 'the report was changed at the same time; open it again');
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: existing ? 'project.report_updated' : 'project.report_submitted',
    entityType: 'project',
    entityId: project._id,
    before: existing ?? undefined,
    after: doc,
    activityId,
  });
  await notifyReportSubmitted(s, project, doc);
  return { ok: true, report: doc, updated: !!existing };
}
