import { DateTime } from 'luxon';
import { ProjectDoc, REPORT_HEALTH, ReportDoc, ReportEvery } from '../services/followup/project';
import {
  REPORT_OFFICE_TEMPLATE,
  REPORT_THREAD_TEMPLATE,
} from '../services/followup/report-notices';
import { OwedReport, ReportContext, ReportIssue } from '../services/followup/reports';
import { SURVEY_QUESTIONS } from '../services/followup/survey';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { STOCKHOLM_ZONE } from '../services/shared/dates';
import { messageCard } from './application-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, formatCount } from './strings';
import { FollowupStrings, fs } from './strings/followup-strings';
import { VERBS } from './verbs';

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
const esc = (v: unknown): string => escapeMarkdown(str(v));

/** A report period in words: 'status-2027-Q1' → "kvartal 1 2027", 'final' → "slutrapport". */
export function periodLabel(period: string, locale: Locale): string {
  const t = fs(locale).period;
  if (period === 'final') return t.final;
  if (period === 'benefit') return t.benefit;
  const m = /^status-(\d{4})(?:-(Q|T|H)(\d)|-(\d{2}))?$/.exec(period);
  if (!m) return period;
  const [, year, kind, n, month] = m;
  if (kind === 'Q') return fmt(t.quarter, { n, year });
  if (kind === 'T') return fmt(t.tertial, { n, year });
  if (kind === 'H') return fmt(t.half, { n, year });
  if (month) return fmt(t.month, { month: fs(locale).months[Number(month) - 1], year });
  return fmt(t.year, { year });
}

/** An instant as people read it in Stockholm: "måndag 2027-03-08 09:00". */
export function formatWhen(iso: string, locale: Locale): string {
  const d = DateTime.fromISO(iso, { zone: STOCKHOLM_ZONE }).setLocale(
    locale === 'en' ? 'en-GB' : 'sv-SE',
  );
  return `${d.toFormat('cccc')} ${d.toFormat('yyyy-MM-dd HH:mm')}`;
}

function reportTitle(kind: string, title: string, locale: Locale): string {
  const t = fs(locale).report;
  const template =
    kind === 'final' ? t.titleFinal : kind === 'benefit' ? t.titleBenefit : t.titleStatus;
  return fmt(template, { title: escapeMarkdown(clip(title, 120)) });
}

function issueText(issue: ReportIssue | undefined, locale: Locale): string {
  if (!issue) return '';
  return fmt(fs(locale).report.errors[issue.code], issue.params);
}

/** The report form for one period: what was granted and promised, and the fields to fill in. */
export function reportFormCard(
  locale: Locale,
  ctx: ReportContext,
  opts: { values?: Record<string, string>; errors?: ReportIssue[] } = {},
): AdaptiveCard {
  const t = fs(locale).report;
  const { project, due, existing, previous } = ctx;
  const benefit = due.kind === 'benefit';
  const base: Record<string, string> = existing
    ? {
        health: existing.health,
        spent: String(existing.spentSek),
        milestones: existing.milestones,
        realisedSek:
          existing.realisedEffectSek !== undefined ? String(existing.realisedEffectSek) : '',
        realisedHours:
          existing.realisedEffectHours !== undefined ? String(existing.realisedEffectHours) : '',
        comment: existing.comment,
      }
    : {};
  const values = { ...base, ...(opts.values ?? {}) };
  const errors = opts.errors ?? [];
  const err = (field: string): string =>
    issueText(
      errors.find((e) => e.field === field),
      locale,
    );
  const plan = project.benefitPlan;
  const facts = [
    { title: t.granted, value: formatSek(project.grantedSek, locale) },
    {
      title: t.planSek,
      value: plan.yearlyEffectSek !== undefined ? formatSek(plan.yearlyEffectSek, locale) : '',
    },
    {
      title: t.planHours,
      value: plan.yearlyEffectHours !== undefined ? String(plan.yearlyEffectHours) : '',
    },
    { title: t.plan, value: escapeMarkdown(clip(plan.realisationPlan, 300)) },
    {
      title: t.previous,
      value: previous
        ? `${periodLabel(previous.period, locale)}: ${fs(locale).health[previous.health]}, ${formatSek(previous.spentSek, locale)}`
        : '',
    },
  ].filter((f) => f.value !== '');
  const needComment = values.health === 'at_risk' || values.health === 'off_track';
  const field = (id: string, kind: string, label: string, hint = '') => ({
    id,
    kind,
    label,
    value: values[id] ?? '',
    hint,
    error: err(id),
    choices: [] as { title: string; value: string }[],
  });
  const fields = [
    {
      ...field('health', 'choice', t.healthLabel),
      choices: REPORT_HEALTH.map((h) => ({ title: fs(locale).health[h], value: h })),
    },
    field('spent', 'text', t.spentLabel, t.spentHint),
    field('milestones', 'multiline', benefit ? t.milestonesLabelBenefit : t.milestonesLabel),
    field(
      'realisedSek',
      'text',
      benefit ? t.realisedSekLabelBenefit : t.realisedSekLabel,
      t.spentHint,
    ),
    field('realisedHours', 'text', t.realisedHoursLabel, t.hoursHint),
    field('comment', 'multiline', needComment ? t.commentLabelRequired : t.commentLabel),
  ];
  return renderTemplate('followup-form', {
    title: reportTitle(due.kind, project.title, locale),
    subtitle: fmt(t.periodLine, {
      regNo: project.regNo,
      period: periodLabel(due.period, locale),
      dueDate: due.dueDate,
    }),
    intro: due.kind === 'final' ? t.introFinal : benefit ? t.introBenefit : t.introStatus,
    notice: '',
    errorSummary: errors.length > 0 ? fmt(t.fixCount, { count: errors.length }) : '',
    facts,
    fields,
    actions: [
      {
        title: t.submit,
        verb: VERBS.followupReportSubmit,
        style: 'positive',
        data: { projectId: project._id, period: due.period },
      },
    ],
  });
}

