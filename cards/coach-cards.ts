import { DateTime } from 'luxon';
import { ApplicationDoc } from '../services/applications/application';
import { FieldIssue } from '../services/applications/validate-step';
import { STEP_COUNT, STEPS, StepId } from '../services/applications/wizard-steps';
import { CoachChannelBinding } from '../services/coaching/coach-channel';
import { COACH_LIMITS, CoachQuestionDoc } from '../services/coaching/coach-question';
import { ThreadCardData } from '../services/coaching/coach-thread';
import { FaqHit } from '../services/coaching/faq-entries';
import { PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { STOCKHOLM_ZONE } from '../services/shared/dates';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, strings } from './strings';
import { coachStrings } from './strings/coach-strings';
import { VERBS } from './verbs';

type Style = 'default' | 'positive' | 'destructive';

interface CoachAction {
  title: string;
  verb: string;
  style?: Style;
  data?: Record<string, unknown>;
}

interface Line {
  text: string;
  color?: string;
  subtle?: boolean;
}

interface Item {
  heading: string;
  text: string;
  meta?: string;
}

/** Longest answer text shown on one card; cards must stay well under 80 KB. */
const MAX_SHOWN_ANSWER = 12_000;
/** The applicant's newest applications offered on the ask card (callers read no more). */
export const ASK_APPLICATIONS_SHOWN = 20;
/** FAQ answers on one card: the search returns 3 by default; more would only crowd the card. */
const MAX_FAQ_HITS_SHOWN = 5;

/** A plain coaching card: title, lines, listed items (FAQ entries), facts and buttons with data. */
export function coachMessageCard(input: {
  title: string;
  lines?: Line[];
  items?: Item[];
  facts?: { title: string; value: string }[];
  actions?: CoachAction[];
}): AdaptiveCard {
  return renderTemplate('coach-message', {
    title: input.title,
    lines: (input.lines ?? []).map((l) => ({
      text: l.text,
      color: l.color ?? 'Default',
      subtle: !!l.subtle,
    })),
    items: (input.items ?? []).map((i) => ({
      heading: i.heading,
      text: i.text,
      meta: i.meta ?? '',
    })),
    facts: (input.facts ?? []).filter((f) => f.value !== ''),
    actions: (input.actions ?? []).map((a) => ({
      title: a.title,
      verb: a.verb,
      style: a.style ?? 'default',
      data: a.data ?? {},
    })),
  });
}

/** Stockholm wall-clock time of an ISO instant, as coaches read it: 2026-11-23 10:15. */
export function stockholmTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = DateTime.fromISO(iso, { zone: STOCKHOLM_ZONE });
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm') : '';
}

/** "Titel (PK 2026/0001), steg 2 av 6: Behov och mål": what an application context reads as. */
export function applicationContextText(
  locale: Locale,
  ctx: { appTitle?: string; regNo?: string; stepId?: string; stepIndex?: number },
): string {
  const t = strings(locale);
  const c = coachStrings[locale];
  const parts: string[] = [];
  const title = escapeMarkdown(clip(ctx.appTitle?.trim() || t.list.untitled, 120));
  parts.push(ctx.regNo ? `${title} (${escapeMarkdown(ctx.regNo)})` : title);
  if (ctx.stepIndex !== undefined && ctx.stepId) {
    parts.push(
      fmt(c.ask.stepContext, {
        n: ctx.stepIndex + 1,
        total: STEP_COUNT,
        title: t.steps[ctx.stepId as StepId] ?? ctx.stepId,
      }),
    );
  }
  return parts.join(', ');
}

/** What the ask form knows about the application the question is about. */
export interface AskContext {
  appId: string;
  appTitle?: string;
  regNo?: string;
  stepId?: string;
  stepIndex?: number;
}

