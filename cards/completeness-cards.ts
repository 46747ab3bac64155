import { STEPS } from '../services/applications/wizard-steps';
import { CompletenessModel, MAX_NOTE_CHARS } from '../services/review/completeness';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { messageCard } from './application-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fieldLabel } from './review-cards';
import { fmt, strings, Strings } from './strings';
import { reviewText } from './strings/review-strings';
import { VERBS } from './verbs';
import { stockholmDay } from '../services/shared/dates';

const md = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
const day = (iso: string | undefined): string => stockholmDay(iso);

function stepNames(t: Strings, steps: readonly string[]): string {
  return steps.map((s) => t.steps[s as keyof Strings['steps']] ?? s).join(', ');
}

/** A completeness card sent back with what to fix, or with the portfolio that has no channel. */
export interface CompletenessCardOptions {
  error?: 'missing_steps' | 'note_too_long';
  draft?: { missing?: string; note?: string };
  /** The portfolio number when the application waits for `koppla` (no review channel yet). */
  unboundPortfolio?: number;
  /**
   * Whose view this is: an admin gets the form and the buttons; anyone else (and the shared card,
   * when unset) only what every member may do. Teams shows each admin their view via `refresh`.
   */
  viewer?: 'admin' | 'other';
  /** Why the person's click was refused, shown on their view (the card itself stays). */
  refusal?: string;
}

/**
 * The project office's completeness card: the application's key facts, the history of earlier
 * rounds with what changed since, a checklist of what is missing, a note, and "Komplett" /
 * "Begär komplettering". Once decided it shows the decision instead of the form.
 */
