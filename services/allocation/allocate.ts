import { DateTime } from 'luxon';
import type { ApplicationDoc } from '../applications/application';
import { applyDecision } from '../decisions/apply-decision';
import { decisionIdFor, type DecisionDoc } from '../decisions/decision';
import { decisionReasonText } from '../decisions/decision-text';
import type { PortfolioDoc } from '../portfolios/portfolio-repository';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { parseSek } from '../shared/amount';
import { fiscalYearOf, STOCKHOLM_ZONE } from '../shared/dates';
import { newId } from '../shared/ids';
import { checkText, normalizeCommand } from '../shared/text';
import { refuse, rightsOf } from './access';
import type { AllocationRoundDoc, RoundWhatIf } from './allocation-round';
import { VALUE_MEASURE_ID } from './item-value';
import { ensureOwnerRequest } from './owner-requests';
import { openApplications, roundState, type DraftDecision, type RoundState } from './round-state';
import { ledgerIdFor } from './frame-ledger';
import { ledgerOf } from './frames';

export const MAX_WHAT_IF_REASON = 500;
export const MAX_DELEGATION = 200;
/** Settings key of the delegation reference last used, offered as the default next time. */
export const DELEGATION_SETTING = 'decisions.delegation';

/** What happened, for the line at the top of the card. */
export type RoundNotice =
  | 'opened'
  | 'what_if_saved'
  | 'what_if_cleared'
  | 'changed'
  | 'frame_changed'
  | 'confirmed'
  | 'already_confirmed'
  | 'confirming_elsewhere'
  | 'corrected';

/** A form on the card that needs fixing; the card shows it with what was typed. */
export type RoundError =
  | 'reason_required'
  | 'reason_too_long'
  | 'bad_amount'
  | 'amount_above_request'
  | 'unknown_item'
  | 'bad_action'
  | 'delegation_required'
  | 'delegation_too_long'
  | 'infeasible'
  | 'nothing_to_decide'
  | 'no_frame'
  | 'unknown_decision'
  | 'decision_superseded'
  | 'bad_outcome'
  | 'exceeds_frame'
  | 'correction_unchanged';

