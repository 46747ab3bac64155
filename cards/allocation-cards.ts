import type { RoundError, RoundOutcome } from '../services/allocation/allocate';
import { commandWord } from './command-word';
import { describeReason, describeReduction } from '../services/allocation/describe-reason';
import type { Gate } from '../services/allocation/eligibility';
import { VALUE_MEASURE_TEXT, valueInScoreMsek } from '../services/allocation/item-value';
import type { ItemResult } from '../services/allocation/types';
import { PARTS } from '../services/applications/wizard-steps';
import { currentDecisions } from '../services/decisions/decision-repository';
import { Locale } from '../services/shared/actor';
import { formatSek, formatTkr } from '../services/shared/amount';
import { messageCard } from './application-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import {
  AdaptiveCard,
  cardBytes,
  clip,
  escapeMarkdown,
  MAX_CARD_BYTES,
  renderTemplate,
} from './render';
import { fmt } from './strings';
import { allocationText, AllocationStrings } from './strings/allocation-strings';
import { VERBS } from './verbs';
import { stockholmDay } from '../services/shared/dates';

const md = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
const num = (v: number, locale: Locale, decimals = 2): string =>
  locale === 'sv' ? v.toFixed(decimals).replace('.', ',') : v.toFixed(decimals);
const percent = (v: number, locale: Locale): string => num(v, locale, Number.isInteger(v) ? 0 : 2);
/** Two decimals, or "< 0,01" for a positive figure that would round to zero. */
const atLeastHundredth = (v: number, locale: Locale): string =>
  v > 0 && v < 0.005 ? `< ${num(0.01, locale)}` : num(v, locale);

/** Which form on the card an error belongs to. */
const CONFIRM_ERRORS: ReadonlySet<RoundError> = new Set([
  'delegation_required',
  'delegation_too_long',
  'infeasible',
  'nothing_to_decide',
  'no_frame',
]);

export interface AllocationCardOptions {
  /** Page of the item list (1-based). */
  page?: number;
  /** Delegation reference offered on the confirm form. */
  delegationDefault?: string;
  /** A refusal to show at the top (e.g. someone without the right clicked a button). */
  refusal?: string;
  /**
   * What the person looking may do: the what-if form for chairs and decision makers, the confirm
   * and correction forms for decision makers. Unset: every form (the chair's own command reply).
   */
  viewer?: { whatIf: boolean; decide: boolean };
}

interface Row {
  title: string;
  facts: string;
  action: string;
  verb: string;
  data: Record<string, unknown>;
}

const noAction = { action: '', verb: '', data: {} };

function noticeText(outcome: RoundOutcome, t: AllocationStrings): { text: string; color: string } {
  if (!outcome.notice) return { text: '', color: 'Default' };
  const p = outcome.noticeParams ?? {};
  const by =
    typeof p.name === 'string' && p.name
      ? outcome.notice === 'already_confirmed'
        ? ` ${t.round.byName} ${md(p.name)}`
        : ` (${md(p.name)})`
      : '';
  const text = fmt(t.notices[outcome.notice], { ...p, by, name: md(p.name), regNo: md(p.regNo) });
  const color = ['changed', 'frame_changed', 'already_confirmed', 'confirming_elsewhere'].includes(
    outcome.notice,
  )
    ? 'Warning'
    : 'Good';
  return { text, color };
}

function gateText(gate: Gate, t: AllocationStrings): string {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(gate.params)) params[k] = typeof v === 'string' ? md(v) : v;
  return fmt(t.gates[gate.code], params);
}

function itemRow(
  r: ItemResult,
  greedyFunded: boolean,
  locale: Locale,
  t: AllocationStrings,
  meanScore: number,
): Row {
  const amount =
    r.reduction !== undefined
      ? fmt(t.round.reducedAmount, {
          amount: formatTkr(r.consideredAmount, locale),
          requested: formatTkr(r.requestedAmount, locale),
        })
      : formatTkr(r.consideredAmount, locale);
  const reason =
    escapeMarkdown(describeReason(r.reason, locale)) +
    (r.reduction ? ` · ${escapeMarkdown(describeReduction(r.reduction, locale))}` : '');
  return {
    title: fmt(t.round.itemTitle, { regNo: md(r.regNo), title: md(clip(r.title, 100)) }),
    facts: `${fmt(t.round.itemFacts, {
      part: t.partShort[r.part],
      amount,
      score: num(meanScore, locale),
      adjusted: num(r.valueScore / 100, locale),
      reason,
    })} · ${greedyFunded ? t.round.greedyIn : t.round.greedyOut}`,
    ...noAction,
  };
}