/** The small card with a question input ("Fråga en coach"), with the application's context. */
export function askFormCard(
  locale: Locale,
  opts: {
    question?: string;
    error?: string;
    context?: AskContext | null;
    applications?: ApplicationDoc[];
    applicationId?: string;
  } = {},
): AdaptiveCard {
  const c = coachStrings[locale];
  const t = strings(locale);
  const ctx = opts.context ?? null;
  const actions: CoachAction[] = [
    {
      title: c.ask.send,
      verb: VERBS.coachAsk,
      style: 'positive',
      data: ctx ? { appId: ctx.appId, step: ctx.stepIndex ?? '' } : {},
    },
  ];
  if (ctx)
    actions.push({
      title: c.ask.backToApplication,
      verb: VERBS.applicationContinue,
      data: { appId: ctx.appId },
    });
  const applications = ctx
    ? []
    : (opts.applications ?? [])
        .filter((a) => a.status !== 'withdrawn')
        .slice(0, ASK_APPLICATIONS_SHOWN)
        .map((a) => {
          const title = clip((a.data?.title ?? a.inputs.title ?? '').trim() || t.list.untitled, 80);
          return { title: a.regNo ? `${title} (${a.regNo})` : title, value: a._id };
        });
  return renderTemplate('coach-ask', {
    heading: c.ask.title,
    intro: c.ask.intro,
    about: ctx ? fmt(c.ask.about, { context: applicationContextText(locale, ctx) }) : '',
    questionLabel: c.ask.questionLabel,
    questionHint: fmt(c.ask.questionHint, { max: COACH_LIMITS.question }),
    question: opts.question ?? '',
    error: opts.error ?? '',
    applicationLabel: c.ask.applicationLabel,
    noApplication: c.ask.noApplication,
    applicationId: opts.applicationId ?? '',
    applications,
    actions: actions.map((a) => ({ ...a, style: a.style ?? 'default', data: a.data ?? {} })),
  });
}

/** The message for a refused question or reply: empty, or over the limit (with the limit). */
export function coachTextError(
  locale: Locale,
  reason: unknown,
  params: Record<string, string | number>,
  kind: 'ask' | 'reply',
): string {
  const c = coachStrings[locale];
  const table = kind === 'ask' ? c.ask : c.reply;
  if (reason === 'too_long') return fmt(table.tooLong, params);
  if (reason === 'empty') return table.empty;
  return c.ask.invalid;
}

function portfolioLabel(
  locale: Locale,
  portfolios: PortfolioDoc[],
  id: string | undefined,
  all: string,
): string {
  if (!id) return all;
  const p = portfolios.find((x) => x._id === id);
  return p ? `${p.number}. ${p.name[locale]}` : all;
}

/** FAQ answers that may already answer the question; the applicant can still ask a coach. */
export function suggestionsCard(
  locale: Locale,
  question: string,
  hits: FaqHit[],
  portfolios: PortfolioDoc[],
  ctx: { appId?: string; step?: unknown },
): AdaptiveCard {
  const c = coachStrings[locale];
  return coachMessageCard({
    title: c.suggestions.title,
    lines: [{ text: c.suggestions.intro }],
    items: hits.slice(0, MAX_FAQ_HITS_SHOWN).map((h) => ({
      heading: escapeMarkdown(clip(h.entry.question, 300)),
      text: escapeMarkdown(clip(h.entry.answer, 1200)),
      meta: portfolioLabel(locale, portfolios, h.entry.portfolioId, c.faqSearch.allPortfolios),
    })),
    facts: [],
    actions: [
      {
        title: c.suggestions.askAnyway,
        verb: VERBS.coachAsk,
        style: 'positive',
        data: {
          question,
          appId: ctx.appId ?? '',
          step: typeof ctx.step === 'number' || typeof ctx.step === 'string' ? ctx.step : '',
          skipFaq: true,
        },
      },
      { title: c.suggestions.enough, verb: VERBS.coachEnough, data: {} },
    ],
  });
}

