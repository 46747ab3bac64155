import { buildProposal, itemKey } from './build-proposal';
import { consideredAmount, itemValue } from './item-value';
import { solveKnapsack, type KnapsackOptions } from './knapsack';
import type { AllocationItem, AllocationProposal, PartBudgets } from './types';

/** The tie rule of the exact proposal, cited on the card and in the decision record. */
export const OPTIMAL_TIE_RULE = 'value-then-fewer-kronor-then-canonical-order';

/**
 * The exact allocation proposal: per part, the set of free items with the greatest total value
 * (item-value.ts) that fits in what the part has left after forced-in items — an exact 0/1
 * knapsack (knapsack.ts), never a heuristic. Parts are independent because each has its own
 * budget. Ties: higher value, then fewer kronor, then the canonical order (higher value per
 * krona, larger amount, lower registration number) — the same answer for the same items in any
 * input order. The search has a node budget per part (knapsack.ts NODE_BUDGET); a part that
 * exhausts it keeps the best set found, and `optimality` states the proven gap for the card.
 */
export function optimise(
  items: readonly AllocationItem[],
  budgets: PartBudgets,
  /** Solver tuning (node budget); the defaults are what the chair gets. */
  solver: KnapsackOptions = {},
): AllocationProposal {
  return buildProposal(
    'optimal',
    items,
    budgets,
    (candidates, capacity) => {
      const solution = solveKnapsack(
        candidates.map((item) => ({
          weight: consideredAmount(item),
          value: itemValue(item),
          key: itemKey(item),
        })),
        capacity,
        solver,
      );
      return {
        chosen: solution.chosen.map((i) => candidates[i]),
        nodes: solution.nodes,
        upperBound: solution.upperBound,
      };
    },
    { code: 'tie_break', rule: OPTIMAL_TIE_RULE },
  );
}