/**
 * The allocation card of a round: the frame and what is left of it, the exact proposal beside
 * "highest score first", every item's place against the funding line with its reason, what
 * cannot get money yet and why, the what-if form, and the confirm form (or, once decided, the
 * decisions and the correction form). Long lists are paged so the card stays under 80 KB.
 */
export function allocationCard(
  outcome: RoundOutcome,
  locale: Locale,
  opts: AllocationCardOptions = {},
): AdaptiveCard {
  for (const limits of [
    { pageSize: 20, choices: 250, listed: 15 },
    { pageSize: 10, choices: 120, listed: 8 },
    { pageSize: 5, choices: 50, listed: 5 },
  ]) {
    const card = buildCard(outcome, locale, opts, limits);
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  }
  return buildCard(outcome, locale, opts, { pageSize: 3, choices: 20, listed: 3 });
}

function buildCard(
  outcome: RoundOutcome,
  locale: Locale,
  opts: AllocationCardOptions,
  limits: { pageSize: number; choices: number; listed: number },
): AdaptiveCard {
  const t = allocationText(locale);
  const { state } = outcome;
  const { round, portfolio, ledger, plan } = state;
  const open = round.status !== 'confirmed';
  const draft = outcome.draft ?? {};
  const error = outcome.error ? fmt(t.errors[outcome.error], outcome.errorParams ?? {}) : '';
  const errorForm = !outcome.error
    ? ''
    : 'co_decision' in draft
      ? 'correct'
      : 'wi_item' in draft
        ? 'whatIf'
        : CONFIRM_ERRORS.has(outcome.error)
          ? 'confirm'
          : 'whatIf';
  const notice = opts.refusal ? { text: opts.refusal, color: 'Attention' } : noticeText(outcome, t);

  const frameLines: { text: string; color: string }[] = [];
  if (ledger) {
    frameLines.push({
      text: `${fmt(t.round.frame, { year: round.year })}: **${formatSek(ledger.amount, locale)}**`,
      color: 'Default',
    });
    for (const part of PARTS) {
      frameLines.push({
        text: fmt(t.round.budgetLine, {
          part: t.parts[part],
          share: `${percent(ledger.shares[part], locale)} %`,
          budget: formatSek(ledger.budgets[part], locale),
          granted: formatSek(ledger.used[part], locale),
          available: formatSek(Math.max(0, ledger.remaining[part]), locale),
        }),
        color: 'Default',
      });
    }
  } else {
    frameLines.push({ text: fmt(t.round.noFrame, { year: round.year }), color: 'Attention' });
  }
  if (open)
    frameLines.push({
      text: fmt(t.round.otherYear, { key: md(commandWord(portfolio)), next: round.year + 1 }),
      color: 'Default',
    });

  const compareLines: { text: string }[] = [];
  const sections: { title: string; color: string; rows: Row[] }[] = [];
  let pageText = '';
  let page = 1;
  let pages = 1;
  const meanOf = new Map(state.candidates.map((c) => [c.item.id, c.item.meanScore]));

  if (open && plan && state.candidates.length > 0) {
    const c = plan.comparison;
    const availableTotal = PARTS.reduce((a, p) => a + plan.available[p], 0);
    compareLines.push({
      text: fmt(t.round.compareOptimal, {
        value: num(valueInScoreMsek(c.valueOptimal), locale),
        amount: formatSek(c.amountOptimal, locale),
        available: formatSek(availableTotal, locale),
      }),
    });
    const proof = plan.optimal.optimality;
    if (proof && !proof.proven) {
      // The search stopped at its node budget: the chair is told how far off it can be.
      frameLines.push({
        text: fmt(t.round.notProvenOptimal, {
          gap: atLeastHundredth(valueInScoreMsek(proof.gap), locale),
          percent: atLeastHundredth(100 * proof.relativeGap, locale),
        }),
        color: 'Warning',
      });
    }
    compareLines.push({
      text: fmt(t.round.compareGreedy, {
        value: num(valueInScoreMsek(c.valueGreedy), locale),
        amount: formatSek(c.amountGreedy, locale),
      }),
    });
    if (c.onlyOptimal.length === 0 && c.onlyGreedy.length === 0)
      compareLines.push({ text: t.round.compareSame });
    else {
      compareLines.push({
        text: fmt(t.round.compareDiff, {
          value: num(valueInScoreMsek(c.valueDiff), locale),
          amount: formatSek(Math.abs(c.amountDiff), locale),
          direction: c.amountDiff >= 0 ? t.round.more : t.round.less,
        }),
      });
      const regNo = new Map(state.candidates.map((x) => [x.item.id, x.item.regNo]));
      const names = (ids: string[]): string => ids.map((id) => md(regNo.get(id) ?? id)).join(', ');
      if (c.onlyOptimal.length > 0)
        compareLines.push({ text: fmt(t.round.onlyOptimal, { list: names(c.onlyOptimal) }) });
      if (c.onlyGreedy.length > 0)
        compareLines.push({ text: fmt(t.round.onlyGreedy, { list: names(c.onlyGreedy) }) });
    }
    for (const e of plan.optimal.explanations) {
      if (e.code === 'forced_in_over_budget') {
        frameLines.push({
          text: fmt(t.round.infeasible, {
            part: t.parts[e.part],
            over: formatTkr(e.overBySek, locale),
          }),
          color: 'Attention',
        });
      }
    }
    const greedyIds = new Set(plan.greedy.funded.map((r) => r.id));
    const all = [...plan.optimal.funded, ...plan.optimal.leftOut];
    pages = Math.max(1, Math.ceil(all.length / limits.pageSize));
    page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
    const slice = all.slice((page - 1) * limits.pageSize, page * limits.pageSize);
    const funded = slice.filter((r) => r.funded);
    const leftOut = slice.filter((r) => !r.funded);
    const row = (r: ItemResult): Row =>
      itemRow(r, greedyIds.has(r.id), locale, t, meanOf.get(r.id) ?? 0);
    if (funded.length > 0 || page === 1)
      sections.push({
        title: fmt(t.round.fundedTitle, { count: plan.optimal.funded.length }),
        color: 'Good',
        rows: funded.map(row),
      });
    if (leftOut.length > 0 || page === pages)
      sections.push({
        title: fmt(t.round.leftOutTitle, { count: plan.optimal.leftOut.length }),
        color: 'Warning',
        rows: leftOut.map(row),
      });
    if (pages > 1) pageText = fmt(t.round.page, { page, pages, count: all.length });
  } else if (open && ledger) {
    compareLines.length = 0;
    sections.push({
      // Recommended applications that cannot receive funds yet are listed below, with the reason.
      title: fmt(state.ineligible.length > 0 ? t.round.nothingYet : t.round.nothing, {
        year: round.year,
      }),
      color: 'Default',
      rows: [],
    });
  }

  if (!open) {
    const conf = round.confirmation;
    if (conf)
      frameLines.unshift({
        text: fmt(t.round.confirmedTitle, {
          date: stockholmDay(round.confirmedAt),
          name: md(conf.byName),
          delegation: md(conf.delegation),
        }),
        color: 'Good',
      });
    const current = new Set(currentDecisions(state.decisions).map((d) => d._id));
    pages = Math.max(1, Math.ceil(state.decisions.length / limits.pageSize));
    page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
    if (pages > 1) pageText = fmt(t.round.page, { page, pages, count: state.decisions.length });
    const slice = state.decisions.slice((page - 1) * limits.pageSize, page * limits.pageSize);
    const rows: Row[] = slice.map((d) => ({
      title: fmt(t.round.decisionLine, {
        regNo: md(d.regNo),
        title: md(clip(d.title, 80)),
        outcome: t.round.outcome[d.outcome],
        amount: d.outcome === 'approved' ? formatSek(d.amount, locale) : '',
      }),
      facts: [
        escapeMarkdown(clip(d.reasonText[locale], 400)),
        d.supersedes ? fmt(t.round.correctionOf, { id: md(d.supersedes) }) : '',
        current.has(d._id) ? '' : t.round.decisionSuperseded,
      ]
        .filter((x) => x)
        .join(' · '),
      ...noAction,
    }));
    sections.push({
      title: fmt(t.round.decisionsTitle, { count: state.decisions.length }),
      color: 'Default',
      rows,
    });
  }

  if (open && state.ineligible.length > 0) {
    const rows: Row[] = state.ineligible.slice(0, limits.listed).map((x) => {
      const ownerGate = x.gates.some((g) => g.code.startsWith('owner_'));
      return {
        title: fmt(t.round.ineligibleLine, {
          regNo: md(x.app.regNo),
          title: md(clip(x.app.data?.title ?? '', 80)),
          missing: x.gates.map((g) => gateText(g, t)).join('; '),
        }),
        facts: '',
        action: ownerGate ? fmt(t.owner.pickAction, { regNo: x.app.regNo ?? '' }) : '',
        verb: ownerGate ? VERBS.ownerPickForm : '',
        data: ownerGate ? { appId: x.app._id } : {},
      };
    });
    if (state.ineligible.length > limits.listed)
      rows.push({ title: `+ ${state.ineligible.length - limits.listed}`, facts: '', ...noAction });
    sections.push({
      title: fmt(t.round.ineligibleTitle, { count: state.ineligible.length }),
      color: 'Attention',
      rows,
    });
  }
  if (open && state.notRecommended.length > 0) {
    const rows: Row[] = state.notRecommended.slice(0, limits.listed).map((a) => ({
      title: fmt(t.round.notRecommendedLine, {
        regNo: md(a.regNo),
        title: md(clip(a.data?.title ?? '', 80)),
      }),
      facts:
        typeof a.review?.meanScore === 'number'
          ? fmt(t.round.notRecommendedFacts, { score: num(a.review.meanScore, locale) })
          : '',
      ...noAction,
    }));
    if (state.notRecommended.length > limits.listed)
      rows.push({
        title: `+ ${state.notRecommended.length - limits.listed}`,
        facts: '',
        ...noAction,
      });
    sections.push({
      title: fmt(t.round.notRecommendedTitle, { count: state.notRecommended.length }),
      color: 'Default',
      rows,
    });
  }

  const regNoOf = new Map(state.candidates.map((c) => [c.item.id, c.item.regNo]));
  const whatIfList = round.whatIfs
    .filter((w) => regNoOf.has(w.itemId))
    .map((w) => {
      const what = [
        w.forced === 'in' ? t.whatIf.forcedIn : w.forced === 'out' ? t.whatIf.forcedOut : '',
        w.reducedAmount !== undefined
          ? fmt(t.whatIf.reduced, { amount: formatTkr(w.reducedAmount, locale) })
          : '',
      ]
        .filter((x) => x)
        .join(', ');
      return fmt(t.whatIf.line, { regNo: md(regNoOf.get(w.itemId)), what, by: md(w.byName) });
    });

  const actions: { title: string; verb: string; data: Record<string, unknown> }[] = [
    {
      title: t.actions.refresh,
      verb: VERBS.allocationRefresh,
      data: { roundId: round._id, page: String(page) },
    },
  ];
  if (page > 1)
    actions.push({
      title: t.actions.previous,
      verb: VERBS.allocationPage,
      data: { roundId: round._id, page: String(page - 1) },
    });
  if (page < pages)
    actions.push({
      title: t.actions.next,
      verb: VERBS.allocationPage,
      data: { roundId: round._id, page: String(page + 1) },
    });
  if (!open)
    actions.push({
      title: t.actions.exports,
      verb: VERBS.allocationExports,
      data: { roundId: round._id },
    });

  const current = currentDecisions(state.decisions);
  return renderTemplate('allocation-proposal', {
    title: fmt(t.round.title, {
      portfolio: `${portfolio.number}. ${md(portfolio.name[locale])}`,
      year: round.year,
    }),
    notice: notice.text,
    noticeColor: notice.color,
    subtitle: open ? t.round.subtitle : '',
    frameTitle: portfolio.name[locale] ? fmt(t.round.frame, { year: round.year }) : '',
    frameLines,
    compareTitle: t.round.compareTitle,
    compareLines,
    valueTitle: t.round.valueTitle,
    valueText: VALUE_MEASURE_TEXT[locale],
    sections,
    pageText,
    open:
      open &&
      !!plan &&
      state.candidates.length + state.notRecommended.length > 0 &&
      (opts.viewer?.whatIf ?? true),
    confirmOpen:
      open &&
      !!plan &&
      state.candidates.length + state.notRecommended.length > 0 &&
      (opts.viewer?.decide ?? true),
    roundId: round._id,
    digest: state.digest,
    page: String(page),
    whatIf: {
      title: t.whatIf.title,
      current: whatIfList.length > 0 ? fmt(t.whatIf.current, { list: whatIfList.join('; ') }) : '',
      error: errorForm === 'whatIf' ? error : '',
      itemLabel: t.whatIf.item,
      item: draft.wi_item ?? '',
      items: state.candidates
        .slice(0, limits.choices)
        .map((c) => ({ title: `${c.item.regNo} ${clip(c.item.title, 60)}`, value: c.item.id })),
      actionLabel: t.whatIf.action,
      action: draft.wi_action ?? '',
      actions: (['in', 'out', 'reduce', 'clear'] as const).map((a) => ({
        title: t.whatIf.actions[a],
        value: a,
      })),
      amountLabel: t.whatIf.amount,
      amount: draft.wi_amount ?? '',
      reasonLabel: t.whatIf.reason,
      reason: draft.wi_reason ?? '',
      submit: t.whatIf.submit,
    },
    confirm: {
      title: t.confirm.title,
      hint: t.confirm.hint,
      error: errorForm === 'confirm' ? error : '',
      delegationLabel: t.confirm.delegation,
      delegation: draft.delegation ?? opts.delegationDefault ?? '',
      // Two steps: "Bekräfta beslut" asks once more; only "Ja, fatta beslutet" records it.
      ask: outcome.askConfirm ? t.confirm.ask : '',
      submit: outcome.askConfirm ? t.confirm.submitFinal : t.confirm.submit,
      step: outcome.askConfirm ? 'final' : 'ask',
      cancel: outcome.askConfirm ? t.confirm.cancel : '',
    },
    correctable: !open && current.length > 0 && (opts.viewer?.decide ?? true),
    correct: {
      title: t.correct.title,
      error: errorForm === 'correct' ? error : '',
      decisionLabel: t.correct.decision,
      decision: draft.co_decision ?? '',
      decisions: current.slice(0, limits.choices).map((d) => ({
        title: `${d.regNo} ${clip(d.title, 50)}: ${t.round.outcome[d.outcome]}${d.outcome === 'approved' ? ` ${formatTkr(d.amount, locale)}` : ''}`,
        value: d._id,
      })),
      outcomeLabel: t.correct.outcome,
      outcome: draft.co_outcome ?? '',
      outcomes: (['approved', 'rejected'] as const).map((o) => ({
        title: t.round.outcome[o],
        value: o,
      })),
      amountLabel: t.correct.amount,
      amount: draft.co_amount ?? '',
      reasonLabel: t.correct.reason,
      reason: draft.co_reason ?? '',
      delegationLabel: t.correct.delegation,
      delegation: draft.co_delegation ?? opts.delegationDefault ?? '',
      submit: t.correct.submit,
    },
    actions,
  });
}

