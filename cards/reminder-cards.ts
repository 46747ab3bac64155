import { OutboxOverview } from '../services/outbox/outbox-admin';
import { OutboxMessage } from '../services/outbox/outbox-repository';
import {
  ChannelReminder,
  DIGEST_MAX_ITEMS,
  DigestItem,
  PersonReminder,
} from '../services/reminders/reminder';
import { ReminderPrefsDoc } from '../services/reminders/reminder-services';
import { ReminderPlan } from '../services/reminders/plan-reminders';
import { Locale } from '../services/shared/actor';
import { formatWhen, periodLabel } from './followup-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt } from './strings';
import { FollowupStrings, fs } from './strings/followup-strings';
import { VERBS } from './verbs';

interface Row {
  text: string;
  meta: string;
  actions: { title: string; verb: string; data: Record<string, string> }[];
}

interface Section {
  heading: string;
  note: string;
  rows: Row[];
}

interface ListCard {
  title: string;
  lines?: { text: string; color?: string; subtle?: boolean }[];
  sections?: Section[];
  actions?: { title: string; verb: string; style?: string; data: Record<string, string> }[];
}

function listCard(c: ListCard): AdaptiveCard {
  return renderTemplate('reminder-list', {
    title: c.title,
    lines: (c.lines ?? []).map((l) => ({
      text: l.text,
      color: l.color ?? 'Default',
      subtle: l.subtle ?? false,
    })),
    sections: c.sections ?? [],
    actions: (c.actions ?? []).map((a) => ({ ...a, style: a.style ?? 'default' })),
  });
}

const p = (params: DigestItem['params'], k: string): string => {
  const v = params[k];
  return typeof v === 'string'
    ? escapeMarkdown(clip(v, 160))
    : typeof v === 'number'
      ? String(v)
      : '';
};

/** One reminder as a sentence in the reader's language (titles escaped: they are user text). */
export function reminderText(item: Pick<DigestItem, 'kind' | 'params'>, locale: Locale): string {
  const t = fs(locale).digest;
  const params = item.params;
  const title = p(params, 'title') || t.untitled;
  const regNo = p(params, 'regNo');
  const common = {
    ref: regNo ? `${regNo} ${title}` : title,
    title,
    regNo: p(params, 'regNo'),
    since: p(params, 'since'),
    deadline: p(params, 'deadline'),
    dueDate: p(params, 'dueDate'),
    count: p(params, 'count'),
    names: p(params, 'names'),
    period: typeof params.period === 'string' ? periodLabel(params.period, locale) : '',
    portfolio: p(params, locale === 'en' ? 'portfolioEn' : 'portfolioSv'),
  };
  const text = ((): string => {
    switch (item.kind) {
      case 'vote':
        return fmt(params.stage === 2 ? t.items.voteToday : t.items.vote, common);
      case 'voteChair':
        return fmt(t.items.voteChair, common);
      case 'draftIdle':
        return fmt(t.items.draftIdle, common);
      case 'completion':
        return fmt(t.items.completion, common);
      case 'allocation':
        return fmt(
          params.state === 'confirmed_unposted'
            ? t.items.allocationUnposted
            : t.items.allocationPending,
          common,
        );
      case 'statusReport':
        return fmt(t.items.statusReport, common);
      case 'finalReport':
        return fmt(t.items.finalReport, common);
      case 'benefitFollowup':
        return fmt(t.items.benefitFollowup, common);
      case 'coachSla':
        return fmt(t.items.coachSla, common);
      default:
        return t.items.other;
    }
  })();
  const stage =
    typeof params.stage === 'number' && params.stage > 1 && item.kind !== 'vote'
      ? ` ${fmt(t.stage, { n: params.stage })}`
      : '';
  return `${text}${stage}`;
}

function actionTitle(verb: string, t: FollowupStrings): string {
  if (verb === VERBS.followupReportOpen) return t.digest.openReport;
  return t.digest.continue;
}