/** After a report was stored: what was saved, how it compares with the plan, and what is next. */
export function reportThanksCard(
  locale: Locale,
  project: ProjectDoc,
  report: ReportDoc,
  updated: boolean,
  moreDue: number,
): AdaptiveCard {
  const t = fs(locale).report;
  const lines: { text: string; color?: string }[] = [
    {
      text: fmt(updated ? t.updatedBody : t.thanksBody, {
        period: periodLabel(report.period, locale),
        title: escapeMarkdown(project.title),
        at: formatWhen(report.submittedAt, locale),
      }),
    },
  ];
  if (report.spentSek > project.grantedSek) {
    lines.push({
      text: fmt(t.overspent, {
        spent: formatSek(report.spentSek, locale),
        granted: formatSek(project.grantedSek, locale),
      }),
      color: 'Warning',
    });
  }
  const planned = project.benefitPlan.yearlyEffectSek;
  if (planned && report.realisedEffectSek !== undefined) {
    lines.push({
      text: fmt(t.benefitVs, {
        realised: formatSek(report.realisedEffectSek, locale),
        planned: formatSek(planned, locale),
        percent: Math.round((report.realisedEffectSek / planned) * 100),
      }),
    });
  }
  if (moreDue > 0) lines.push({ text: fmt(t.moreDue, { count: moreDue }) });
  return messageCard({
    title: t.thanksTitle,
    lines,
    facts: [
      {
        title: fs(locale).report.healthLabel.replace(' *', ''),
        value: fs(locale).health[report.health],
      },
      { title: t.spentLabel.replace(' *', ''), value: formatSek(report.spentSek, locale) },
    ],
    actions:
      moreDue > 0 ? [{ title: t.next, verb: VERBS.followupReportOpen, style: 'positive' }] : [],
  });
}

/** Projects named on the "nothing due" card; an office account may have hundreds. */
const PROJECT_LINES_SHOWN = 15;

/** `rapport` when nothing is due: what comes next, per project (the first 15, then how many more). */
export function noReportDueCard(
  locale: Locale,
  owed: { upcoming: OwedReport[]; projects: ProjectDoc[] },
): AdaptiveCard {
  const t = fs(locale).report;
  const lines: { text: string }[] = [];
  if (owed.projects.length === 0) lines.push({ text: t.noProjects });
  const nextOf = new Map(owed.upcoming.map((u) => [u.project._id, u]));
  for (const p of owed.projects.slice(0, PROJECT_LINES_SHOWN)) {
    const next = nextOf.get(p._id);
    const title = escapeMarkdown(clip(p.title, 120));
    lines.push({
      text: next
        ? fmt(t.nextDue, {
            period: periodLabel(next.due.period, locale),
            title,
            dueDate: next.due.dueDate,
          })
        : fmt(t.allDone, { title }),
    });
  }
  if (owed.projects.length > PROJECT_LINES_SHOWN)
    lines.push({
      text: fmt(fs(locale).dryRun.more, { count: owed.projects.length - PROJECT_LINES_SHOWN }),
    });
  return messageCard({ title: t.noneDueTitle, lines });
}

