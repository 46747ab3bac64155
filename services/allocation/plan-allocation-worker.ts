import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { AllocationInputError } from './build-proposal';
import { KnapsackInputError } from './knapsack';
import { PartBudgetError } from './part-budgets';
import { planAllocation, type PlanAllocationInput } from './plan-allocation';
import {
  CHUNK,
  PLAN_LISTS,
  WORKER_ROLE,
  planList,
  skeletonOf,
  type FromWorker,
  type PlanChunk,
  type ToWorker,
} from './plan-allocation-protocol';
import type { AllocationItem } from './types';

/**
 * The worker thread of planAllocationAsync (plan-allocation-async.ts), kept between plans: for each
 * request it receives the input in chunks, runs the very same planAllocation, and sends the plan
 * back in chunks (plan-allocation-protocol.ts).
 */

function errorMessage(err: unknown): FromWorker {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AllocationInputError)
    return { type: 'error', kind: 'allocation_input', message, problems: err.problems };
  if (err instanceof PartBudgetError) return { type: 'error', kind: 'part_budget', message };
  if (err instanceof KnapsackInputError) return { type: 'error', kind: 'knapsack_input', message };
  return { type: 'error', kind: 'other', message };
}

/** Plans one request after another: each starts with 'input' and ends when its plan is sent. */
function serve(port: NonNullable<typeof parentPort>): void {
  let input: Omit<PlanAllocationInput, 'items'> | null = null;
  let results: MessagePort | null = null;
  let items: AllocationItem[] = [];

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'input':
        input = msg.input;
        results = msg.results;
        items = [];
        break;
      case 'items':
        for (const item of msg.items) items.push(item);
        break;
      case 'end': {
        const out = results;
        try {
          if (!input || !out) throw new Error('allocation worker got items without their input');
          const plan = planAllocation({ ...input, items });
          let chunks = 0;
          for (const list of PLAN_LISTS) {
            const all = planList(plan, list);
            for (let i = 0; i < all.length; i += CHUNK, chunks++) {
              const chunk: PlanChunk = { list, items: all.slice(i, i + CHUNK) };
              out.postMessage(chunk);
            }
          }
          post(port, { type: 'plan', skeleton: skeletonOf(plan), chunks });
        } catch (err) {
          post(port, errorMessage(err));
        } finally {
          input = null;
          results = null;
          items = [];
        }
        break;
      }
    }
  });
}

function post(port: NonNullable<typeof parentPort>, msg: FromWorker): void {
  port.postMessage(msg);
}

if (parentPort && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE)
  serve(parentPort);
