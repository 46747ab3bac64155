import type { ApplicationDoc } from '../applications/application';
import { PARTS } from '../applications/wizard-steps';
import { fitsFiscalYear } from '../shared/fiscal-timeline';
import { sharesSumTo100 } from '../shared/percent';
import type { OwnerAcceptanceDoc } from './owner-acceptance';
import type { AllocationItem } from './types';

/**
 * What must hold before money can go to an application (seed 000 SID 6: "ska vara utredda innan
 * medel tilldelas"). Each code names one thing that is missing.
 */
export type GateCode =
  /** No review outcome with a mean score 1–5. */
  | 'score'
  /** No positive amount applied for (the development cost). */
  | 'amount'
  /** The named owner is not a person the bot knows: an admin or the applicant picks one. */
  | 'owner_unknown'
  /** The owner is known but the bot cannot reach them in personal chat yet. */
  | 'owner_unreachable'
  /** The owner was asked and has not answered. */
  | 'owner_waiting'
  /** The owner did not accept ownership and the running cost. */
  | 'owner_declined'
  /** The running cost is not shared out in full (100 %) between organisations. */
  | 'cost_sharing'
  /** The timeline does not fit the fiscal year, and the project is not a stage. */
  | 'timeline';

export interface Gate {
  code: GateCode;
  params: Record<string, string | number>;
}

/** The facts the gates are checked on, gathered by the caller. */
export interface EligibilityInput {
  app: ApplicationDoc;
  acceptance: OwnerAcceptanceDoc | null;
  /** The owner has a personal chat with the bot (a stored conversation reference). */
  ownerReachable: boolean;
  year: number;
}

/** The gates an application does not pass for the fiscal year; empty when money may go to it. */
export function eligibilityGates(input: EligibilityInput): Gate[] {
  const { app, acceptance, ownerReachable, year } = input;
  const gates: Gate[] = [];
  const data = app.data;
  const score = app.review?.meanScore;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 1 || score > 5)
    gates.push({ code: 'score', params: {} });
  if (!data || !Number.isSafeInteger(data.devCost) || data.devCost <= 0)
    gates.push({ code: 'amount', params: {} });

  const ownerName = data?.ownerName ?? '';
  if (!acceptance || acceptance.status === 'unresolved' || !acceptance.ownerUserId) {
    gates.push({
      code: 'owner_unknown',
      params: { owner: ownerName, email: data?.ownerEmail ?? '' },
    });
  } else if (acceptance.status === 'declined') {
    gates.push({
      code: 'owner_declined',
      params: { owner: acceptance.ownerUserName ?? ownerName, comment: acceptance.comment ?? '' },
    });
  } else if (acceptance.status === 'requested') {
    gates.push({
      code: ownerReachable ? 'owner_waiting' : 'owner_unreachable',
      params: { owner: acceptance.ownerUserName ?? ownerName },
    });
  }

  const running = data?.yearlyRunningCost ?? 0;
  const sharing = data?.costSharing ?? [];
  if (running > 0 && !sharesSumTo100(sharing.map((c) => c.percent))) {
    const sum = sharing.reduce((a, c) => a + (Number.isFinite(c.percent) ? c.percent : 0), 0);
    gates.push({ code: 'cost_sharing', params: { sum: Math.round(sum * 100) / 100 } });
  }

  if (!fitsFiscalYear(data ?? {}, year)) {
    gates.push({
      code: 'timeline',
      params: { start: data?.startDate ?? '', end: data?.endDate ?? '', year },
    });
  }
  return gates;
}

/** The application as the allocation engine sees it; call only for applications with no gates. */
export function allocationItemOf(app: ApplicationDoc): AllocationItem {
  const data = app.data!;
  const part = (PARTS as readonly string[]).includes(data.part) ? data.part : 'innovation';
  return {
    id: app._id,
    regNo: app.regNo ?? app._id,
    title: data.title,
    part,
    amount: data.devCost,
    meanScore: app.review!.meanScore,
    yearlyEffectSek: nonNegative(data.yearlyEffectSek),
    yearlyRunningCost: nonNegative(data.yearlyRunningCost),
    devCost: nonNegative(data.devCost),
  };
}

function nonNegative(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
