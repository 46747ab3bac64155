import { buildProposal, itemKey } from './build-proposal';
import { consideredAmount } from './item-value';
import { compareStrings } from './knapsack';
import type { AllocationItem, AllocationProposal, PartBudgets } from './types';

/** The greedy baseline's rule, cited on the card. */
export const GREEDY_RULE = 'highest-score-first-skip-what-does-not-fit';

/**
 * The baseline the optimum is shown against: "highest score first until the money runs out".
 * Per part, after forced-in items, items go by mean review score (highest first; ties: smaller
 * amount, then registration number), and each is funded if it still fits in its part; one that
 * does not fit is skipped and the next is tried (skip and continue, so money is not left on the
 * table only because one big item came first). Forced-out items and reduced amounts count as in
 * the optimum, so the two proposals answer the same what-if.
 */
export function greedyByScore(
  items: readonly AllocationItem[],
  budgets: PartBudgets,
): AllocationProposal {
  return buildProposal(
    'greedy',
    items,
    budgets,
    (candidates, capacity) => {
      const ranked = [...candidates].sort(
        (a, b) =>
          b.meanScore - a.meanScore ||
          consideredAmount(a) - consideredAmount(b) ||
          compareStrings(itemKey(a), itemKey(b)),
      );
      const chosen: AllocationItem[] = [];
      let left = capacity;
      for (const item of ranked) {
        if (consideredAmount(item) <= left) {
          chosen.push(item);
          left -= consideredAmount(item);
        }
      }
      return { chosen };
    },
    { code: 'greedy_rule', rule: GREEDY_RULE },
  );
}
