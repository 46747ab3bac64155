import { refuse, rightsOf } from '../allocation/access';
import { loadRound, MAX_DELEGATION, recordOf, type RoundOutcome } from '../allocation/allocate';
import { ledgerIdFor } from '../allocation/frame-ledger';
import { roundState } from '../allocation/round-state';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { parseSek } from '../shared/amount';
import { checkText } from '../shared/text';
import { applyDecision } from './apply-decision';
import type { DecisionDoc, DecisionOutcome } from './decision';
import { decisionReasonText } from './decision-text';

export const MAX_CORRECTION_REASON = 1000;

/** A correction as the card sent it. */
export interface CorrectionInput {
  decisionId: unknown;
  outcome: unknown;
  amount?: unknown;
  reason: unknown;
  delegation: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A decision maker corrects a decision of a confirmed round. The decision is never edited: a
 * new record supersedes it (`supersedes`), and the money moves in the year's ledger only if
 * the part has it, so a correction can never exceed the frame either.
 */
export async function correctDecision(
  s: Services,
  actor: Actor,
  roundId: unknown,
  input: CorrectionInput,
  activityId?: string,
): Promise<RoundOutcome> {
  const round = await loadRound(s, roundId);
  const rights = await rightsOf(s, actor, round.portfolioId);
  if (!rights.decisionMaker) refuse('forbidden', 'decision_maker_only');
  const portfolio = await s.portfolios.get(round.portfolioId);
  if (!portfolio) refuse('not_found', 'portfolio_not_found');
  const state = await roundState(s, round, portfolio);
  const draft = {
    co_decision: text(input.decisionId),
    co_outcome: text(input.outcome),
    co_amount: text(input.amount),
    co_reason: text(input.reason),
    co_delegation: text(input.delegation),
  };
  const fail = (
    error: RoundOutcome['error'],
    errorParams: Record<string, string | number> = {},
  ): RoundOutcome => ({ state, error, errorParams, draft });
  if (round.status !== 'confirmed') return fail('unknown_decision');

  const previous: DecisionDoc | undefined = state.decisions.find((d) => d._id === input.decisionId);
  if (!previous) return fail('unknown_decision');
  const ledgerId = ledgerIdFor(round.portfolioId, round.year);
  const ledger = await s.allocation.ledgers.get(round.portfolioId, round.year);
  const claim = ledger?.claims?.[previous.applicationId];
  if (!ledger || !claim || claim.decisionId !== previous._id) return fail('decision_superseded');
  if (input.outcome !== 'approved' && input.outcome !== 'rejected') return fail('bad_outcome');
  const outcome: DecisionOutcome = input.outcome;
  let amount = 0;
  if (outcome === 'approved') {
    const parsed = parseSek(text(input.amount));
    if (!parsed.ok || parsed.value <= 0) return fail('bad_amount');
    if (parsed.value > previous.requestedAmount)
      return fail('amount_above_request', { requested: previous.requestedAmount });
    amount = parsed.value;
  }
  if (outcome === previous.outcome && amount === previous.amount)
    return fail('correction_unchanged');
  const reason = checkText(input.reason, { required: true, max: MAX_CORRECTION_REASON });
  if (!reason.ok)
    return fail(reason.error === 'too_long' ? 'reason_too_long' : 'reason_required', {
      max: MAX_CORRECTION_REASON,
    });
  const delegation = checkText(input.delegation, { required: true, max: MAX_DELEGATION });
  if (!delegation.ok)
    return fail(delegation.error === 'too_long' ? 'delegation_too_long' : 'delegation_required', {
      max: MAX_DELEGATION,
    });

  const app = await s.applications.get(previous.applicationId);
  if (!app || !app.data) return fail('unknown_decision');
  const now = s.clock();
  const base = recordOf(
    { appId: app._id, outcome, amount, part: previous.part, kind: 'allocation' },
    app,
    portfolio,
    round.year,
    round._id,
    actor,
    delegation.value,
    now,
    previous.seq + 1,
  );
  const facts = {
    outcome,
    kind: 'correction' as const,
    amount,
    part: previous.part,
    year: round.year,
    meanScore: previous.meanScore,
    note: reason.value,
  };
  const record: DecisionDoc = {
    ...base,
    kind: 'correction',
    note: reason.value,
    supersedes: previous._id,
    reasonText: { sv: decisionReasonText(facts, 'sv'), en: decisionReasonText(facts, 'en') },
  };
  const moved = await s.allocation.ledgers.supersede(
    ledgerId,
    claim,
    record,
    now,
    actor.aadObjectId,
  );
  if (!moved) {
    const fresh = await s.allocation.ledgers.get(round.portfolioId, round.year);
    if (fresh?.claims?.[previous.applicationId]?.decisionId !== previous._id)
      return fail('decision_superseded');
    return fail('exceeds_frame', { part: previous.part });
  }
  await applyDecision(s, record, activityId);
  return {
    state: await roundState(s, round, portfolio),
    notice: 'corrected',
    noticeParams: { regNo: record.regNo },
  };
}
