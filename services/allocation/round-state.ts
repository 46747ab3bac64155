import { createHash } from 'node:crypto';
import type { ApplicationDoc } from '../applications/application';
import { completeLedger } from '../decisions/apply-decision';
import type { DecisionDoc } from '../decisions/decision';
import type { PortfolioDoc } from '../portfolios/portfolio-repository';
import type { Services } from '../services';
import type { AllocationRoundDoc, RoundWhatIf } from './allocation-round';
import { allocationItemOf, eligibilityGates, type Gate } from './eligibility';
import type { FrameLedgerDoc } from './frame-ledger';
import { ledgerOf } from './frames';
import { reachable } from './owner-requests';
import type { AllocationPlan } from './plan-allocation';
import { planAllocationAsync } from './plan-allocation-async';
import type { AllocationItem, ItemReason, Part, Reduction } from './types';
import type { WhatIf } from './what-if';

/** A recommended application that passes every gate: it competes for money. */
export interface Candidate {
  app: ApplicationDoc;
  item: AllocationItem;
}

/** A recommended application that may not get money yet, and what is missing. */
export interface Ineligible {
  app: ApplicationDoc;
  gates: Gate[];
}

/** A decision the round would record when confirmed (before who, when and under which delegation). */
export interface DraftDecision {
  appId: string;
  outcome: 'approved' | 'rejected';
  amount: number;
  part: Part;
  kind: 'allocation' | 'not_recommended';
  lineReason?: ItemReason;
  reduction?: Reduction;
  valueScore?: number;
}

/** Everything a round's card shows, computed from the round and the current state. */
export interface RoundState {
  round: AllocationRoundDoc;
  portfolio: PortfolioDoc;
  ledger: FrameLedgerDoc | null;
  /** Null when the portfolio has no frame for the year. */
  plan: AllocationPlan | null;
  candidates: Candidate[];
  ineligible: Ineligible[];
  notRecommended: ApplicationDoc[];
  drafts: DraftDecision[];
  /** Fingerprint of the drafts: a confirmation must name the proposal it saw. */
  digest: string;
  /** The round's decisions once confirmed (with later corrections), in record order. */
  decisions: DecisionDoc[];
}

/** The engine's what-ifs from the round's (one per item; the newest wins). */
export function engineWhatIfs(whatIfs: readonly RoundWhatIf[]): WhatIf[] {
  const byItem = new Map<string, RoundWhatIf>();
  for (const w of whatIfs) byItem.set(w.itemId, w);
  return [...byItem.values()].map((w) => ({
    itemId: w.itemId,
    forced: w.forced ?? null,
    reducedAmount: w.reducedAmount ?? null,
    reason: w.reason,
  }));
}

/** Fingerprint of what a confirmation would record. */
export function digestOf(drafts: readonly DraftDecision[]): string {
  const key = drafts
    .map((d) => `${d.appId}|${d.outcome}|${d.amount}|${d.part}|${d.kind}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}

/** Recommended and not-recommended applications of the portfolio that no decision of the year holds. */
export async function openApplications(
  s: Services,
  portfolioId: string,
  ledger: FrameLedgerDoc | null,
): Promise<ApplicationDoc[]> {
  const apps = await s.applications.find({
    'data.portfolioId': portfolioId,
    status: { $in: ['recommended', 'not_recommended'] },
  });
  const claimed = new Set(Object.keys(ledger?.claims ?? {}));
  return apps.filter((a) => !claimed.has(a._id) && !!a.regNo && !!a.data);
}

/**
 * Computes a round's proposal: gates per recommended application, the exact proposal among the
 * eligible ones within what each part has left this year (planAllocationAsync: off the event loop
 * when large), the greedy baseline, and the decisions a confirmation would record. Finishes first
 * any decision a crash cut short.
 */
export async function roundState(
  s: Services,
  round: AllocationRoundDoc,
  portfolio: PortfolioDoc,
): Promise<RoundState> {
  const ledger = await ledgerOf(s, portfolio, round.year);
  await completeLedger(s, ledger);
  const decisions = await s.allocation.decisions.forRound(round._id);
  const base = { round, portfolio, ledger, decisions };
  if (round.status === 'confirmed') {
    return {
      ...base,
      plan: null,
      candidates: [],
      ineligible: [],
      notRecommended: [],
      drafts: [],
      digest: '',
    };
  }
  const apps = await openApplications(s, portfolio._id, ledger);
  const recommended = apps.filter((a) => a.status === 'recommended');
  const notRecommended = apps.filter((a) => a.status === 'not_recommended');
  const acceptances = await s.allocation.owners.many(recommended.map((a) => a._id));
  const candidates: Candidate[] = [];
  const ineligible: Ineligible[] = [];
  for (const app of recommended) {
    const acceptance = acceptances.get(app._id) ?? null;
    const gates = eligibilityGates({
      app,
      acceptance,
      ownerReachable: await reachable(s, acceptance?.ownerUserId),
      year: round.year,
    });
    if (gates.length === 0) candidates.push({ app, item: allocationItemOf(app) });
    else ineligible.push({ app, gates });
  }
  if (!ledger) {
    return {
      ...base,
      plan: null,
      candidates,
      ineligible,
      notRecommended,
      drafts: [],
      digest: digestOf([]),
    };
  }
  // In a worker thread when large: other people's turns go on while the proposal is computed.
  const plan = await planAllocationAsync(
    {
      frame: ledger.amount,
      shares: ledger.shares,
      items: candidates.map((c) => c.item),
      whatIfs: engineWhatIfs(round.whatIfs),
      granted: ledger.used,
    },
    { log: s.log },
  );
  const drafts: DraftDecision[] = [];
  for (const r of plan.optimal.funded) {
    drafts.push({
      appId: r.id,
      outcome: 'approved',
      amount: r.fundedAmount,
      part: r.part,
      kind: 'allocation',
      lineReason: r.reason,
      valueScore: r.valueScore,
      ...(r.reduction ? { reduction: r.reduction } : {}),
    });
  }
  for (const r of plan.optimal.leftOut) {
    drafts.push({
      appId: r.id,
      outcome: 'rejected',
      amount: 0,
      part: r.part,
      kind: 'allocation',
      lineReason: r.reason,
      valueScore: r.valueScore,
    });
  }
  for (const app of notRecommended) {
    drafts.push({
      appId: app._id,
      outcome: 'rejected',
      amount: 0,
      part: app.data!.part,
      kind: 'not_recommended',
    });
  }
  return {
    ...base,
    plan,
    candidates,
    ineligible,
    notRecommended,
    drafts,
    digest: digestOf(drafts),
  };
}