/** The model of the question to an owner (stored in the outbox, rendered when sent). */
export interface OwnerRequestModel {
  appId: string;
  seq: number;
  regNo: string;
  title: string;
  organisation: string;
  applicantName: string;
  ownerName: string;
  ownerOrganisation: string;
  yearlyRunningCost: number;
  costSharing: { organisation: string; percent: number }[];
  startDate: string;
  endDate: string;
}

/** The owner's question: accept ownership and the running cost, or not (with a comment). */
export function ownerRequestCard(
  model: OwnerRequestModel,
  locale: Locale,
  opts: { error?: string; comment?: string } = {},
): AdaptiveCard {
  const t = allocationText(locale);
  return renderTemplate('allocation-owner-request', {
    title: fmt(t.owner.requestTitle, { title: md(model.title) }),
    error: opts.error ?? '',
    intro: fmt(t.owner.requestIntro, {
      applicant: md(model.applicantName),
      regNo: md(model.regNo),
    }),
    facts: [
      { title: t.owner.organisation, value: md(model.organisation) },
      { title: t.owner.ownerOrganisation, value: md(model.ownerOrganisation) },
      {
        title: t.owner.runningCost,
        value: formatSek(Number(model.yearlyRunningCost) || 0, locale),
      },
      {
        title: t.owner.sharing,
        value:
          (Array.isArray(model.costSharing) ? model.costSharing : [])
            .map((c) => `${md(c.organisation)} ${percent(Number(c.percent) || 0, locale)} %`)
            .join(', ') || '–',
      },
      { title: t.owner.period, value: `${md(model.startDate)} – ${md(model.endDate)}` },
    ],
    commentLabel: t.owner.comment,
    comment: opts.comment ?? '',
    acceptLabel: t.owner.accept,
    declineLabel: t.owner.decline,
    appId: model.appId,
    seq: String(model.seq),
  });
}