export function completenessCard(
  model: CompletenessModel,
  locale: Locale,
  opts: CompletenessCardOptions = {},
): AdaptiveCard {
  const t = strings(locale);
  const r = reviewText(locale);
  const c = r.completeness;
  const history = model.history.flatMap((h) => {
    if (h.status === 'completion_requested') {
      return [
        {
          text: fmt(c.historyRequested, {
            round: h.round,
            name: md(h.byName),
            date: day(h.at),
            steps: stepNames(t, h.missingSteps ?? []),
          }),
        },
        ...(h.note ? [{ text: fmt(c.historyNote, { note: md(clip(h.note, 600)) }) }] : []),
      ];
    }
    if (h.status === 'complete')
      return [
        { text: fmt(c.historyComplete, { round: h.round, name: md(h.byName), date: day(h.at) }) },
      ];
    return [];
  });
  const resubmitted = model.history.some((h) => h.status === 'completion_requested');
  const changed = resubmitted
    ? model.changedFields.length > 0
      ? model.changedFields
          .slice(0, 20)
          .map((f) => fieldLabel(t, f))
          .join('; ')
      : c.changedNone
    : '';
  const outcome: { text: string; color: string }[] = [];
  const decided = model.decided;
  if (decided?.status === 'complete') {
    outcome.push({
      text: fmt(c.decidedComplete, { name: md(decided.byName), date: day(decided.at) }),
      color: 'Good',
    });
    if (opts.unboundPortfolio !== undefined)
      outcome.push({
        text: fmt(c.decidedUnbound, { number: opts.unboundPortfolio }),
        color: 'Warning',
      });
  } else if (decided?.status === 'completion_requested') {
    outcome.push({
      text: fmt(c.decidedRequested, {
        name: md(decided.byName),
        date: day(decided.at),
        steps: stepNames(t, decided.missingSteps ?? []),
      }),
      color: 'Warning',
    });
  }
  const open = !decided;
  const admin = opts.viewer === 'admin';
  const notices: { text: string; color: string }[] = [];
  if (opts.refusal) notices.push({ text: opts.refusal, color: 'Attention' });
  else if (open && opts.viewer === 'other') notices.push({ text: c.adminsOnly, color: 'Default' });
  const card = renderTemplate('completeness-check', {
    heading: resubmitted
      ? fmt(c.headingResubmitted, { regNo: md(model.regNo), round: model.round })
      : fmt(c.heading, { regNo: md(model.regNo) }),
    intro: open && admin ? c.intro : '',
    notices,
    showForm: open && admin,
    facts: [
      { title: c.facts.title, value: md(clip(model.title, 200)) },
      { title: c.facts.applicant, value: md(model.applicant) },
      { title: c.facts.organisation, value: md(model.organisation) },
      {
        title: c.facts.portfolio,
        value: model.portfolio
          ? `${model.portfolio.number}\\. ${md(model.portfolio.name[locale])}`
          : '',
      },
      {
        title: c.facts.devCost,
        value: model.devCost !== undefined ? formatSek(model.devCost, locale) : '',
      },
      {
        title: c.facts.runningCost,
        value:
          model.yearlyRunningCost !== undefined ? formatSek(model.yearlyRunningCost, locale) : '',
      },
      { title: c.facts.submitted, value: day(model.submittedAt) },
    ].filter((f) => f.value !== ''),
    historyTitle: c.historyTitle,
    history,
    changedTitle: resubmitted ? c.changedTitle : '',
    changed,
    outcome,
    open,
    error: opts.error ? fmt(c.errors[opts.error], { max: MAX_NOTE_CHARS }) : '',
    missingLabel: c.missingLabel,
    missingValue: opts.draft?.missing ?? '',
    steps: STEPS.map((s) => ({ title: t.steps[s.id], value: s.id })),
    noteLabel: c.noteLabel,
    noteValue: opts.draft?.note ?? '',
    appId: model.appId,
    submittedAt: model.submittedAt,
    actions: [
      { title: c.view, verb: VERBS.reviewApplication, style: 'default' },
      ...(open && admin
        ? [
            { title: c.complete, verb: VERBS.completenessComplete, style: 'positive' },
            { title: c.request, verb: VERBS.completenessRequest, style: 'destructive' },
          ]
        : open
          ? [{ title: c.open, verb: VERBS.completenessRefresh, style: 'default' }]
          : []),
    ],
  });
  // Teams shows each listed admin their own view (with the form); everybody else the shared card.
  if (open) {
    const userIds = model.refreshUserIds ?? [];
    card.refresh = {
      action: {
        type: 'Action.Execute',
        title: c.open,
        verb: VERBS.completenessRefresh,
        data: { appId: model.appId, submittedAt: model.submittedAt },
      },
      ...(userIds.length > 0 ? { userIds } : {}),
    };
  }
  return card;
}

/** What the applicant gets in personal chat: exactly what to complete, and a button that opens it. */
export function completionRequestCard(
  model: Record<string, unknown>,
  locale: Locale,
): AdaptiveCard {
  const t = strings(locale);
  const c = reviewText(locale).completeness;
  const steps = Array.isArray(model.missingSteps) ? (model.missingSteps as string[]) : [];
  const lines: { text: string; color?: string }[] = [
    { text: fmt(c.applicantIntro, { title: md(model.title) }) },
  ];
  for (const s of steps) lines.push({ text: `• ${t.steps[s as keyof Strings['steps']] ?? md(s)}` });
  if (typeof model.note === 'string' && model.note) {
    lines.push({
      text: fmt(c.applicantNote, { name: md(model.byName), note: md(clip(model.note, 2000)) }),
    });
  }
  lines.push({ text: c.applicantKept });
  return messageCard({
    title: fmt(c.applicantTitle, { regNo: md(model.regNo) }),
    lines,
    actions: [
      {
        title: c.applicantAction,
        verb: VERBS.applicationContinue,
        style: 'positive',
        appId: String(model.appId ?? ''),
      },
    ],
  });
}

/** Completeness cards sent through the outbox. */
export const completenessOutboxCards: Record<string, OutboxCardRenderer> = {
  'completeness-check': (model, locale) =>
    completenessCard(model as unknown as CompletenessModel, locale),
  'completion-request': (model, locale) => completionRequestCard(model, locale),
};
