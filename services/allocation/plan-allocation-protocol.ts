import type { MessagePort } from 'node:worker_threads';
import type { AllocationPlan, PlanAllocationInput } from './plan-allocation';
import type { AllocationItem } from './types';

/**
 * The messages between planAllocationAsync (plan-allocation-async.ts) and its worker thread
 * (plan-allocation-worker.ts). The input goes in chunks, a turn of the event loop apart. The plan
 * comes back as its skeleton (on the worker's own port) after all its long lists were posted in
 * chunks on a port of their own, which has no listener: the main thread takes one chunk per turn
 * from it (receiveMessageOnPort), so it never reads more than one chunk at a time and never waits
 * for the worker in between.
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

/** Main thread to worker; `results` is where the worker posts the chunks of the plan. */
export type ToWorker =
  | { type: 'input'; input: Omit<PlanAllocationInput, 'items'>; results: MessagePort }
  | { type: 'items'; items: AllocationItem[] }
  | { type: 'end' };

/** Worker to main thread, once per request: the plan (its `chunks` already posted) or the error. */
export type FromWorker =
  | { type: 'plan'; skeleton: AllocationPlan; chunks: number }
  | { type: 'error'; kind: PlanErrorKind; message: string; problems?: string[] };

/** One chunk of a long list of the plan, on the results port. */
export interface PlanChunk {
  list: PlanList;
  items: unknown[];
}

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