/** What the owner sees after answering. */
export function ownerAnsweredCard(
  locale: Locale,
  regNo: string,
  accepted: boolean,
  comment: string,
): AdaptiveCard {
  const t = allocationText(locale);
  return messageCard({
    title: fmt(accepted ? t.owner.acceptedTitle : t.owner.declinedTitle, { regNo: md(regNo) }),
    lines: [...(comment ? [{ text: md(comment) }] : []), { text: t.owner.answerNote }],
  });
}

/** The model of the owner picker: the application and the people the bot knows. */
export interface OwnerPickModel {
  appId: string;
  regNo: string;
  name: string;
  email: string;
  people: { title: string; value: string }[];
}

/** Lets an admin or the applicant name the person who is the owner. */
export function ownerPickCard(
  model: OwnerPickModel,
  locale: Locale,
  opts: { error?: string; person?: string; email?: string } = {},
): AdaptiveCard {
  const t = allocationText(locale);
  return renderTemplate('allocation-owner-pick', {
    title: fmt(t.owner.pickTitle, { regNo: md(model.regNo) }),
    error: opts.error ?? '',
    intro: fmt(t.owner.pickIntro, { name: md(model.name), email: md(model.email) }),
    personLabel: t.owner.pickPerson,
    person: opts.person ?? '',
    people: (Array.isArray(model.people) ? model.people : [])
      .slice(0, 300)
      .map((p) => ({ title: String(p.title), value: String(p.value) })),
    emailLabel: t.owner.pickEmail,
    email: opts.email ?? '',
    submitLabel: t.owner.pickSubmit,
    appId: model.appId,
  });
}

