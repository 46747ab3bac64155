import type { Part } from '../applications/wizard-steps';

export type { Part } from '../applications/wizard-steps';

/** A recommended, eligible application as the allocation engine sees it (one fiscal year). */
export interface AllocationItem {
  id: string;
  /** Registration number (diarienummer); the last tie-breaker, so keep it unique. */
  regNo: string;
  title: string;
  part: Part;
  /** Requested amount in whole kronor. */
  amount: number;
  /** The review group's mean score over criteria and reviewers, 1–5. */
  meanScore: number;
  /** Quantified yearly effect from the benefit calculation (nyttokalkyl), SEK; may be 0. */
  yearlyEffectSek: number;
  /** Yearly running cost (drift och förvaltning) after the project, SEK. */
  yearlyRunningCost: number;
  /** Development cost from the benefit calculation, SEK. */
  devCost: number;
  /** What-if set by the chair: always fund ('in') or never fund ('out'). */
  forced?: 'in' | 'out';
  /** What-if set by the chair: fund this many kronor instead of `amount` (1..amount). */
  reducedAmount?: number;
  /** Why the chair forced or reduced the item; shown on the card and kept in the record. */
  reason?: string;
}

/** Money per part of a portfolio's frame, whole kronor. */
export type PartBudgets = Record<Part, number>;

/** Shares of the frame in percent per part; they sum to 100. */
export type PartShares = Record<Part, number>;

/** Why an item is on the funded or the left-out side of the funding line. */
export type ItemReason =
  /** Chosen within its part's budget. */
  | { code: 'fits' }
  /** Funded because the chair forced it in. */
  | { code: 'forced_in'; reason?: string }
  /** Left out because the chair forced it out. */
  | { code: 'forced_out'; reason?: string }
  /** Left out: adding it to the proposal would exceed its part by `overBySek`. */
  | { code: 'left_out_exceeds_part'; part: Part; overBySek: number }
  /** Left out: larger than all the money its part has left after forced-in items. */
  | { code: 'left_out_larger_than_part'; part: Part; overBySek: number }
  /** Forced in, but the forced-in items of the part together exceed its budget: nothing funded. */
  | { code: 'forced_in_over_budget'; part: Part; overBySek: number; reason?: string }
  /** Left out because the part is over-committed by forced-in items. */
  | { code: 'part_over_committed'; part: Part; overBySek: number };

export type ItemReasonCode = ItemReason['code'];

/** A reduced grant decided by the chair, kept next to the funding-line reason. */
export interface Reduction {
  from: number;
  to: number;
  reason?: string;
}

/** One item's place in a proposal, with what the card needs to explain it. */
export interface ItemResult {
  id: string;
  regNo: string;
  title: string;
  part: Part;
  requestedAmount: number;
  /** The amount the engine worked with: `reducedAmount` when set, else `amount`. */
  consideredAmount: number;
  /** `consideredAmount` when funded, else 0. */
  fundedAmount: number;
  /** Adjusted score in hundredths (see item-value.ts), the value per krona. */
  valueScore: number;
  /** Value the item adds when funded at `consideredAmount` (see item-value.ts). */
  value: number;
  funded: boolean;
  reason: ItemReason;
  reduction?: Reduction;
}

/** Money and value of one part in a proposal. */
export interface PartTotals {
  budget: number;
  used: number;
  remaining: number;
  value: number;
  /** Forced-in items of the part exceed its budget: the part could not be planned. */
  overCommitted: boolean;
}

/** Proposal-level notes the card shows above the item list. */
export type ProposalExplanation =
  | { code: 'value_measure'; measure: string }
  | { code: 'tie_break'; rule: string }
  | { code: 'greedy_rule'; rule: string }
  | {
      code: 'forced_in_over_budget';
      part: Part;
      budget: number;
      forcedSek: number;
      overBySek: number;
      itemIds: string[];
    };

/** A set of items to fund within the part budgets, and why each item is where it is. */
export interface AllocationProposal {
  method: 'optimal' | 'greedy';
  budgets: PartBudgets;
  funded: ItemResult[];
  leftOut: ItemResult[];
  totals: { value: number; amount: number; perPart: Record<Part, PartTotals> };
  explanations: ProposalExplanation[];
  /** False when forced-in items exceed some part's budget. */
  feasible: boolean;
  /** Search nodes the exact solver visited (optimal only), for benchmarks. */
  searchNodes?: number;
  /** Whether the exact search proved its proposal optimal (optimal only); see Optimality. */
  optimality?: Optimality;
}

/**
 * How far the exact proposal can be from the best possible. The search has a node budget
 * (knapsack.ts); when a part runs out of it, the proposal is the best found and the gap is proven
 * by the LP relaxation: no proposal is worth more than `upperBound`.
 */
export interface Optimality {
  /** No proposal within the part budgets is worth more than this one. */
  proven: boolean;
  /** Proven upper bound on the total value of any proposal (same units as totals.value). */
  upperBound: number;
  /** upperBound − totals.value: 0 when proven. */
  gap: number;
  /** gap / upperBound, 0..1 (0 when proven or when nothing has value). */
  relativeGap: number;
}