/** The applicant's confirmation that the question went to the coaches. */
export function questionSentCard(locale: Locale, q: CoachQuestionDoc): AdaptiveCard {
  const c = coachStrings[locale];
  const t = strings(locale);
  const actions: CoachAction[] = [];
  if (q.appId)
    actions.push({
      title: c.ask.backToApplication,
      verb: VERBS.applicationContinue,
      data: { appId: q.appId },
    });
  else actions.push({ title: t.actions.myApplications, verb: VERBS.applicationsList, data: {} });
  return coachMessageCard({
    title: c.sent.title,
    lines: [
      { text: fmt(c.sent.body, { seq: q.seq }) },
      { text: fmt(c.sent.quote, { text: escapeMarkdown(clip(q.text, 500)) }), subtle: true },
      ...(q.appId
        ? [{ text: fmt(c.ask.about, { context: applicationContextText(locale, q) }), subtle: true }]
        : []),
    ],
    actions,
  });
}

/** Asks which open question a free-text message is for, carrying the message on each button. */
export function pickQuestionCard(
  locale: Locale,
  text: string,
  questions: CoachQuestionDoc[],
): AdaptiveCard {
  const c = coachStrings[locale];
  return coachMessageCard({
    title: c.pickQuestion.title,
    lines: [
      { text: c.pickQuestion.intro },
      {
        text: fmt(c.pickQuestion.message, { text: escapeMarkdown(clip(text, 300)) }),
        subtle: true,
      },
    ],
    actions: questions.slice(0, 5).map((q) => ({
      title: fmt(c.pickQuestion.sendTo, { seq: q.seq, text: clip(q.text, 40) }),
      verb: VERBS.coachReply,
      data: { questionId: q._id, reply: text },
    })),
  });
}

/** A short confirmation or refusal line on a coaching card. */
export function coachNoticeCard(
  locale: Locale,
  text: string,
  color: 'Good' | 'Attention' | 'Default' = 'Default',
): AdaptiveCard {
  return coachMessageCard({ title: strings(locale).appName, lines: [{ text, color }] });
}

export interface ThreadCardOptions {
  notice?: string;
  noticeColor?: 'Good' | 'Attention' | 'Warning' | 'Default';
  /** Show the application's key facts (the coach pressed "Visa ansökan"). */
  app?: ApplicationDoc | null;
  portfolios?: PortfolioDoc[];
}

