import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Logger } from '../logging/logger';
import { AllocationInputError } from './build-proposal';
import { KnapsackInputError } from './knapsack';
import { PartBudgetError } from './part-budgets';
import { planAllocation, type AllocationPlan, type PlanAllocationInput } from './plan-allocation';
import {
  CHUNK,
  WORKER_ROLE,
  planList,
  type FromWorker,
  type PlanChunk,
  type ToWorker,
} from './plan-allocation-protocol';

/** At most this many items are first tried on the event loop (a few milliseconds of work). */
export const IN_PROCESS_MAX_ITEMS = 2_000;

/**
 * Search nodes (all parts together) the in-process try may use: about 5 ms of search. A harder
 * instance, however small, goes to the worker.
 */
export const IN_PROCESS_NODE_CAP = 50_000;

/** How planAllocationAsync may run; the defaults are what the bot uses. */
export interface PlanAsyncOptions {
  /** Told when the worker failed and the plan was made on the event loop instead. */
  log?: Pick<Logger, 'warn'>;
  /** Largest number of items tried in process first (default IN_PROCESS_MAX_ITEMS). */
  inProcessMaxItems?: number;
  /** Called with the worker that plans this request (tests stop it to see the fallback). */
  onWorker?: (worker: Worker) => void;
  /** The worker's module (default plan-allocation-worker next to this file). */
  workerModule?: string;
}

/**
 * planAllocation without holding up the event loop for other people's turns: the same plan, with
 * the same proven optimality or gap, whatever the size.
 *
 * A small instance (at most `inProcessMaxItems` items) is first planned in process with the search
 * capped at IN_PROCESS_NODE_CAP nodes; when every part finished its first search round within the
 * cap, that plan is exactly what the uncapped solver returns (planWithinNodeCap) and it is used.
 * Anything larger or harder is planned by planAllocation in a worker thread, kept warm between
 * plans (PlanWorker), the items sent and the plan received in chunks of CHUNK so that no single
 * step on the event loop takes long (plan-allocation-protocol.ts). Errors planAllocation throws on
 * purpose (bad input) are thrown here as the same classes. If the worker itself fails — cannot
 * start, crashes, is stopped — the plan is made in process after all (the turn waits, but gets the
 * same answer) and `log` is told.
 */
export async function planAllocationAsync(
  input: PlanAllocationInput,
  opts: PlanAsyncOptions = {},
): Promise<AllocationPlan> {
  if (input.items.length <= (opts.inProcessMaxItems ?? IN_PROCESS_MAX_ITEMS)) {
    const plan = planWithinNodeCap(input);
    if (plan) return plan;
  }
  try {
    return await inWorker(input, opts);
  } catch (err) {
    if (!(err instanceof WorkerFailure)) throw err;
    opts.log?.warn({ err: err.cause }, 'allocation worker failed: planning on the event loop');
    return planAllocation(input);
  }
}

/**
 * The plan with the search capped, or null when the cap may have changed it. solveKnapsack's first
 * round is a branch and bound limited to min(nodeLimit, nodeBudget) nodes; a part that used fewer
 * than `limit` nodes in all finished that round (complete, proven optimal) under the cap, and the
 * uncapped solver, whose limit is no lower, runs the same deterministic search to the same end.
 * The plan's searchNodes is the sum over parts, so below `limit` every part is in that case.
 */
export function planWithinNodeCap(input: PlanAllocationInput): AllocationPlan | null {
  const solver = input.solver ?? {};
  const limit = Math.min(
    IN_PROCESS_NODE_CAP,
    solver.nodeLimit ?? IN_PROCESS_NODE_CAP,
    solver.nodeBudget ?? IN_PROCESS_NODE_CAP,
  );
  const capped = planAllocation({
    ...input,
    solver: { ...solver, nodeBudget: Math.min(solver.nodeBudget ?? Infinity, IN_PROCESS_NODE_CAP) },
  });
  return (capped.optimal.searchNodes ?? 0) < limit ? capped : null;
}