/** The signed links to a round's protocol and the public register. */
export function exportLinksCard(
  locale: Locale,
  roundId: string,
  links: { protocolMd?: string; protocolCsv?: string; registerCsv: string; registerJson: string },
): AdaptiveCard {
  const t = allocationText(locale);
  const list: { title: string; url: string }[] = [];
  if (links.protocolMd) list.push({ title: t.exports.protocolMd, url: links.protocolMd });
  if (links.protocolCsv) list.push({ title: t.exports.protocolCsv, url: links.protocolCsv });
  list.push(
    { title: t.exports.registerCsv, url: links.registerCsv },
    { title: t.exports.registerJson, url: links.registerJson },
  );
  return renderTemplate('allocation-exports', {
    title: t.exports.title,
    intro: t.exports.intro,
    note: links.protocolMd ? '' : t.exports.notConfirmed,
    links: list,
    backLabel: t.actions.refresh,
    roundId,
  });
}

/** Usage of `fördela` / `allocate`, with the portfolios to choose from. */
export function allocateUsageCard(
  locale: Locale,
  portfolios: { number: number; key: string }[],
  unknown?: string,
): AdaptiveCard {
  const t = allocationText(locale);
  return messageCard({
    title: t.usage.title,
    lines: [
      ...(unknown
        ? [{ text: fmt(t.usage.unknown, { words: md(unknown) }), color: 'Attention' }]
        : []),
      { text: t.usage.text },
      {
        text: fmt(t.usage.portfolios, {
          list: portfolios.map((p) => `${p.number} (${md(commandWord(p))})`).join(', '),
        }),
      },
    ],
  });
}

