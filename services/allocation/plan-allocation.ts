import { compareWithGreedy, type AllocationComparison } from './compare-with-greedy';
import { greedyByScore } from './greedy-by-score';
import { optimise } from './optimise';
import { partBudgets } from './part-budgets';
import type { AllocationItem, AllocationProposal, PartBudgets, PartShares } from './types';
import { withWhatIfs, type WhatIf } from './what-if';

/** Everything the allocation card shows for one portfolio and fiscal year. */
export interface AllocationPlan {
  budgets: PartBudgets;
  optimal: AllocationProposal;
  greedy: AllocationProposal;
  comparison: AllocationComparison;
}

/**
 * One call for `fördela <portfölj>`: splits the frame into part budgets, applies the chair's
 * what-ifs, and returns the exact proposal beside the greedy baseline and their difference.
 */
export function planAllocation(input: {
  frame: number;
  shares: PartShares;
  items: readonly AllocationItem[];
  whatIfs?: readonly WhatIf[];
}): AllocationPlan {
  const budgets = partBudgets(input.frame, input.shares);
  const items = withWhatIfs(input.items, input.whatIfs ?? []);
  const optimal = optimise(items, budgets);
  const greedy = greedyByScore(items, budgets);
  return { budgets, optimal, greedy, comparison: compareWithGreedy(optimal, greedy) };
}
