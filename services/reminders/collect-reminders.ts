import { VERBS } from '../../cards/verbs';
import { dueCoachReminders } from '../coaching/coach-sla';
import { ProjectDoc, ReportDue } from '../followup/project';
import { reportSchedule, stockholmAt, stockholmDate } from '../followup/report-schedule';
import type { Services } from '../services';
import { OFFICE_CHANNEL, OfficeChannelSetting } from '../settings/settings-repository';
import { addWorkingDays, isWorkingDay, nextOfficeTime, OfficeHours } from '../shared/working-days';
import { ChannelReminder, PersonReminder } from './reminder';
import { MANDATORY_KINDS, ReminderKind, ReminderSettings } from './reminder-settings';
import { allocationReminderSource } from './allocation-source';
import { reviewReminderSource } from './review-source';

/** Everything the state says someone should be nudged about, due now or later. */
export interface CollectedReminders {
  person: PersonReminder[];
  channel: ChannelReminder[];
}

/** The first office moment on or after a Stockholm calendar day. */
export function officeStartOn(isoDate: string, hours: OfficeHours): Date {
  return nextOfficeTime(stockholmAt(isoDate, '00:00'), hours);
}

/** The office start of the last working day on or before a Stockholm calendar day. */
function officeStartOnOrBefore(isoDate: string, hours: OfficeHours): Date {
  let day = stockholmAt(isoDate, '12:00');
  while (!isWorkingDay(day)) day = new Date(day.getTime() - 86_400_000);
  return stockholmAt(stockholmDate(day), hours.start);
}

const iso = (d: Date): string => d.toISOString();

function person(
  kind: ReminderKind,
  recipientId: string,
  key: string,
  series: string,
  dueAt: Date,
  params: PersonReminder['params'],
  action?: PersonReminder['action'],
): PersonReminder {
  return {
    key,
    series,
    kind,
    recipientId: recipientId.toLowerCase(),
    dueAt: iso(dueAt),
    params,
    action,
    mandatory: MANDATORY_KINDS.has(kind),
  };
}

/** Reads every source and computes the reminders; deterministic for a given state and time. */
export async function collectReminders(s: Services, now: Date): Promise<CollectedReminders> {
  const settings = s.reminders.settings;
  const out: CollectedReminders = { person: [], channel: [] };
  const on = (k: ReminderKind): boolean => settings.enabled[k];
  await collectApplications(s, settings, out);
  if (on('vote') || on('voteChair')) await collectVotes(s, settings, now, out);
  if (on('coachSla')) {
    // Coaching (issue 5) computes its SLA reminders itself: thread replies in the coach channel.
    for (const r of await dueCoachReminders(s, now)) {
      if (r.target.kind !== 'channel' || !r.payload.card) continue;
      out.channel.push({
        id: r.id,
        kind: 'coachSla',
        channelId: r.target.channelId,
        teamId: r.target.teamId,
        threadId: r.target.threadId,
        dueAt: iso(r.notBefore),
        card: {
          template: r.payload.card.template,
          model: r.payload.card.model as Record<string, unknown>,
        },
        summary: `${r.questionId} (${r.round})`,
        external: true,
      });
    }
  }
  if (on('allocation')) {
    const source = s.reminders.sources.allocation ?? allocationReminderSource(s);
    const portfolios = await s.portfolios.all();
    for (const a of await source.pendingAllocations(now)) {
      const p = portfolios.find((x) => x._id === a.portfolioId);
      const due = nextOfficeTime(
        addWorkingDays(a.since, settings.allocationDays),
        settings.officeHours,
      );
      for (const dm of a.decisionMakerIds) {
        const key = `allocation:${a.key}:${a.state}:${dm.toLowerCase()}`;
        out.person.push(
          person('allocation', dm, key, key, due, {
            portfolioSv: p?.name.sv ?? a.portfolioId,
            portfolioEn: p?.name.en ?? a.portfolioId,
            state: a.state,
            since: stockholmDate(a.since),
          }),
        );
      }
    }
  }
  await collectProjects(s, settings, out);
  if (on('survey')) await collectSurveys(s, settings, now, out);
  return out;
}

