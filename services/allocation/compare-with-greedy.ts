import { PARTS } from '../applications/wizard-steps';
import { compareStrings } from './knapsack';
import type { AllocationProposal, Part } from './types';

/** How the exact proposal differs from the greedy baseline, for the side-by-side card. */
export interface AllocationComparison {
  valueOptimal: number;
  valueGreedy: number;
  /** valueOptimal − valueGreedy; never negative when both honour the same what-ifs. */
  valueDiff: number;
  /** valueOptimal / valueGreedy, or null when the greedy proposal funds nothing. */
  valueRatio: number | null;
  amountOptimal: number;
  amountGreedy: number;
  /** amountOptimal − amountGreedy: positive means the optimum uses more of the frame. */
  amountDiff: number;
  perPart: Record<Part, { valueDiff: number; amountDiff: number }>;
  /** Ids funded only by the optimum, and only by the greedy ranking. */
  onlyOptimal: string[];
  onlyGreedy: string[];
}

/** Puts the optimum next to "highest score first" in value and money, item by item. */
export function compareWithGreedy(
  optimal: AllocationProposal,
  greedy: AllocationProposal,
): AllocationComparison {
  const optIds = new Set(optimal.funded.map((r) => r.id));
  const greedyIds = new Set(greedy.funded.map((r) => r.id));
  const perPart = {} as AllocationComparison['perPart'];
  for (const part of PARTS) {
    perPart[part] = {
      valueDiff: optimal.totals.perPart[part].value - greedy.totals.perPart[part].value,
      amountDiff: optimal.totals.perPart[part].used - greedy.totals.perPart[part].used,
    };
  }
  return {
    valueOptimal: optimal.totals.value,
    valueGreedy: greedy.totals.value,
    valueDiff: optimal.totals.value - greedy.totals.value,
    valueRatio: greedy.totals.value > 0 ? optimal.totals.value / greedy.totals.value : null,
    amountOptimal: optimal.totals.amount,
    amountGreedy: greedy.totals.amount,
    amountDiff: optimal.totals.amount - greedy.totals.amount,
    perPart,
    onlyOptimal: [...optIds].filter((id) => !greedyIds.has(id)).sort(compareStrings),
    onlyGreedy: [...greedyIds].filter((id) => !optIds.has(id)).sort(compareStrings),
  };
}
