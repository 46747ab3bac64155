import { PARTS } from '../applications/wizard-steps';
import { compareWithGreedy, type AllocationComparison } from './compare-with-greedy';
import { greedyByScore } from './greedy-by-score';
import type { KnapsackOptions } from './knapsack';
import { optimise } from './optimise';
import { partBudgets } from './part-budgets';
import type { AllocationItem, AllocationProposal, PartBudgets, PartShares } from './types';
import { withWhatIfs, type WhatIf } from './what-if';

/** Everything the allocation card shows for one portfolio and fiscal year. */
export interface AllocationPlan {
  /** The frame split into its three parts. */
  budgets: PartBudgets;
  /** What each part has left after money already granted this year (`granted`): what is planned. */
  available: PartBudgets;
  optimal: AllocationProposal;
  greedy: AllocationProposal;
  comparison: AllocationComparison;
}

/** What `planAllocation` plans from: plain data, so a worker thread can be handed it as it is. */
export interface PlanAllocationInput {
  frame: number;
  shares: PartShares;
  items: readonly AllocationItem[];
  whatIfs?: readonly WhatIf[];
  /** Kronor per part already granted this fiscal year by earlier decisions (default none). */
  granted?: PartBudgets;
  /** Exact solver tuning, e.g. a smaller node budget in tests; default: the solver's own. */
  solver?: KnapsackOptions;
}

/**
 * One call for `fördela <portfölj>`: splits the frame into part budgets, takes off what earlier
 * decisions of the year already granted per part, applies the chair's what-ifs, and returns the
 * exact proposal beside the greedy baseline and their difference.
 */
export function planAllocation(input: PlanAllocationInput): AllocationPlan {
  const budgets = partBudgets(input.frame, input.shares);
  const available = { ...budgets };
  for (const part of PARTS)
    available[part] = Math.max(0, budgets[part] - (input.granted?.[part] ?? 0));
  const items = withWhatIfs(input.items, input.whatIfs ?? []);
  const optimal = optimise(items, available, input.solver);
  const greedy = greedyByScore(items, available);
  return { budgets, available, optimal, greedy, comparison: compareWithGreedy(optimal, greedy) };
}