async function collectApplications(
  s: Services,
  settings: ReminderSettings,
  out: CollectedReminders,
): Promise<void> {
  if (!settings.enabled.draftIdle && !settings.enabled.completion) return;
  const apps = await s.applications.find({ status: { $in: ['draft', 'completion_requested'] } });
  for (const app of apps) {
    const updated = new Date(app.updatedAt);
    const title = (app.data?.title ?? app.inputs.title ?? '').trim();
    const action = { verb: VERBS.applicationContinue, data: { appId: app._id } };
    if (app.status === 'draft' && settings.enabled.draftIdle) {
      const due = nextOfficeTime(
        addWorkingDays(updated, settings.draftIdleDays),
        settings.officeHours,
      );
      const key = `draftIdle:${app._id}:${app.updatedAt}`;
      out.person.push(
        person(
          'draftIdle',
          app.ownerId,
          key,
          key,
          due,
          { title, since: stockholmDate(updated) },
          action,
        ),
      );
    }
    if (app.status === 'completion_requested' && settings.enabled.completion) {
      const due = nextOfficeTime(
        addWorkingDays(updated, settings.completionDays),
        settings.officeHours,
      );
      const key = `completion:${app._id}:${app.updatedAt}`;
      out.person.push(
        person(
          'completion',
          app.ownerId,
          key,
          key,
          due,
          { title, regNo: app.regNo ?? '', since: stockholmDate(updated) },
          action,
        ),
      );
    }
  }
}

async function collectVotes(
  s: Services,
  settings: ReminderSettings,
  now: Date,
  out: CollectedReminders,
): Promise<void> {
  const source = s.reminders.sources.review ?? reviewReminderSource(s, settings.officeHours);
  const hours = settings.officeHours;
  for (const item of await source.openItems(now)) {
    const deadlineDay = stockholmDate(item.deadline);
    const title = item.title ?? (await s.applications.get(item.appId))?.data?.title ?? '';
    const params = { title, regNo: item.regNo ?? '', deadline: deadlineDay };
    if (settings.enabled.vote && now < item.deadline) {
      const onTheDay = officeStartOnOrBefore(deadlineDay, hours);
      const early =
        settings.voteLeadDays > 0
          ? stockholmAt(
              stockholmDate(addWorkingDays(onTheDay, -settings.voteLeadDays)),
              hours.start,
            )
          : null;
      for (const member of item.memberIdsNotVoted) {
        const series = `vote:${item.appId}:${member.toLowerCase()}:${deadlineDay}`;
        if (early && early < onTheDay)
          out.person.push(
            person('vote', member, `${series}:early`, series, early, { ...params, stage: 1 }),
          );
        out.person.push(
          person(
            'vote',
            member,
            `${series}:day`,
            series,
            onTheDay < item.deadline ? onTheDay : item.deadline,
            { ...params, stage: 2 },
          ),
        );
      }
    }
    if (settings.enabled.voteChair && item.memberIdsNotVoted.length > 0) {
      const names: string[] = [];
      for (const id of item.memberIdsNotVoted.slice(0, 12))
        names.push((await s.users.get(id))?.name ?? id);
      const due = nextOfficeTime(item.deadline, hours);
      for (const chair of item.chairIds) {
        const key = `voteChair:${item.appId}:${chair.toLowerCase()}:${deadlineDay}`;
        out.person.push(
          person('voteChair', chair, key, key, due, {
            ...params,
            count: item.memberIdsNotVoted.length,
            names: names.join(', ') + (item.memberIdsNotVoted.length > names.length ? ' …' : ''),
          }),
        );
      }
    }
  }
}

const REPORT_KIND: Record<ReportDue['kind'], ReminderKind> = {
  status: 'statusReport',
  final: 'finalReport',
  benefit: 'benefitFollowup',
};

/** Reminder keys of a report's two reminders (the ledger is read for the escalation). */
export const reportReminderKey = (projectId: string, period: string, stage: 1 | 2): string =>
  `report:${projectId}:${period}:r${stage}`;