/** The question's card at the root of its thread: question, who asks, context, status, actions. */
export function threadCard(
  locale: Locale,
  d: ThreadCardData,
  opts: ThreadCardOptions = {},
): AdaptiveCard {
  const c = coachStrings[locale];
  const t = strings(locale);
  const asker = escapeMarkdown(d.askerName);
  const facts = [
    { title: c.thread.asker, value: asker },
    { title: c.thread.organisation, value: escapeMarkdown(d.organisation ?? '') },
    {
      title: c.thread.application,
      value: d.appId
        ? applicationContextText(locale, { appTitle: d.appTitle, regNo: d.regNo })
        : '',
    },
    {
      title: c.thread.step,
      value:
        d.stepIndex !== undefined && d.stepId
          ? fmt(t.stepOf, {
              n: d.stepIndex + 1,
              total: STEP_COUNT,
              title: t.steps[d.stepId as StepId] ?? d.stepId,
            })
          : '',
    },
    { title: c.thread.portfolio, value: d.portfolioName ? d.portfolioName[locale] : '' },
    {
      title: c.thread.status,
      value:
        d.status === 'resolved' && d.resolvedByName
          ? `${c.thread.status_resolved} – ${fmt(c.thread.resolvedBy, { name: escapeMarkdown(d.resolvedByName), at: stockholmTime(d.resolvedAt) })}`
          : `${
              d.status === 'open' && d.assigneeName
                ? fmt(c.thread.status_claimed, { name: escapeMarkdown(d.assigneeName) })
                : c.thread[`status_${d.status}`]
            }${d.reopened ? ` (${c.thread.reopened})` : ''}`,
    },
    {
      title: c.thread.assignee,
      value: d.assigneeName ? escapeMarkdown(d.assigneeName) : c.thread.nobody,
    },
    { title: c.thread.asked, value: stockholmTime(d.createdAt) },
    {
      title: c.thread.firstAnswer,
      value: d.firstAnswerAt
        ? fmt(c.thread.firstAnswerValue, {
            at: stockholmTime(d.firstAnswerAt),
            hours: (d.firstAnswerWorkingHours ?? 0).toLocaleString(
              locale === 'sv' ? 'sv-SE' : 'en-GB',
              { maximumFractionDigits: 1 },
            ),
          })
        : '',
    },
  ].filter((f) => f.value !== '');
  const actions: CoachAction[] = [];
  if (d.status !== 'resolved') {
    if (!d.assigneeName)
      actions.push({ title: c.thread.claim, verb: VERBS.coachClaim, style: 'positive' });
    actions.push({ title: c.thread.resolve, verb: VERBS.coachResolve });
  } else {
    actions.push({
      title: d.faqSaved ? c.thread.editFaq : c.thread.saveFaq,
      verb: VERBS.coachFaqForm,
    });
  }
  const app = opts.app;
  if (d.appId) {
    actions.push(
      app
        ? { title: c.thread.hideApplication, verb: VERBS.coachShow }
        : { title: c.thread.showApplication, verb: VERBS.coachShowApplication },
    );
  }
  const appFacts = app ? applicationFacts(locale, app, opts.portfolios ?? []) : [];
  let notice = opts.notice ?? '';
  if (!notice && d.faqSaved && d.status === 'resolved') notice = c.thread.faqSaved;
  return renderTemplate('coach-thread', {
    title: fmt(c.thread.title, { seq: d.seq, asker }),
    question: escapeMarkdown(d.text),
    facts,
    notice,
    noticeColor: opts.noticeColor ?? 'Good',
    appHeading: app
      ? applicationContextText(locale, {
          appTitle: app.data?.title ?? app.inputs.title,
          regNo: app.regNo,
        })
      : '',
    appFacts,
    howTo: fmt(c.thread.howTo, { asker }),
    questionId: d.questionId,
    actions: actions.map((a) => ({ title: a.title, verb: a.verb, style: a.style ?? 'default' })),
  });
}

function applicationFacts(
  locale: Locale,
  app: ApplicationDoc,
  portfolios: PortfolioDoc[],
): { title: string; value: string }[] {
  const t = strings(locale);
  const c = coachStrings[locale];
  const inputs = app.inputs;
  const portfolioId = app.data?.portfolioId ?? inputs.portfolioId;
  const p = portfolios.find((x) => x._id === portfolioId);
  const part = app.data?.part ?? inputs.part;
  const money = (n: number | undefined, raw: string | undefined): string =>
    n !== undefined ? formatSek(n, locale) : escapeMarkdown(clip((raw ?? '').trim(), 60));
  return [
    { title: c.thread.appStatus, value: t.status[app.status] },
    { title: c.thread.portfolio, value: p ? `${p.number}. ${p.name[locale]}` : '' },
    {
      title: c.thread.part,
      value: part && part in t.parts ? t.parts[part as keyof typeof t.parts] : '',
    },
    {
      title: c.thread.organisation,
      value: escapeMarkdown(
        clip((app.data?.organisation ?? inputs.organisation ?? '').trim(), 200),
      ),
    },
    {
      title: c.thread.need,
      value: escapeMarkdown(clip((app.data?.need ?? inputs.need ?? '').trim(), 600)),
    },
    { title: c.thread.devCost, value: money(app.data?.devCost, inputs.devCost) },
    {
      title: c.thread.runningCost,
      value: money(app.data?.yearlyRunningCost, inputs.yearlyRunningCost),
    },
    {
      title: c.thread.step,
      value:
        app.status === 'draft' && app.step < STEP_COUNT
          ? fmt(t.stepOf, {
              n: app.step + 1,
              total: STEP_COUNT,
              title: t.steps[STEPS[app.step].id],
            })
          : '',
    },
  ].filter((f) => f.value !== '');
}