export interface RoundOutcome {
  state: RoundState;
  notice?: RoundNotice;
  noticeParams?: Record<string, string | number>;
  error?: RoundError;
  errorParams?: Record<string, string | number>;
  /** What the user typed, to show again with the error. */
  draft?: Record<string, string>;
  /** The decision maker is asked once more before the decision is recorded (it cannot be undone). */
  askConfirm?: boolean;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `fördela 1`, `fördela innovation 2027`: a portfolio (number, key or id) and an optional year. */
export function parseAllocateArgs(
  args: string,
  portfolios: PortfolioDoc[],
):
  | { kind: 'ok'; portfolioId: string; year?: number }
  | { kind: 'empty' }
  | { kind: 'unknown'; words: string } {
  const words = normalizeCommand(args)
    .split(/[\s,;]+/)
    .map((w) => w.replace(/[.:]+$/, ''))
    .filter(
      (w) =>
        w.length > 0 && !['portfolj', 'portfoljen', 'portfolio', 'ar', 'year', 'for'].includes(w),
    );
  if (words.length === 0) return { kind: 'empty' };
  let year: number | undefined;
  const rest: string[] = [];
  for (const w of words) {
    if (/^\d{4}$/.test(w)) year = Number(w);
    else rest.push(w);
  }
  if (rest.length !== 1)
    return rest.length === 0 ? { kind: 'empty' } : { kind: 'unknown', words: rest.join(' ') };
  const w = rest[0];
  const p = portfolios.find(
    (x) => String(x.number) === w || normalizeCommand(x.key) === w || x._id.toLowerCase() === w,
  );
  if (!p) return { kind: 'unknown', words: w };
  return { kind: 'ok', portfolioId: p._id, ...(year !== undefined ? { year } : {}) };
}

/**
 * The fiscal year `fördela` plans when none is named: this year, unless no open application of
 * the portfolio starts this year and some start next year (applications made in the autumn).
 */
export async function defaultYear(s: Services, portfolio: PortfolioDoc): Promise<number> {
  const current = fiscalYearOf(s.clock());
  const ledger = await s.allocation.ledgers.get(portfolio._id, current);
  const apps = (await openApplications(s, portfolio._id, ledger)).filter(
    (a) => a.status === 'recommended',
  );
  const starts = apps
    .map((a) => Number((a.data?.startDate ?? '').slice(0, 4)))
    .filter((y) => Number.isInteger(y));
  if (!starts.includes(current) && starts.includes(current + 1)) return current + 1;
  return current;
}

/** The round's portfolio (refused when it is gone). */
export async function loadPortfolio(s: Services, portfolioId: string): Promise<PortfolioDoc> {
  const p = await s.portfolios.get(portfolioId);
  if (!p) refuse('not_found', 'portfolio_not_found');
  return p;
}

/** Loads a round by the id a card sent; anything malformed is "not found", never a crash. */
export async function loadRound(s: Services, roundId: unknown): Promise<AllocationRoundDoc> {
  if (typeof roundId !== 'string' || roundId.length === 0 || roundId.length > 100)
    refuse('not_found', 'round_not_found');
  const round = await s.allocation.rounds.get(roundId);
  if (!round) refuse('not_found', 'round_not_found');
  return round;
}

async function requireViewer(s: Services, actor: Actor, portfolioId: string): Promise<void> {
  const r = await rightsOf(s, actor, portfolioId);
  if (!r.chair && !r.decisionMaker && !r.admin) refuse('forbidden', 'chair_or_decision_maker');
}

/**
 * `fördela <portfölj>` (chair or decision maker): asks the owners of recommended applications
 * who have not been asked yet, opens a round and returns its proposal.
 */
export async function openRound(
  s: Services,
  actor: Actor,
  portfolioId: string,
  requestedYear: number | undefined,
  activityId?: string,
): Promise<RoundOutcome> {
  const rights = await rightsOf(s, actor, portfolioId);
  if (!rights.chair && !rights.decisionMaker) refuse('forbidden', 'chair_or_decision_maker');
  const portfolio = await loadPortfolio(s, portfolioId);
  const current = fiscalYearOf(s.clock());
  if (requestedYear !== undefined && (requestedYear < current - 1 || requestedYear > current + 10))
    refuse('invalid_input', 'bad_year');
  const year = requestedYear ?? (await defaultYear(s, portfolio));
  await askOwners(s, portfolio, year, actor);
  const now = s.clock().toISOString();
  const round: AllocationRoundDoc = {
    _id: newId(),
    portfolioId: portfolio._id,
    year,
    status: 'open',
    whatIfs: [],
    createdBy: actor.aadObjectId,
    createdByName: actor.name,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await s.allocation.rounds.insert(round);
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'allocation.round_opened',
    entityType: 'allocation_round',
    entityId: round._id,
    after: { portfolioId: round.portfolioId, year },
    activityId,
  });
  return { state: await roundState(s, round, portfolio), notice: 'opened' };
}

/** The round's card as it stands now (chair, decision maker or project office). */
export async function viewRound(
  s: Services,
  actor: Actor,
  roundId: unknown,
): Promise<RoundOutcome> {
  const round = await loadRound(s, roundId);
  await requireViewer(s, actor, round.portfolioId);
  const portfolio = await loadPortfolio(s, round.portfolioId);
  if (round.status === 'open') await askOwners(s, portfolio, round.year, actor);
  return { state: await roundState(s, round, portfolio) };
}

/** Asks every owner of an open recommended application who has not been asked (or not reached) yet. */
async function askOwners(
  s: Services,
  portfolio: PortfolioDoc,
  year: number,
  actor: Actor,
): Promise<void> {
  const ledger = await ledgerOf(s, portfolio, year);
  for (const app of await openApplications(s, portfolio._id, ledger)) {
    if (app.status === 'recommended') await ensureOwnerRequest(s, app, actor.aadObjectId);
  }
}

/** A what-if as the card sent it: which item, what to do, a reduced amount and a reason. */
export interface WhatIfInput {
  itemId: unknown;
  action: unknown;
  amount?: unknown;
  reason?: unknown;
}

/**
 * The chair tries a change on the proposal: force an item in or out, fund a reduced amount, or
 * clear what was tried. Stored on the round (so the card can be re-rendered), audited, and the
 * proposal is recomputed. Tampered input is refused without writing anything.
 */