/**
 * The yearly survey as posted in a review channel, and as shown again after an answer (empty,
 * with a neutral notice: whether Teams shows the answer's card to the one who clicked or to the
 * whole channel, nobody else's answers are on it and others can still answer).
 */
export function surveyCard(
  model: Record<string, unknown>,
  locale: Locale,
  opts: { values?: Record<string, string>; missing?: string[]; notice?: string } = {},
): AdaptiveCard {
  const t = fs(locale).survey;
  const portfolios = Array.isArray(model.portfolios)
    ? (model.portfolios as { number?: unknown; sv?: unknown; en?: unknown }[])
    : [];
  const names = portfolios
    .map((p) => `${str(p.number)}. ${esc(locale === 'en' ? p.en : p.sv)}`)
    .join('; ');
  const values = opts.values ?? {};
  const scale = Object.entries(t.scale).map(([value, title]) => ({ title, value }));
  const fields: {
    id: string;
    kind: string;
    label: string;
    value: string;
    hint: string;
    error: string;
    choices: { title: string; value: string }[];
  }[] = SURVEY_QUESTIONS.map((q) => ({
    id: q as string,
    kind: 'choice',
    label: `${t.questions[q]} *`,
    value: values[q] ?? '',
    hint: '',
    error: opts.missing?.includes(q) ? fs(locale).report.errors.choose : '',
    choices: scale,
  }));
  fields.push({
    id: 'comment',
    kind: 'multiline',
    label: t.comment,
    value: values.comment ?? '',
    hint: '',
    error: '',
    choices: [],
  });
  return renderTemplate('followup-form', {
    title: fmt(t.title, { year: str(model.year) }),
    subtitle: names ? fmt(t.portfolios, { names }) : '',
    intro: t.intro,
    notice: opts.notice ?? '',
    errorSummary:
      opts.missing && opts.missing.length > 0 ? fmt(t.missing, { count: opts.missing.length }) : '',
    facts: [],
    fields,
    actions: [
      {
        title: t.submit,
        verb: VERBS.followupSurveyAnswer,
        style: 'positive',
        data: { surveyId: str(model.surveyId) },
      },
    ],
  });
}

/** Follow-up's outbox cards, rendered when sent in the recipient's language. */

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const REPORT_KINDS = ['status', 'final', 'benefit'] as const;
type NoticeKind = (typeof REPORT_KINDS)[number];
const kindOf = (v: unknown): NoticeKind => REPORT_KINDS.find((k) => k === v) ?? 'status';
const HEALTH_COLOR: Record<string, string> = {
  on_track: 'Good',
  at_risk: 'Warning',
  off_track: 'Attention',
};

/** Realised benefit against the benefit calculation, in kronor and hours: "900 000 kr av 1 200 000 kr (75 %)". */
export function benefitAgainstPlan(model: Record<string, unknown>, locale: Locale): string {
  const t = fs(locale).reportNotice;
  const parts: string[] = [];
  const realisedSek = num(model.realisedSek);
  const plannedSek = num(model.plannedSek);
  if (realisedSek !== undefined) {
    parts.push(
      plannedSek
        ? fmt(t.sekVsPlan, {
            realised: formatSek(realisedSek, locale),
            planned: formatSek(plannedSek, locale),
            percent: Math.round((realisedSek / plannedSek) * 100),
          })
        : fmt(t.sekNoPlan, { realised: formatSek(realisedSek, locale) }),
    );
  }
  const realisedHours = num(model.realisedHours);
  const plannedHours = num(model.plannedHours);
  if (realisedHours !== undefined) {
    parts.push(
      plannedHours
        ? fmt(t.hoursVsPlan, {
            realised: formatCount(realisedHours, locale),
            planned: formatCount(plannedHours, locale),
            percent: Math.round((realisedHours / plannedHours) * 100),
          })
        : fmt(t.hoursNoPlan, { realised: formatCount(realisedHours, locale) }),
    );
  }
  return parts.join('; ');
}