async function collectProjects(
  s: Services,
  settings: ReminderSettings,
  out: CollectedReminders,
): Promise<void> {
  const projects = await s.followup.projects.all();
  if (projects.length === 0) return;
  const submitted = new Set((await s.followup.reports.all()).map((r) => r._id));
  const portfolios = await s.portfolios.all();
  const office = await s.settings.get<OfficeChannelSetting>(OFFICE_CHANNEL);
  const hours = settings.officeHours;
  const pending: { project: ProjectDoc; due: ReportDue; r2: Date }[] = [];
  for (const project of projects) {
    for (const due of reportSchedule(project)) {
      if (submitted.has(`${project._id}:${due.period}`)) continue;
      if (due.kind === 'status' && due.dueDate < project.decisionDate) continue;
      const kind = REPORT_KIND[due.kind];
      if (!settings.enabled[kind]) continue;
      const r1 = officeStartOn(due.dueDate, hours);
      const r2 = nextOfficeTime(addWorkingDays(r1, settings.reportGapDays), hours);
      const series = `report:${project._id}:${due.period}`;
      const params = {
        title: project.title,
        regNo: project.regNo,
        period: due.period,
        dueDate: due.dueDate,
      };
      const action = {
        verb: VERBS.followupReportOpen,
        data: { projectId: project._id, period: due.period },
      };
      out.person.push(
        person(
          kind,
          project.ownerId,
          reportReminderKey(project._id, due.period, 1),
          series,
          r1,
          { ...params, stage: 1 },
          action,
        ),
      );
      out.person.push(
        person(
          kind,
          project.ownerId,
          reportReminderKey(project._id, due.period, 2),
          series,
          r2,
          { ...params, stage: 2 },
          action,
        ),
      );
      pending.push({ project, due, r2 });
    }
  }
  if (!settings.enabled.reportEscalation) return;
  // Escalate only after two reminders really went out: counted from when the second was delivered.
  const ledger = await s.reminders.ledger.getMany(
    pending.map((p) => reportReminderKey(p.project._id, p.due.period, 2)),
  );
  for (const { project, due } of pending) {
    const second = ledger.get(reportReminderKey(project._id, due.period, 2));
    if (!second?.digestId) continue;
    const portfolio = portfolios.find((p) => p._id === project.portfolioId);
    const channelId = project.reviewChannelId ?? portfolio?.reviewChannelId ?? office?.channelId;
    if (!channelId) continue;
    const threadId =
      project.threadId && channelId === (project.reviewChannelId ?? portfolio?.reviewChannelId)
        ? project.threadId
        : undefined;
    const at = nextOfficeTime(
      addWorkingDays(new Date(second.claimedAt), settings.reportGapDays),
      hours,
    );
    out.channel.push({
      id: `report-escalation:${project._id}:${due.period}`,
      kind: 'reportEscalation',
      channelId,
      teamId: channelId === office?.channelId ? office.teamId : undefined,
      threadId,
      dueAt: iso(at),
      card: {
        template: 'followup-report-escalation',
        model: {
          projectId: project._id,
          regNo: project.regNo,
          title: project.title,
          period: due.period,
          kind: due.kind,
          dueDate: due.dueDate,
          ownerName: project.ownerName ?? '',
          grantedSek: project.grantedSek,
        },
      },
      summary: `${project.regNo} ${due.period} → ${channelId}`,
    });
  }
}

async function collectSurveys(
  s: Services,
  settings: ReminderSettings,
  now: Date,
  out: CollectedReminders,
): Promise<void> {
  const year = Number(stockholmDate(now).slice(0, 4));
  const byChannel = new Map<string, { number: number; sv: string; en: string }[]>();
  for (const p of await s.portfolios.all()) {
    if (!p.reviewChannelId) continue;
    byChannel.set(p.reviewChannelId, [
      ...(byChannel.get(p.reviewChannelId) ?? []),
      { number: p.number, sv: p.name.sv, en: p.name.en },
    ]);
  }
  const due = officeStartOn(`${year}-${settings.surveyDate}`, settings.officeHours);
  for (const [channelId, portfolios] of byChannel) {
    const surveyId = `${year}:${channelId}`;
    out.channel.push({
      id: `survey:${channelId}:${year}`,
      kind: 'survey',
      channelId,
      dueAt: iso(due),
      card: { template: 'followup-survey', model: { surveyId, year, channelId, portfolios } },
      summary: `${year} → ${channelId} (${portfolios.map((p) => p.number).join(', ')})`,
    });
  }
}