/** An allocation refusal in plain words. */
export function allocationRefusalCard(
  locale: Locale,
  reason: string,
  params: Record<string, string | number> = {},
): AdaptiveCard {
  const t = allocationText(locale);
  const text = (t.refusals as Record<string, string>)[reason] ?? t.refusals.error;
  return messageCard({
    title: t.usage.title,
    lines: [{ text: fmt(text, params), color: 'Attention' }],
  });
}

/** Allocation's cards sent through the outbox (rendered when sent, in the recipient's language). */
export const allocationOutboxCards: Record<string, OutboxCardRenderer> = {
  'owner-request': (model, locale) =>
    ownerRequestCard(model as unknown as OwnerRequestModel, locale),
  'owner-pick': (model, locale) => ownerPickCard(model as unknown as OwnerPickModel, locale),
  'owner-answer': (model, locale) => {
    const t = allocationText(locale);
    const params = {
      owner: md(model.ownerName),
      regNo: md(model.regNo),
      title: md(model.title),
      comment: md(model.comment) || '–',
    };
    return messageCard({
      title: t.owner.answerTitle,
      lines: [
        {
          text: fmt(
            model.accepted === true ? t.owner.answerAccepted : t.owner.answerDeclined,
            params,
          ),
          color: model.accepted === true ? 'Good' : 'Warning',
        },
      ],
    });
  },
};