export async function applyWhatIf(
  s: Services,
  actor: Actor,
  roundId: unknown,
  input: WhatIfInput,
  activityId?: string,
): Promise<RoundOutcome> {
  const round = await loadRound(s, roundId);
  const rights = await rightsOf(s, actor, round.portfolioId);
  if (!rights.chair && !rights.decisionMaker) refuse('forbidden', 'chair_or_decision_maker');
  const portfolio = await loadPortfolio(s, round.portfolioId);
  const state = await roundState(s, round, portfolio);
  const draft = {
    wi_item: text(input.itemId),
    wi_action: text(input.action),
    wi_amount: text(input.amount),
    wi_reason: text(input.reason),
  };
  const fail = (
    error: RoundError,
    errorParams: Record<string, string | number> = {},
  ): RoundOutcome => ({ state, error, errorParams, draft });
  if (round.status !== 'open') return { state, notice: 'already_confirmed' };
  const candidate = state.candidates.find((c) => c.item.id === input.itemId);
  if (!candidate) return fail('unknown_item');
  const action = input.action;
  if (action !== 'in' && action !== 'out' && action !== 'reduce' && action !== 'clear')
    return fail('bad_action');
  let reducedAmount: number | undefined;
  if (action === 'reduce') {
    const parsed = parseSek(text(input.amount));
    if (!parsed.ok || parsed.value <= 0) return fail('bad_amount');
    if (parsed.value > candidate.item.amount)
      return fail('amount_above_request', { requested: candidate.item.amount });
    reducedAmount = parsed.value;
  }
  const reason = checkText(input.reason, { required: action !== 'clear', max: MAX_WHAT_IF_REASON });
  if (!reason.ok)
    return fail(reason.error === 'too_long' ? 'reason_too_long' : 'reason_required', {
      max: MAX_WHAT_IF_REASON,
    });

  for (let attempt = 0; attempt < 10; attempt++) {
    const current = attempt === 0 ? round : await loadRound(s, round._id);
    if (current.status !== 'open')
      return { state: await roundState(s, current, portfolio), notice: 'already_confirmed' };
    const previous = [...current.whatIfs].reverse().find((w) => w.itemId === candidate.item.id);
    const now = s.clock().toISOString();
    const others = current.whatIfs.filter((w) => w.itemId !== candidate.item.id);
    let next: RoundWhatIf | null = null;
    if (action !== 'clear') {
      next = {
        itemId: candidate.item.id,
        by: actor.aadObjectId,
        byName: actor.name,
        at: now,
        reason: reason.value,
        ...(action === 'in' || action === 'out'
          ? { forced: action }
          : previous?.forced
            ? { forced: previous.forced }
            : {}),
        ...(action === 'reduce'
          ? { reducedAmount }
          : previous?.reducedAmount !== undefined
            ? { reducedAmount: previous.reducedAmount }
            : {}),
      };
    }
    const whatIfs = next ? [...others, next] : others;
    const updated = await s.allocation.rounds.update(
      { _id: current._id, status: 'open', version: current.version },
      { $set: { whatIfs, updatedAt: now }, $inc: { version: 1 } },
    );
    if (!updated) continue;
    await s.audit.append({
      at: now,
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: 'allocation.what_if',
      entityType: 'allocation_round',
      entityId: round._id,
      before: previous ?? null,
      after: next ?? { itemId: candidate.item.id, cleared: true },
      activityId,
    });
    return {
      state: await roundState(s, updated, portfolio),
      notice: next ? 'what_if_saved' : 'what_if_cleared',
      noticeParams: { regNo: candidate.item.regNo },
    };
  }
  refuse('conflict', 'busy');
}

/** Today on the Stockholm calendar. */
export function stockholmDate(now: Date): string {
  return DateTime.fromJSDate(now, { zone: STOCKHOLM_ZONE }).toISODate() as string;
}

