import { PARTS } from '../applications/wizard-steps';
import { compareStrings } from './knapsack';
import { VALUE_MEASURE_ID, consideredAmount, itemValue, valueScore } from './item-value';
import type {
  AllocationItem,
  AllocationProposal,
  ItemReason,
  ItemResult,
  Part,
  PartBudgets,
  PartTotals,
  ProposalExplanation,
} from './types';

/** Thrown when items or budgets cannot be planned; `problems` lists every fault found. */
export class AllocationInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid allocation input: ${problems.join('; ')}`);
  }
}

/** Picks, among a part's free candidates, which to fund within `capacity` kronor. */
export type PartSelector = (
  candidates: AllocationItem[],
  capacity: number,
) => {
  chosen: AllocationItem[];
  nodes?: number;
};

/**
 * Shared frame of both the optimal and the greedy proposal, so the two differ only in how they
 * pick: validates, pre-commits forced-in items, drops forced-out ones, lets `select` choose per
 * part, and explains every item's side of the funding line.
 */
export function buildProposal(
  method: AllocationProposal['method'],
  items: readonly AllocationItem[],
  budgets: PartBudgets,
  select: PartSelector,
  ruleExplanation: ProposalExplanation,
): AllocationProposal {
  validateAllocationInput(items, budgets);
  const funded: ItemResult[] = [];
  const leftOut: ItemResult[] = [];
  const explanations: ProposalExplanation[] = [
    { code: 'value_measure', measure: VALUE_MEASURE_ID },
    ruleExplanation,
  ];
  const perPart = {} as Record<Part, PartTotals>;
  let searchNodes = 0;

  for (const part of PARTS) {
    const budget = budgets[part];
    const inPart = items.filter((i) => i.part === part);
    const forcedIn = inPart.filter((i) => i.forced === 'in');
    const free = inPart.filter((i) => i.forced === undefined);
    for (const item of inPart.filter((i) => i.forced === 'out')) {
      leftOut.push(result(item, false, { code: 'forced_out', reason: item.reason }));
    }
    const forcedSek = sum(forcedIn.map(consideredAmount));
    if (forcedSek > budget) {
      const overBySek = forcedSek - budget;
      for (const item of forcedIn) {
        leftOut.push(
          result(item, false, {
            code: 'forced_in_over_budget',
            part,
            overBySek,
            reason: item.reason,
          }),
        );
      }
      for (const item of free) {
        leftOut.push(result(item, false, { code: 'part_over_committed', part, overBySek }));
      }
      explanations.push({
        code: 'forced_in_over_budget',
        part,
        budget,
        forcedSek,
        overBySek,
        itemIds: forcedIn.map((i) => i.id).sort(compareStrings),
      });
      perPart[part] = { budget, used: 0, remaining: budget, value: 0, overCommitted: true };
      continue;
    }

    const capacity = budget - forcedSek;
    const picked = select(free, capacity);
    searchNodes += picked.nodes ?? 0;
    const chosen = new Set(picked.chosen.map((i) => i.id));
    const used = forcedSek + sum(picked.chosen.map(consideredAmount));
    if (used > budget) throw new Error(`selector exceeded the ${part} budget`);
    const remaining = budget - used;
    for (const item of forcedIn) {
      funded.push(result(item, true, { code: 'forced_in', reason: item.reason }));
    }
    for (const item of free) {
      const amount = consideredAmount(item);
      if (chosen.has(item.id)) funded.push(result(item, true, { code: 'fits' }));
      else if (amount > capacity) {
        leftOut.push(
          result(item, false, {
            code: 'left_out_larger_than_part',
            part,
            overBySek: amount - capacity,
          }),
        );
      } else {
        leftOut.push(
          result(item, false, {
            code: 'left_out_exceeds_part',
            part,
            overBySek: amount - remaining,
          }),
        );
      }
    }
    const value = sum(funded.filter((r) => r.part === part).map((r) => r.value));
    perPart[part] = { budget, used, remaining, value, overCommitted: false };
  }

  funded.sort(compareResults);
  leftOut.sort(compareResults);
  return {
    method,
    budgets: { ...budgets },
    funded,
    leftOut,
    totals: {
      value: sum(PARTS.map((p) => perPart[p].value)),
      amount: sum(PARTS.map((p) => perPart[p].used)),
      perPart,
    },
    explanations,
    feasible: PARTS.every((p) => !perPart[p].overCommitted),
    ...(method === 'optimal' ? { searchNodes } : {}),
  };
}

/** Checks what the engine relies on; throws AllocationInputError listing every problem. */
export function validateAllocationInput(
  items: readonly AllocationItem[],
  budgets: PartBudgets,
): void {
  const problems: string[] = [];
  for (const part of PARTS) {
    if (!Number.isSafeInteger(budgets[part]) || budgets[part] < 0) {
      problems.push(`budget of ${part} must be a non-negative whole number of kronor`);
    }
  }
  const ids = new Set<string>();
  for (const item of items) {
    const who = `item ${item.id}`;
    if (ids.has(item.id)) problems.push(`${who}: duplicate id`);
    ids.add(item.id);
    if (!(PARTS as readonly string[]).includes(item.part)) problems.push(`${who}: unknown part`);
    if (!Number.isSafeInteger(item.amount) || item.amount <= 0) {
      problems.push(`${who}: amount must be a positive whole number of kronor`);
    }
    if (
      item.reducedAmount !== undefined &&
      (!Number.isSafeInteger(item.reducedAmount) ||
        item.reducedAmount <= 0 ||
        item.reducedAmount > item.amount)
    ) {
      problems.push(`${who}: reduced amount must be a whole number between 1 and the amount`);
    }
    if (!Number.isFinite(item.meanScore) || item.meanScore < 1 || item.meanScore > 5) {
      problems.push(`${who}: mean score must be between 1 and 5`);
    }
    for (const field of ['yearlyEffectSek', 'yearlyRunningCost', 'devCost'] as const) {
      if (!Number.isFinite(item[field]) || item[field] < 0) {
        problems.push(`${who}: ${field} must be a non-negative number`);
      }
    }
    if (item.forced !== undefined && item.forced !== 'in' && item.forced !== 'out') {
      problems.push(`${who}: forced must be 'in' or 'out'`);
    }
  }
  if (problems.length > 0) throw new AllocationInputError(problems);
}

/** Canonical tie-break key of an item: registration number, then id. */
export function itemKey(item: AllocationItem): string {
  return `${item.regNo}\u0000${item.id}`;
}

function result(item: AllocationItem, funded: boolean, reason: ItemReason): ItemResult {
  const considered = consideredAmount(item);
  return {
    id: item.id,
    regNo: item.regNo,
    title: item.title,
    part: item.part,
    requestedAmount: item.amount,
    consideredAmount: considered,
    fundedAmount: funded ? considered : 0,
    valueScore: valueScore(item),
    value: itemValue(item),
    funded,
    reason,
    ...(item.reducedAmount !== undefined
      ? { reduction: { from: item.amount, to: item.reducedAmount, reason: item.reason } }
      : {}),
  };
}

/** Part order, then higher value per krona, then registration number, then id. */
function compareResults(a: ItemResult, b: ItemResult): number {
  return (
    PARTS.indexOf(a.part) - PARTS.indexOf(b.part) ||
    b.valueScore - a.valueScore ||
    compareStrings(a.regNo, b.regNo) ||
    compareStrings(a.id, b.id)
  );
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