/** The digest: a person's due reminders of the day, with snooze and opt-out. */
export function digestCard(model: Record<string, unknown>, locale: Locale): AdaptiveCard {
  const t = fs(locale);
  const items = Array.isArray(model.items) ? (model.items as DigestItem[]) : [];
  const digestId = typeof model.digestId === 'string' ? model.digestId : '';
  const optional = items.some((i) => !i.mandatory);
  const mandatory = items.some((i) => i.mandatory);
  const rows: Row[] = items.slice(0, DIGEST_MAX_ITEMS).map((i) => ({
    text: reminderText(i, locale),
    meta: '',
    actions: i.action
      ? [{ title: actionTitle(i.action.verb, t), verb: i.action.verb, data: i.action.data }]
      : [],
  }));
  if (items.length > DIGEST_MAX_ITEMS) {
    rows.push({
      text: fmt(t.dryRun.more, { count: items.length - DIGEST_MAX_ITEMS }),
      meta: '',
      actions: [],
    });
  }
  return listCard({
    title: t.digest.title,
    lines: [{ text: t.digest.intro }],
    sections: [
      { heading: '', note: '', rows },
      ...(mandatory ? [{ heading: '', note: t.digest.mandatoryNote, rows: [] }] : []),
    ],
    actions: [
      {
        title: t.digest.snoozeNextDay,
        verb: VERBS.remindersSnooze,
        data: { digestId, until: 'nextWorkingDay' },
      },
      {
        title: t.digest.snoozeMonday,
        verb: VERBS.remindersSnooze,
        data: { digestId, until: 'monday' },
      },
      ...(optional
        ? [{ title: t.digest.optOut, verb: VERBS.remindersOptOut, data: { digestId } }]
        : []),
    ],
  });
}

/** `påminnelser` for anyone: whether nudges are on, paused, and the switch. */
export function reminderPrefsCard(
  locale: Locale,
  prefs: ReminderPrefsDoc | null,
  now: Date,
): AdaptiveCard {
  const t = fs(locale).prefs;
  const lines = [{ text: prefs?.optOut ? t.off : t.on }];
  if (prefs?.snoozedUntil && prefs.snoozedUntil > now.toISOString())
    lines.push({ text: fmt(t.snoozed, { until: formatWhen(prefs.snoozedUntil, locale) }) });
  return listCard({
    title: t.title,
    lines,
    actions: [
      prefs?.optOut
        ? {
            title: fs(locale).digest.optIn,
            verb: VERBS.remindersOptIn,
            style: 'positive',
            data: {},
          }
        : { title: fs(locale).digest.optOut, verb: VERBS.remindersOptOut, data: {} },
    ],
  });
}

/** After a snooze. */
export function snoozedCard(locale: Locale, until: Date): AdaptiveCard {
  const t = fs(locale).prefs;
  return listCard({
    title: t.snoozedTitle,
    lines: [{ text: fmt(t.snoozedBody, { until: formatWhen(until.toISOString(), locale) }) }],
  });
}

/** After switching nudges off or on. */
export function optOutChangedCard(locale: Locale, optOut: boolean): AdaptiveCard {
  const t = fs(locale).prefs;
  return listCard({
    title: optOut ? t.optedOutTitle : t.optedInTitle,
    lines: [{ text: optOut ? t.optedOutBody : t.optedInBody }],
    actions: optOut
      ? [{ title: fs(locale).digest.optIn, verb: VERBS.remindersOptIn, data: {} }]
      : [],
  });
}

const SHOWN = 15;

function limited<T>(list: T[], map: (x: T) => Row, t: FollowupStrings): Row[] {
  const rows = list.slice(0, SHOWN).map(map);
  if (list.length > SHOWN)
    rows.push({ text: fmt(t.dryRun.more, { count: list.length - SHOWN }), meta: '', actions: [] });
  return rows;
}