/** The immutable record of a draft decision, with who decided, when and under which delegation. */
export function recordOf(
  draft: DraftDecision,
  app: ApplicationDoc,
  portfolio: PortfolioDoc,
  year: number,
  roundId: string | undefined,
  actor: Actor,
  delegation: string,
  now: Date,
  seq = 1,
): DecisionDoc {
  const data = app.data!;
  const meanScore = app.review?.meanScore;
  const facts = {
    outcome: draft.outcome,
    kind: draft.kind,
    amount: draft.amount,
    part: draft.part,
    year,
    lineReason: draft.lineReason,
    reduction: draft.reduction,
    meanScore,
    valueScore: draft.valueScore,
  };
  return {
    _id: decisionIdFor(app._id, seq),
    applicationId: app._id,
    seq,
    regNo: app.regNo ?? app._id,
    title: data.title,
    organisation: data.organisation,
    applicantId: app.ownerId,
    applicantName: app.ownerName,
    portfolioId: portfolio._id,
    portfolioNumber: portfolio.number,
    portfolioName: { sv: portfolio.name.sv, en: portfolio.name.en },
    year,
    part: draft.part,
    outcome: draft.outcome,
    amount: draft.amount,
    requestedAmount: data.devCost,
    kind: draft.kind,
    ...(draft.lineReason ? { lineReason: draft.lineReason } : {}),
    ...(draft.reduction ? { reduction: draft.reduction } : {}),
    reasonText: { sv: decisionReasonText(facts, 'sv'), en: decisionReasonText(facts, 'en') },
    ...(typeof meanScore === 'number' ? { meanScore } : {}),
    ...(typeof draft.valueScore === 'number'
      ? { valueScore: draft.valueScore, valueMeasure: VALUE_MEASURE_ID }
      : {}),
    decidedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
    delegation,
    recusedNames: app.review?.recusedNames ?? [],
    recusedIds: app.review?.recusedMemberIds ?? [],
    decidedAt: now.toISOString(),
    decisionDate: stockholmDate(now),
    ...(roundId ? { roundId } : {}),
  };
}

/** The delegation reference offered on the confirm form: the one last used, else empty. */
export async function delegationDefault(s: Services): Promise<string> {
  const v = await s.settings.get<string>(DELEGATION_SETTING);
  return typeof v === 'string' ? v : '';
}

/**
 * A decision maker confirms the proposal they saw (`digest`): each item's decision is recorded
 * immutably — funded items approved with their amount and part, the others rejected with the
 * reason they fell below the line, applications the review group did not recommend rejected.
 * The money is taken from the frame in one conditional update of the year's ledger, so two
 * confirmations at once can never exceed the frame: the second finds the money or the
 * applications already taken and nothing of it is recorded.
 */
export async function confirmRound(
  s: Services,
  actor: Actor,
  roundId: unknown,
  digest: unknown,
  rawDelegation: unknown,
  activityId?: string,
  opts: { ask?: boolean } = {},
): Promise<RoundOutcome> {
  const round = await loadRound(s, roundId);
  const rights = await rightsOf(s, actor, round.portfolioId);
  if (!rights.decisionMaker) refuse('forbidden', 'decision_maker_only');
  const portfolio = await loadPortfolio(s, round.portfolioId);

  if (round.status === 'confirmed') {
    return {
      state: await roundState(s, round, portfolio),
      notice: 'already_confirmed',
      noticeParams: { name: round.confirmation?.byName ?? '' },
    };
  }
  if (round.status === 'confirming') {
    // Another decision maker's confirmation is under way: finish it, and say whose it is.
    const finished = await finishConfirmation(s, round, portfolio, activityId);
    return finished.notice === 'confirmed' && round.confirmation?.by !== actor.aadObjectId
      ? {
          ...finished,
          notice: 'already_confirmed',
          noticeParams: { name: round.confirmation?.byName ?? '' },
        }
      : finished;
  }

  const state = await roundState(s, round, portfolio);
  const draft = { delegation: text(rawDelegation) };
  if (!state.ledger || !state.plan) return { state, error: 'no_frame', draft };
  if (typeof digest !== 'string' || digest !== state.digest)
    return { state, notice: 'changed', draft };
  if (!state.plan.optimal.feasible) return { state, error: 'infeasible', draft };
  if (state.drafts.length === 0) return { state, error: 'nothing_to_decide', draft };
  const delegation = checkText(rawDelegation, { required: true, max: MAX_DELEGATION });
  if (!delegation.ok)
    return {
      state,
      error: delegation.error === 'too_long' ? 'delegation_too_long' : 'delegation_required',
      errorParams: { max: MAX_DELEGATION },
      draft,
    };
  // First click: everything is checked, nothing recorded; the card asks once more.
  if (opts.ask) return { state, askConfirm: true, draft };

  const now = s.clock();
  const apps = new Map<string, ApplicationDoc>([
    ...state.candidates.map((c) => [c.app._id, c.app] as const),
    ...state.notRecommended.map((a) => [a._id, a] as const),
  ]);
  const records = state.drafts.map((d) =>
    recordOf(d, apps.get(d.appId)!, portfolio, round.year, round._id, actor, delegation.value, now),
  );
  const claimed = await s.allocation.rounds.update(
    { _id: round._id, status: 'open', version: round.version },
    {
      $set: {
        status: 'confirming',
        confirmation: {
          by: actor.aadObjectId,
          byName: actor.name,
          at: now.toISOString(),
          delegation: delegation.value,
          records: JSON.parse(JSON.stringify(records)) as DecisionDoc[],
        },
        updatedAt: now.toISOString(),
      },
      $inc: { version: 1 },
    },
  );
  if (!claimed) {
    const fresh = await loadRound(s, round._id);
    if (fresh.status === 'open')
      return { state: await roundState(s, fresh, portfolio), notice: 'changed', draft };
    return {
      state: await roundState(s, fresh, portfolio),
      notice: fresh.status === 'confirmed' ? 'already_confirmed' : 'confirming_elsewhere',
      noticeParams: { name: fresh.confirmation?.byName ?? '' },
    };
  }
  if ((await delegationDefault(s)) !== delegation.value) {
    await s.settings.set(DELEGATION_SETTING, delegation.value, now, actor.aadObjectId);
  }
  return finishConfirmation(s, claimed, portfolio, activityId);
}