/** What the relayed-answer card shows; kept in the outbox and re-rendered after "Svara". */
export interface RelayModel {
  questionId: string;
  relayId?: string;
  seq: number;
  coachName: string;
  text: string;
  attachmentOnly?: boolean;
  question: string;
  resolved?: boolean;
}

/** A coach's answer in the applicant's chat, with a reply input ("Svara") back into the thread. */
export function relayCard(
  locale: Locale,
  m: RelayModel,
  opts: { error?: string; reply?: string; notice?: string } = {},
): AdaptiveCard {
  const c = coachStrings[locale];
  const shown = m.text.length > MAX_SHOWN_ANSWER ? `${m.text.slice(0, MAX_SHOWN_ANSWER)}…` : m.text;
  const notes: string[] = [];
  if (m.attachmentOnly) notes.push(c.relay.attachmentOnly);
  if (m.text.length > MAX_SHOWN_ANSWER) notes.push(c.relay.clipped);
  if (m.resolved) notes.push(c.relay.resolvedNote);
  if (opts.notice) notes.push(opts.notice);
  return renderTemplate('coach-relay', {
    title: fmt(c.relay.title, { coach: escapeMarkdown(m.coachName) }),
    about: fmt(c.relay.about, { seq: m.seq, question: escapeMarkdown(clip(m.question, 200)) }),
    answer: shown ? escapeMarkdown(shown) : ' ',
    note: notes.join(' '),
    error: opts.error ?? '',
    replyLabel: c.relay.replyLabel,
    replyHint: c.relay.replyHint,
    reply: opts.reply ?? '',
    replyAction: c.relay.reply,
    questionId: m.questionId,
    relayId: m.relayId ?? '',
  });
}

/** The coach's form to save a resolved question as a FAQ entry. */
export function faqFormCard(
  locale: Locale,
  questionId: string,
  values: { question: string; answer: string; portfolioId: string },
  portfolios: PortfolioDoc[],
  errors: FieldIssue[] = [],
): AdaptiveCard {
  const c = coachStrings[locale];
  const err = (field: string): string => {
    const e = errors.find((x) => x.field === field);
    if (!e) return '';
    if (e.code === 'required')
      return field === 'faqQuestion' ? c.faqForm.emptyQuestion : c.faqForm.emptyAnswer;
    if (e.code === 'too_long') return fmt(c.faqForm.tooLong, e.params);
    return c.faqForm.badPortfolio;
  };
  return renderTemplate('coach-faq-form', {
    heading: c.faqForm.title,
    intro: c.faqForm.intro,
    questionLabel: c.faqForm.question,
    question: values.question,
    questionError: err('faqQuestion'),
    answerLabel: c.faqForm.answer,
    answer: values.answer,
    answerError: err('faqAnswer'),
    portfolioLabel: c.faqForm.portfolio,
    portfolioId: values.portfolioId || 'all',
    portfolios: [
      { title: c.faqForm.allPortfolios, value: 'all' },
      ...portfolios.map((p) => ({ title: `${p.number}. ${p.name[locale]}`, value: p._id })),
    ],
    portfolioError: err('faqPortfolioId'),
    saveLabel: c.faqForm.save,
    cancelLabel: c.faqForm.cancel,
    questionId,
  });
}

/** `hjälp <sökord>`: the FAQ entries that match, or how to ask a coach when none do. */
export function faqSearchCard(
  locale: Locale,
  query: string,
  hits: FaqHit[],
  portfolios: PortfolioDoc[],
  personal: boolean,
): AdaptiveCard {
  const c = coachStrings[locale];
  const q = escapeMarkdown(clip(query, 100));
  return coachMessageCard({
    title: fmt(c.faqSearch.title, { query: q }),
    lines: hits.length === 0 ? [{ text: fmt(c.faqSearch.none, { query: q }) }] : [],
    items: hits.slice(0, MAX_FAQ_HITS_SHOWN).map((h) => ({
      heading: escapeMarkdown(clip(h.entry.question, 300)),
      text: escapeMarkdown(clip(h.entry.answer, 1200)),
      meta: portfolioLabel(locale, portfolios, h.entry.portfolioId, c.faqSearch.allPortfolios),
    })),
    actions: personal
      ? [
          {
            title: c.faqSearch.askLabel,
            verb: VERBS.coachAskForm,
            data: { question: clip(query, COACH_LIMITS.question) },
          },
        ]
      : [],
  });
}

