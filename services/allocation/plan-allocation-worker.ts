import { parentPort, workerData } from 'node:worker_threads';
import { AllocationInputError } from './build-proposal';
import { KnapsackInputError } from './knapsack';
import { PartBudgetError } from './part-budgets';
import { planAllocation, type AllocationPlan, type PlanAllocationInput } from './plan-allocation';
import {
  CHUNK,
  PLAN_LISTS,
  WORKER_ROLE,
  planList,
  skeletonOf,
  type FromWorker,
  type ToWorker,
} from './plan-allocation-protocol';
import type { AllocationItem } from './types';

/**
 * The worker thread of planAllocationAsync (plan-allocation-async.ts), kept between plans: for each
 * request it receives the input in chunks, runs the very same planAllocation, and sends the plan
 * back in chunks, each when the main thread asks for more (plan-allocation-protocol.ts).
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
  let items: AllocationItem[] = [];
  let outbox: FromWorker[] = [];
  const send = (msg: FromWorker) => port.postMessage(msg);

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'input':
        input = msg.input;
        items = [];
        outbox = [];
        break;
      case 'items':
        for (const item of msg.items) items.push(item);
        break;
      case 'end': {
        let plan: AllocationPlan;
        try {
          if (!input) throw new Error('allocation worker got items without their input');
          plan = planAllocation({ ...input, items });
        } catch (err) {
          send(errorMessage(err));
          break;
        } finally {
          input = null;
          items = [];
        }
        for (const list of PLAN_LISTS) {
          const all = planList(plan, list);
          for (let i = 0; i < all.length; i += CHUNK)
            outbox.push({ type: 'chunk', list, items: all.slice(i, i + CHUNK) });
        }
        outbox.push({ type: 'done' });
        outbox.reverse(); // popped from the end: the first chunk is last
        send({ type: 'plan', skeleton: skeletonOf(plan) });
        break;
      }
      case 'more': {
        const next = outbox.pop();
        if (next) send(next);
        break;
      }
    }
  });
}

if (parentPort && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE)
  serve(parentPort);