/**
 * Commits a confirmation's records against the frame and carries them out. Safe to run again
 * (a retry, another decision maker, after a crash): a ledger that already holds this round's
 * records is not charged twice, and every effect is idempotent.
 */
async function finishConfirmation(
  s: Services,
  round: AllocationRoundDoc,
  portfolio: PortfolioDoc,
  activityId?: string,
): Promise<RoundOutcome> {
  const confirmation = round.confirmation!;
  const records = confirmation.records;
  const now = s.clock();
  const ledgerId = ledgerIdFor(round.portfolioId, round.year);
  const committed = await s.allocation.ledgers.commit(
    ledgerId,
    records,
    round._id,
    now,
    confirmation.by,
  );
  if (!committed) {
    const ledger = await s.allocation.ledgers.get(round.portfolioId, round.year);
    // Ours when every application's claim came from this round (a later correction keeps the round).
    const ours =
      ledger && records.every((r) => ledger.claims?.[r.applicationId]?.roundId === round._id);
    if (!ours) {
      // Another confirmation took the money or the applications first: nothing of this one is recorded.
      const reopened = await s.allocation.rounds.update(
        { _id: round._id, status: 'confirming', version: round.version },
        {
          $set: { status: 'open', updatedAt: now.toISOString() },
          $unset: { confirmation: true },
          $inc: { version: 1 },
        },
      );
      const current = reopened ?? (await loadRound(s, round._id));
      await s.audit.append({
        at: now.toISOString(),
        actorId: confirmation.by,
        actorName: confirmation.byName,
        action: 'allocation.confirm_refused',
        entityType: 'allocation_round',
        entityId: round._id,
        after: { reason: 'frame_changed' },
        activityId,
      });
      return { state: await roundState(s, current, portfolio), notice: 'frame_changed' };
    }
  }
  for (const record of records) await applyDecision(s, record, activityId);
  const done = await s.allocation.rounds.update(
    { _id: round._id, status: 'confirming' },
    {
      $set: { status: 'confirmed', confirmedAt: now.toISOString(), updatedAt: now.toISOString() },
      $inc: { version: 1 },
    },
  );
  if (done) {
    await s.audit.append({
      at: now.toISOString(),
      actorId: confirmation.by,
      actorName: confirmation.byName,
      action: 'allocation.confirmed',
      entityType: 'allocation_round',
      entityId: round._id,
      after: {
        portfolioId: round.portfolioId,
        year: round.year,
        delegation: confirmation.delegation,
        approved: records
          .filter((r) => r.outcome === 'approved')
          .map((r) => ({ regNo: r.regNo, amount: r.amount, part: r.part })),
        rejected: records.filter((r) => r.outcome === 'rejected').map((r) => r.regNo),
      },
      activityId,
    });
  }
  const final = done ?? (await loadRound(s, round._id));
  return {
    state: await roundState(s, final, portfolio),
    notice: 'confirmed',
    noticeParams: { count: records.length },
  };
}