/** The office's card for a submitted report: who, which period, how it goes, money and benefit. */
function reportOfficeCard(model: Record<string, unknown>, locale: Locale): AdaptiveCard {
  const t = fs(locale).reportNotice;
  const kind = kindOf(model.kind);
  const corrected = (num(model.version) ?? 1) > 1;
  const owner = str(model.ownerName) ? esc(model.ownerName) : t.owner;
  const health = str(model.health);
  const benefit = benefitAgainstPlan(model, locale);
  const lines: { text: string; color?: string }[] = [
    {
      text: fmt(corrected ? t.correctedBody : t.body, {
        owner,
        period: periodLabel(str(model.period), locale),
        at: str(model.submittedAt) ? formatWhen(str(model.submittedAt), locale) : '',
        version: num(model.version) ?? 1,
      }),
    },
  ];
  if (str(model.milestones)) lines.push({ text: `**${t.milestones}:** ${esc(model.milestones)}` });
  if (str(model.comment)) lines.push({ text: `**${t.comment}:** ${esc(model.comment)}` });
  return messageCard({
    title: fmt((corrected ? t.correctedTitle : t.title)[kind], {
      regNo: esc(model.regNo),
      title: escapeMarkdown(clip(str(model.title), 120)),
    }),
    lines,
    facts: [
      {
        title: t.health,
        value: fs(locale).health[health as keyof FollowupStrings['health']] ?? esc(health),
      },
      {
        title: t.spent,
        value: fmt(t.spentOfGranted, {
          spent: formatSek(num(model.spentSek) ?? 0, locale),
          granted: formatSek(num(model.grantedSek) ?? 0, locale),
        }),
      },
      {
        title: t.realisedVsPlan,
        value: benefit || (kind === 'benefit' ? t.noBenefitYet : ''),
      },
    ],
  });
}

/** One line in the funded item's review thread: the report arrived, and how it goes. */
function reportThreadCard(model: Record<string, unknown>, locale: Locale): AdaptiveCard {
  const t = fs(locale).reportNotice;
  const kind = kindOf(model.kind);
  const health = str(model.health);
  const line = fmt(t.thread[kind], {
    period: periodLabel(str(model.period), locale),
    owner: str(model.ownerName) ? esc(model.ownerName) : t.owner,
    health: fs(locale).health[health as keyof FollowupStrings['health']] ?? esc(health),
    spent: formatSek(num(model.spentSek) ?? 0, locale),
    granted: formatSek(num(model.grantedSek) ?? 0, locale),
    benefit: benefitAgainstPlan(model, locale) || t.noBenefitYet,
  });
  const corrected = (num(model.version) ?? 1) > 1;
  return messageCard({
    title: fmt(t.threadTitle, { regNo: esc(model.regNo) }),
    lines: [
      {
        text: corrected ? fmt(t.threadCorrected, { line }) : line,
        color: HEALTH_COLOR[health] ?? 'Default',
      },
    ],
  });
}

export const followupOutboxCards: Record<string, OutboxCardRenderer> = {
  [REPORT_OFFICE_TEMPLATE]: reportOfficeCard,
  [REPORT_THREAD_TEMPLATE]: reportThreadCard,
  'followup-project-created': (model, locale) => {
    const t = fs(locale).projectCreated;
    const every =
      fs(locale).every[(str(model.reportEvery) || 'quarterly') as ReportEvery] ??
      str(model.reportEvery);
    return messageCard({
      title: fmt(t.title, { title: esc(model.title) }),
      lines: [
        {
          text: fmt(t.body, {
            regNo: esc(model.regNo),
            amount: typeof model.grantedSek === 'number' ? formatSek(model.grantedSek, locale) : '',
            start: str(model.startDate),
            end: str(model.endDate),
          }),
        },
        {
          text: fmt(t.schedule, { every, first: str(model.firstReport), end: str(model.endDate) }),
        },
        { text: fmt(t.benefit, { date: str(model.benefitDate) }) },
      ],
    });
  },
  'followup-report-escalation': (model, locale) => {
    const t = fs(locale).escalation;
    const what = reportTitle(str(model.kind), str(model.title), locale).split(':')[0];
    return messageCard({
      title: fmt(t.title, { regNo: esc(model.regNo), title: esc(model.title) }),
      lines: [
        {
          text: fmt(t.body, {
            what: `${what} (${periodLabel(str(model.period), locale)})`,
            dueDate: str(model.dueDate),
            owner: str(model.ownerName) ? esc(model.ownerName) : t.owner,
          }),
          color: 'Attention',
        },
      ],
      facts: [
        {
          title: t.granted,
          value: typeof model.grantedSek === 'number' ? formatSek(model.grantedSek, locale) : '',
        },
      ],
    });
  },
  'followup-survey': (model, locale) => surveyCard(model, locale),
};