/** The answer to `coachkanal`: what this channel now receives. */
export function channelBoundCard(locale: Locale, binding: CoachChannelBinding): AdaptiveCard {
  const c = coachStrings[locale];
  const lines: Line[] = [
    {
      text:
        binding.kind === 'general'
          ? c.channel.general
          : fmt(c.channel.portfolios, {
              list: binding.portfolios.map((p) => `${p.number}. ${p.name[locale]}`).join('; '),
            }),
    },
    { text: c.channel.howTo, subtle: true },
  ];
  return coachMessageCard({ title: c.channel.bound, lines });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

/** Coaching's cards sent through the outbox (rendered when sent, in the recipient's language). */
export const coachOutboxCards: Record<string, OutboxCardRenderer> = {
  'coach-thread': (model, locale) => threadCard(locale, model as unknown as ThreadCardData),
  'coach-relay': (model, locale) => relayCard(locale, model as unknown as RelayModel),
  'coach-applicant-message': (model, locale) => {
    const c = coachStrings[locale];
    return coachMessageCard({
      title: fmt(c.applicantMessage.title, { asker: escapeMarkdown(str(model.askerName)) }),
      lines: [
        { text: escapeMarkdown(str(model.text)) },
        ...(model.reopened ? [{ text: c.applicantMessage.reopened, color: 'Warning' }] : []),
      ],
    });
  },
  'coach-sla-reminder': (model, locale) => {
    const c = coachStrings[locale];
    const assignee = str(model.assigneeName);
    return coachMessageCard({
      title: fmt(c.reminder.title, { seq: num(model.seq) }),
      lines: [
        {
          text: fmt(c.reminder.body, {
            asker: escapeMarkdown(str(model.askerName)),
            hours: num(model.hours),
          }),
          color: 'Warning',
        },
        {
          text: assignee
            ? fmt(c.reminder.assigned, { name: escapeMarkdown(assignee) })
            : c.reminder.unassigned,
        },
      ],
    });
  },
  'coach-unreachable': (model, locale) => {
    const c = coachStrings[locale];
    return coachMessageCard({
      title: c.unreachable.title,
      lines: [
        {
          text: fmt(c.unreachable.body, { asker: escapeMarkdown(str(model.askerName)) }),
          color: 'Attention',
        },
      ],
    });
  },
  'coach-resolved': (model, locale) => {
    const c = coachStrings[locale];
    return coachMessageCard({
      title: fmt(c.resolvedNotice.title, { seq: num(model.seq) }),
      lines: [
        {
          text: fmt(c.resolvedNotice.body, {
            coach: escapeMarkdown(str(model.coachName)),
            question: escapeMarkdown(clip(str(model.question), 200)),
          }),
        },
      ],
    });
  },
  'coach-undeliverable': (model, locale) => {
    const c = coachStrings[locale];
    return coachMessageCard({
      title: c.undeliverable.title,
      lines: [
        { text: fmt(c.undeliverable.body, { seq: num(model.seq) }), color: 'Attention' },
        {
          text: fmt(c.sent.quote, { text: escapeMarkdown(clip(str(model.text), 500)) }),
          subtle: true,
        },
      ],
    });
  },
  'coach-undeliverable-office': (model, locale) => {
    const c = coachStrings[locale];
    return coachMessageCard({
      title: c.undeliverable.title,
      lines: [
        {
          text: fmt(c.undeliverable.office, {
            seq: num(model.seq),
            asker: escapeMarkdown(str(model.askerName)),
            error: escapeMarkdown(clip(str(model.error), 200)),
          }),
          color: 'Attention',
        },
      ],
    });
  },
};