/** The worker could not deliver a plan (not: planAllocation refused the input). */
class WorkerFailure extends Error {
  constructor(cause: unknown) {
    super(`allocation worker failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** Lets the event loop run the other turns' callbacks before the next chunk. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long a worker is kept, warm, after its last plan. */
const IDLE_MS = 60_000;

/** The kept workers by module: one plans at a time, later requests wait their turn. */
const workers = new Map<string, PlanWorker>();

/** The request a worker is planning: its messages and its failure go here. */
interface Job {
  onMessage(msg: FromWorker): void;
  onFailure(err: unknown): void;
}

/**
 * A worker thread kept between plans, so later plans find it started and its code compiled (a new
 * thread for each plan spends longer starting and warming up than planning). It holds the process
 * open only while it plans, and ends after IDLE_MS without work. When it fails, the plan it was
 * making fails (and is made in process); the next request starts a new worker.
 */
class PlanWorker {
  readonly worker: Worker;
  private job: Job | null = null;
  private turn: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | null = null;
  private dead = false;

  constructor(private readonly file: string) {
    this.worker = startWorker(file);
    this.worker.unref();
    this.worker.on('message', (msg: FromWorker) => {
      try {
        this.job?.onMessage(msg);
      } catch (err) {
        this.die(err);
      }
    });
    this.worker.on('error', (err) => this.die(err));
    this.worker.on('messageerror', (err) => this.die(err));
    this.worker.on('exit', (code) =>
      this.die(
        new Error(`allocation worker stopped (exit code ${code}) before its plan was complete`),
      ),
    );
  }

  static for(file: string): PlanWorker {
    let w = workers.get(file);
    if (!w) {
      w = new PlanWorker(file);
      workers.set(file, w);
    }
    return w;
  }

  /** Plans `input` when the plans asked for before it are done. */
  plan(input: PlanAllocationInput, opts: PlanAsyncOptions): Promise<AllocationPlan> {
    const mine = this.turn.then(() => this.run(input, opts));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private die(err: unknown): void {
    if (this.dead) return;
    this.dead = true;
    if (workers.get(this.file) === this) workers.delete(this.file);
    if (this.idle) clearTimeout(this.idle);
    const job = this.job;
    this.job = null;
    job?.onFailure(err);
    void this.worker.terminate();
  }

  private run(input: PlanAllocationInput, opts: PlanAsyncOptions): Promise<AllocationPlan> {
    if (this.dead) return Promise.reject(new WorkerFailure(new Error('allocation worker stopped')));
    if (this.idle) clearTimeout(this.idle);
    this.worker.ref();
    const channel = new MessageChannel();
    return new Promise<AllocationPlan>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        channel.port1.close();
        if (this.job === job) this.job = null;
        if (!this.dead) {
          this.worker.unref();
          this.idle = setTimeout(() => this.die(new Error('idle')), IDLE_MS).unref();
        }
        outcome();
      };
      const fail = (err: unknown) => finish(() => reject(new WorkerFailure(err)));
      // The chunks are all on the results port when the skeleton arrives: one per turn.
      const collect = async (plan: AllocationPlan, chunks: number) => {
        for (let k = 0; k < chunks; k++) {
          await nextTurn();
          if (settled) return;
          const received = receiveMessageOnPort(channel.port1) as
            { message: PlanChunk } | undefined;
          if (!received) throw new Error('allocation worker sent fewer chunks than it announced');
          const list = planList(plan, received.message.list);
          for (const x of received.message.items) list.push(x);
        }
        finish(() => resolve(plan));
      };
      const job: Job = {
        onMessage: (msg) => {
          switch (msg.type) {
            case 'plan':
              return void collect(msg.skeleton, msg.chunks).catch(fail);
            case 'error':
              return finish(() => reject(planError(msg)));
          }
        },
        onFailure: fail,
      };
      this.job = job;
      opts.onWorker?.(this.worker);

      void (async () => {
        const { items, ...rest } = input;
        this.worker.postMessage(
          { type: 'input', input: rest, results: channel.port2 } satisfies ToWorker,
          [channel.port2],
        );
        for (let i = 0; i < items.length && !settled; i += CHUNK) {
          this.worker.postMessage({
            type: 'items',
            items: items.slice(i, i + CHUNK),
          } satisfies ToWorker);
          await nextTurn();
        }
        if (!settled) this.worker.postMessage({ type: 'end' } satisfies ToWorker);
      })().catch((err: unknown) => this.die(err));
    });
  }
}

/** Plans in the kept worker (started when there is none). */
function inWorker(input: PlanAllocationInput, opts: PlanAsyncOptions): Promise<AllocationPlan> {
  const file =
    opts.workerModule ?? path.join(__dirname, `plan-allocation-worker${path.extname(__filename)}`);
  let worker: PlanWorker;
  try {
    worker = PlanWorker.for(file);
  } catch (err) {
    return Promise.reject(new WorkerFailure(err));
  }
  return worker.plan(input, opts);
}

/**
 * Starts the worker module. Compiled (dist/), it is the .js next to this file. Under ts-jest the
 * sources are TypeScript, which a worker thread cannot load by itself: a short bootstrap teaches
 * its require to transpile .ts files with the TypeScript compiler (what ts-jest does with
 * isolatedModules) and then loads the same module.
 */
function startWorker(file: string): Worker {
  const workerData = { role: WORKER_ROLE };
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  return new Worker(TS_BOOTSTRAP, {
    eval: true,
    workerData: { ...workerData, entry: file, typescript: require.resolve('typescript') },
  });
}

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ts = require(workerData.typescript);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  module._compile(outputText, filename);
};
require(workerData.entry);
`;

/** The error planAllocation threw in the worker, as the same class. */
function planError(msg: Extract<FromWorker, { type: 'error' }>): Error {
  switch (msg.kind) {
    case 'allocation_input':
      return new AllocationInputError(msg.problems ?? []);
    case 'part_budget':
      return new PartBudgetError(msg.message);
    case 'knapsack_input':
      return new KnapsackInputError(msg.message);
    case 'other':
      return new Error(msg.message);
  }
}