/** The admin's dry run: what the scheduler would send now, what waits and why, what comes next. */
export function remindersDryRunCard(
  locale: Locale,
  plan: ReminderPlan,
  names: Map<string, string>,
): AdaptiveCard {
  const t = fs(locale);
  const who = (id: string): string => escapeMarkdown(names.get(id) ?? id);
  const kind = (k: PersonReminder['kind']): string => t.dryRun.kinds[k];
  const personRow = (recipientId: string, items: PersonReminder[], meta = ''): Row => ({
    text: `**${who(recipientId)}**: ${items.map((i) => `${kind(i.kind)} – ${reminderText(i, locale)}`).join(' · ')}`,
    meta,
    actions: [],
  });
  const channelRow = (c: ChannelReminder): Row => ({
    text: `${kind(c.kind)}: ${escapeMarkdown(c.summary)}`,
    meta: '',
    actions: [],
  });
  const lines: { text: string; color?: string }[] = [];
  if (plan.dryRun) lines.push({ text: t.dryRun.dryRunOn, color: 'Warning' });
  lines.push({
    text: plan.officeOpen
      ? t.dryRun.open
      : fmt(t.dryRun.closed, { opensAt: formatWhen(plan.opensAt ?? plan.at, locale) }),
  });
  const sections: Section[] = [
    {
      heading: fmt(t.dryRun.digests, { count: plan.digests.length }),
      note: plan.digests.length === 0 ? t.dryRun.none : '',
      rows: limited(plan.digests, (d) => personRow(d.recipientId, d.items), t),
    },
    {
      heading: fmt(t.dryRun.channel, { count: plan.channel.length }),
      note: plan.channel.length === 0 ? t.dryRun.none : '',
      rows: limited(plan.channel, channelRow, t),
    },
    {
      heading: fmt(t.dryRun.waiting, { count: plan.waiting.length + plan.channelWaiting.length }),
      note: '',
      rows: [
        ...limited(
          plan.waiting,
          (w) =>
            personRow(
              w.recipientId,
              w.items,
              fmt(t.dryRun.reason[w.reason], { until: w.until ? formatWhen(w.until, locale) : '' }),
            ),
          t,
        ),
        ...limited(
          plan.channelWaiting,
          (c) => ({ ...channelRow(c), meta: t.dryRun.reason.outside_office_hours }),
          t,
        ),
      ],
    },
    {
      heading: fmt(t.dryRun.optedOut, { count: plan.optedOut.length }),
      note: '',
      rows: limited(plan.optedOut, (o) => personRow(o.recipientId, o.items), t),
    },
    {
      heading: t.dryRun.upcoming,
      note: plan.upcoming.length === 0 ? t.dryRun.none : '',
      rows: plan.upcoming
        .slice(0, SHOWN)
        .map((u) =>
          'recipientId' in u
            ? { ...personRow(u.recipientId, [u]), meta: formatWhen(u.dueAt, locale) }
            : { ...channelRow(u), meta: formatWhen(u.dueAt, locale) },
        ),
    },
  ].filter((s) => s.rows.length > 0 || s.note !== '');
  return listCard({
    title: fmt(t.dryRun.title, { at: formatWhen(plan.at, locale) }),
    lines,
    sections,
    actions: [{ title: t.dryRun.refresh, verb: VERBS.remindersDryRun, data: {} }],
  });
}

/** Messages per status on the outbox card (the overview reads the latest 10 of each). */
const OUTBOX_ROWS_SHOWN = 10;

/** The outbox for admins: counts, and what needs a person (dead, failed, uncertain) with actions. */
export function outboxAdminCard(
  locale: Locale,
  o: OutboxOverview,
  names: Map<string, string>,
  notice = '',
): AdaptiveCard {
  const t = fs(locale).outbox;
  const target = (m: OutboxMessage): string =>
    m.target.kind === 'user'
      ? fmt(t.user, {
          name: escapeMarkdown(clip(names.get(m.target.aadObjectId) ?? m.target.aadObjectId, 80)),
        })
      : fmt(t.channel, { id: escapeMarkdown(clip(m.target.channelId, 120)) });
  const row = (m: OutboxMessage, uncertain: boolean): Row => ({
    text: `\`${escapeMarkdown(clip(m._id, 80))}\``,
    meta: fmt(t.row, {
      target: target(m),
      attempts: m.attempts,
      error: escapeMarkdown(clip(m.lastError ?? '', 160)),
    }),
    actions: [
      { title: t.retry, verb: VERBS.outboxRetry, data: { id: m._id } },
      ...(uncertain
        ? [{ title: t.markDelivered, verb: VERBS.outboxMarkDelivered, data: { id: m._id } }]
        : []),
    ],
  });
  const c = o.counts;
  const sections: Section[] = [];
  if (o.uncertain.length > 0)
    sections.push({
      heading: fmt(t.uncertain, { count: c.uncertain }),
      note: t.uncertainHelp,
      rows: o.uncertain.slice(0, OUTBOX_ROWS_SHOWN).map((m) => row(m, true)),
    });
  if (o.dead.length > 0)
    sections.push({
      heading: fmt(t.dead, { count: c.dead }),
      note: '',
      rows: o.dead.slice(0, OUTBOX_ROWS_SHOWN).map((m) => row(m, false)),
    });
  if (o.failed.length > 0)
    sections.push({
      heading: fmt(t.failed, { count: c.failed }),
      note: '',
      rows: o.failed.slice(0, OUTBOX_ROWS_SHOWN).map((m) => row(m, false)),
    });
  const lines: { text: string; color?: string }[] = [];
  if (notice) lines.push({ text: notice, color: 'Good' });
  lines.push({ text: fmt(t.counts, { ...c }) });
  if (sections.length === 0) lines.push({ text: t.none });
  return listCard({
    title: t.title,
    lines,
    sections,
    actions: [{ title: fs(locale).dryRun.refresh, verb: VERBS.outboxView, data: {} }],
  });
}

/** Reminder cards queued in the outbox. */
export const reminderOutboxCards: Record<string, OutboxCardRenderer> = {
  'reminder-digest': digestCard,
};
