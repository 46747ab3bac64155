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

/** Picks, among a part's free candidates (returning those same objects), what to fund. */
export type PartSelector = (
  candidates: AllocationItem[],
  capacity: number,
) => {
  chosen: AllocationItem[];
  nodes?: number;
  /** Proven upper bound on the value of any choice within `capacity` (exact selectors only). */
  upperBound?: number;
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
  let gap = 0;

  const byPart = new Map<Part, AllocationItem[]>(PARTS.map((p) => [p, []]));
  for (const item of items) byPart.get(item.part)?.push(item);

  for (const part of PARTS) {
    const budget = budgets[part];
    const forcedIn: AllocationItem[] = [];
    const free: AllocationItem[] = [];
    for (const item of byPart.get(part) ?? []) {
      if (item.forced === 'in') forcedIn.push(item);
      else if (item.forced === undefined) free.push(item);
      else leftOut.push(result(item, false, { code: 'forced_out', reason: item.reason }));
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
    if (picked.upperBound !== undefined) {
      gap += Math.max(0, picked.upperBound - sum(picked.chosen.map((i) => itemValue(i))));
    }
    const chosen = new Set(picked.chosen);
    const used = forcedSek + sum(picked.chosen.map(consideredAmount));
    if (used > budget) throw new Error(`selector exceeded the ${part} budget`);
    const remaining = budget - used;
    let value = 0;
    for (const item of forcedIn) {
      const r = result(item, true, { code: 'forced_in', reason: item.reason });
      value += r.value;
      funded.push(r);
    }
    for (const item of free) {
      const amount = consideredAmount(item);
      if (chosen.has(item)) {
        const r = result(item, true, { code: 'fits' });
        value += r.value;
        funded.push(r);
      } else if (amount > capacity) {
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
    perPart[part] = { budget, used, remaining, value, overCommitted: false };
  }

  sortResults(funded);
  sortResults(leftOut);
  const totalValue = sum(PARTS.map((p) => perPart[p].value));
  return {
    method,
    budgets: { ...budgets },
    funded,
    leftOut,
    totals: {
      value: totalValue,
      amount: sum(PARTS.map((p) => perPart[p].used)),
      perPart,
    },
    explanations,
    feasible: PARTS.every((p) => !perPart[p].overCommitted),
    ...(method === 'optimal'
      ? {
          searchNodes,
          optimality: {
            proven: gap === 0,
            upperBound: totalValue + gap,
            gap,
            relativeGap: gap > 0 ? gap / (totalValue + gap) : 0,
          },
        }
      : {}),
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
    if (!KNOWN_PARTS.has(item.part)) problems.push(`${who}: unknown part`);
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
    if (!isCost(item.yearlyEffectSek) || !isCost(item.yearlyRunningCost) || !isCost(item.devCost)) {
      for (const field of COST_FIELDS) {
        if (!Number.isFinite(item[field]) || item[field] < 0) {
          problems.push(`${who}: ${field} must be a non-negative number`);
        }
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
  const score = valueScore(item);
  return {
    id: item.id,
    regNo: item.regNo,
    title: item.title,
    part: item.part,
    requestedAmount: item.amount,
    consideredAmount: considered,
    fundedAmount: funded ? considered : 0,
    valueScore: score,
    value: score * considered,
    funded,
    reason,
    ...(item.reducedAmount !== undefined
      ? { reduction: { from: item.amount, to: item.reducedAmount, reason: item.reason } }
      : {}),
  };
}

const PART_INDEX = Object.fromEntries(PARTS.map((p, i) => [p, i])) as Record<Part, number>;
const KNOWN_PARTS: ReadonlySet<string> = new Set(PARTS);
const COST_FIELDS = ['yearlyEffectSek', 'yearlyRunningCost', 'devCost'] as const;
/** A finite, non-negative number (false for NaN and Infinity). */
const isCost = (x: number): boolean => x >= 0 && x < Infinity;

/**
 * Sorts in place: part order, then higher value per krona, then registration number, then id.
 * Results are grouped by part and score first (a score is at most 550 hundredths, item-value.ts),
 * so only results with equal scores are compared by their strings.
 */
function sortResults(list: ItemResult[]): void {
  const groups = new Map<number, ItemResult[]>();
  for (const r of list) {
    const key = PART_INDEX[r.part] * SCORE_SPAN - r.valueScore;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  let i = 0;
  for (const key of keys) {
    const group = groups.get(key) ?? [];
    group.sort((a, b) => compareStrings(a.regNo, b.regNo) || compareStrings(a.id, b.id));
    for (const r of group) list[i++] = r;
  }
}

/** Larger than any valueScore, so part × SCORE_SPAN − score orders by part, then score down. */
const SCORE_SPAN = 1_000_000;

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
