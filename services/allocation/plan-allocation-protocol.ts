import type { AllocationPlan, PlanAllocationInput } from './plan-allocation';
import type { AllocationItem } from './types';

/**
 * The messages between planAllocationAsync (plan-allocation-async.ts) and its worker thread
 * (plan-allocation-worker.ts): the input goes in chunks, the plan comes back in chunks, one each
 * time the main thread asks for more, so the main thread never has more than one chunk to read
 * at a time.
 */

/** The long lists of a plan, sent back in chunks; everything else goes in one message. */
export const PLAN_LISTS = [
  'optimal.funded',
  'optimal.leftOut',
  'greedy.funded',
  'greedy.leftOut',
  'comparison.onlyOptimal',
  'comparison.onlyGreedy',
] as const;
export type PlanList = (typeof PLAN_LISTS)[number];

/** Items (and results) per message: reading one takes a few milliseconds. */
export const CHUNK = 1_000;

/** Main thread to worker. */
export type ToWorker =
  | { type: 'input'; input: Omit<PlanAllocationInput, 'items'> }
  | { type: 'items'; items: AllocationItem[] }
  | { type: 'end' }
  | { type: 'more' };

/** Worker to main thread. */
export type FromWorker =
  | { type: 'plan'; skeleton: AllocationPlan }
  | { type: 'chunk'; list: PlanList; items: unknown[] }
  | { type: 'done' }
  | { type: 'error'; kind: PlanErrorKind; message: string; problems?: string[] };

/** The errors planAllocation throws on purpose, rebuilt as the same class on the main thread. */
export type PlanErrorKind = 'allocation_input' | 'part_budget' | 'knapsack_input' | 'other';

/** The list `name` of a plan, to fill or to read. */
export function planList(plan: AllocationPlan, name: PlanList): unknown[] {
  switch (name) {
    case 'optimal.funded':
      return plan.optimal.funded;
    case 'optimal.leftOut':
      return plan.optimal.leftOut;
    case 'greedy.funded':
      return plan.greedy.funded;
    case 'greedy.leftOut':
      return plan.greedy.leftOut;
    case 'comparison.onlyOptimal':
      return plan.comparison.onlyOptimal;
    case 'comparison.onlyGreedy':
      return plan.comparison.onlyGreedy;
  }
}

/** The plan with its long lists empty, in the same places (the main thread fills them). */
export function skeletonOf(plan: AllocationPlan): AllocationPlan {
  return {
    ...plan,
    optimal: { ...plan.optimal, funded: [], leftOut: [] },
    greedy: { ...plan.greedy, funded: [], leftOut: [] },
    comparison: { ...plan.comparison, onlyOptimal: [], onlyGreedy: [] },
  };
}

/** workerData.role of the allocation worker: the module serves only when started as one. */
export const WORKER_ROLE = 'allocation-plan';
