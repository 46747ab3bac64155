import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { PARTS } from '../../../services/applications/wizard-steps';
import { AllocationInputError } from '../../../services/allocation/build-proposal';
import {
  planAllocation,
  type PlanAllocationInput,
} from '../../../services/allocation/plan-allocation';
import {
  IN_PROCESS_MAX_ITEMS,
  IN_PROCESS_NODE_CAP,
  planAllocationAsync,
  planWithinNodeCap,
} from '../../../services/allocation/plan-allocation-async';
import type { AllocationItem } from '../../../services/allocation/types';
import { prng } from '../../support/prng';

/** One portfolio of `n` realistic applications (as the allocation benchmark makes them). */
function portfolio(n: number, seed: number): PlanAllocationInput {
  const rnd = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const items: AllocationItem[] = [];
  for (let i = 0; i < n; i++) {
    const part = PARTS[Math.floor(rnd() * 3)];
    const amount = Math.max(
      100_000,
      Math.min(15_000_000, Math.round(1_500_000 * Math.exp(0.9 * normal()))),
    );
    const bias = 2 + rnd() * 2.5;
    const marks = (3 + Math.floor(rnd() * 5)) * 4;
    let total = 0;
    for (let m = 0; m < marks; m++) total += Math.min(5, Math.max(1, Math.round(bias + normal())));
    items.push({
      id: `a${i}`,
      regNo: `KS-2027/${String(i).padStart(6, '0')}`,
      title: `Ansökan ${i}`,
      part,
      amount,
      meanScore: Math.round((total / marks) * 100) / 100,
      yearlyEffectSek: rnd() < 0.6 ? Math.round(amount * rnd() * 0.8) : 0,
      yearlyRunningCost: Math.round(amount * (0.05 + rnd() * 0.15)),
      devCost: Math.round(amount * (1 + rnd() * 0.3)),
    });
  }
  // A frame that funds about a third of the applications.
  const frame = Math.round((n * 1_800_000) / 3);
  return { frame, shares: { innovation: 30, improvement: 45, maintenance: 25 }, items };
}

/**
 * Subset-sum-like: every application the same score per krona, amounts in arbitrary kronor, half
 * of the money. Few applications, but the exact search needs hundreds of thousands of nodes.
 */
function hardPortfolio(n: number, seed: number): PlanAllocationInput {
  const rnd = prng(seed);
  const items: AllocationItem[] = Array.from({ length: n }, (_, i) => ({
    id: `h${i}`,
    regNo: `KS-2027/${String(i).padStart(4, '0')}`,
    title: `Ansökan ${i}`,
    part: 'innovation',
    amount: 100_000 + Math.floor(rnd() * 900_000),
    meanScore: 3,
    yearlyEffectSek: 0,
    yearlyRunningCost: 0,
    devCost: 0,
  }));
  const total = items.reduce((a, x) => a + x.amount, 0);
  return {
    frame: Math.floor(total / 2) + 1,
    shares: { innovation: 100, improvement: 0, maintenance: 0 },
    items,
  };
}

/** Times every turn of the event loop (a 5 ms interval) while `run` is pending. */
async function watchLoop<T>(
  run: () => Promise<T>,
): Promise<{ result: T; ticks: number; maxGapMs: number }> {
  let ticks = 0;
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  try {
    const result = await run();
    maxGapMs = Math.max(maxGapMs, performance.now() - last);
    return { result, ticks, maxGapMs };
  } finally {
    clearInterval(timer);
  }
}

const noLog = { warn: jest.fn() };
beforeEach(() => noLog.warn.mockClear());

describe('planAllocationAsync', () => {
  it('when a portfolio has 40,000 applications, then it is planned off the event loop, which keeps turning, and the plan is the one planAllocation makes', async () => {
    const input = portfolio(40_000, 2027);
    const t = performance.now();
    const expected = planAllocation(input);
    const onLoopMs = performance.now() - t;

    let started = 0;
    const { result, ticks, maxGapMs } = await watchLoop(() =>
      planAllocationAsync(input, { log: noLog, onWorker: () => started++ }),
    );

    expect(started).toBe(1);
    expect(noLog.warn).not.toHaveBeenCalled();
    expect(result).toEqual(expected);
    expect(result.optimal.optimality).toEqual(expected.optimal.optimality);
    // Planned on the loop, it holds the loop for onLoopMs at once (the ticker fires a few times at
    // most); off it, the loop kept turning. The longest gap is bounded generously, relative to
    // onLoopMs when the machine is loaded: collecting the arriving results, and any other process
    // on a busy 2-core machine, can stretch one turn to 100-200 ms of wall time.
    expect(ticks).toBeGreaterThanOrEqual(20);
    expect(maxGapMs).toBeLessThan(Math.max(200, onLoopMs / 4));
  });

  it('when a portfolio is small and easy, then it is planned in process, as planAllocation plans it', async () => {
    const input = portfolio(300, 7);
    let started = 0;
    const plan = await planAllocationAsync(input, { log: noLog, onWorker: () => started++ });
    expect(started).toBe(0);
    expect(plan).toEqual(planAllocation(input));
  });

  it('when a portfolio is small but its search is long, then it goes to the worker all the same and the plan is unchanged', async () => {
    const input = hardPortfolio(60, 3);
    const expected = planAllocation(input);
    expect(input.items.length).toBeLessThanOrEqual(IN_PROCESS_MAX_ITEMS);
    expect(expected.optimal.searchNodes).toBeGreaterThan(IN_PROCESS_NODE_CAP);
    let started = 0;
    const plan = await planAllocationAsync(input, { log: noLog, onWorker: () => started++ });
    expect(started).toBe(1);
    expect(plan).toEqual(expected);
  });

  it('when the chair has what-ifs and money is already granted, then the worker plans exactly what planAllocation plans', async () => {
    const input: PlanAllocationInput = {
      ...portfolio(2_500, 11),
      whatIfs: [
        { itemId: 'a1', forced: 'in', reason: 'strategiskt viktig' },
        { itemId: 'a2', forced: 'out', reason: 'dubblerar a7' },
        { itemId: 'a3', reducedAmount: 150_000, reason: 'endast förstudie' },
      ],
      granted: { innovation: 10_000_000, improvement: 0, maintenance: 5_000_000 },
    };
    const plan = await planAllocationAsync(input, { log: noLog, inProcessMaxItems: 0 });
    expect(plan).toEqual(planAllocation(input));
    expect(noLog.warn).not.toHaveBeenCalled();
  });

  it('when two chairs plan at once, then each gets the plan of their own portfolio', async () => {
    const inputs = [portfolio(2_200, 21), portfolio(2_600, 23), hardPortfolio(60, 6)];
    const plans = await Promise.all(
      inputs.map((input) => planAllocationAsync(input, { log: noLog, inProcessMaxItems: 0 })),
    );
    plans.forEach((plan, i) => expect(plan).toEqual(planAllocation(inputs[i])));
    expect(noLog.warn).not.toHaveBeenCalled();
  });

  it('when the input is invalid, then the worker path throws the same error as planAllocation', async () => {
    const input = portfolio(50, 5);
    const bad = { ...input, items: [...input.items, { ...input.items[0], amount: -5 }] };
    const expected = (() => {
      try {
        planAllocation(bad);
      } catch (err) {
        return err;
      }
      throw new Error('planAllocation accepted the bad input');
    })();
    expect(expected).toBeInstanceOf(AllocationInputError);
    const thrown = await planAllocationAsync(bad, { log: noLog, inProcessMaxItems: 0 }).catch(
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(AllocationInputError);
    expect((thrown as AllocationInputError).problems).toEqual(
      (expected as AllocationInputError).problems,
    );
    expect(noLog.warn).not.toHaveBeenCalled();
  });

  it('when the worker cannot start, then the plan is made in process and the failure is logged', async () => {
    const input = portfolio(500, 13);
    const plan = await planAllocationAsync(input, {
      log: noLog,
      inProcessMaxItems: 0,
      workerModule: path.join(__dirname, 'no-such-allocation-worker.js'),
    });
    expect(plan).toEqual(planAllocation(input));
    expect(noLog.warn).toHaveBeenCalledTimes(1);
  });

  it('when the worker dies before its plan is complete, then the plan is made in process and the failure is logged', async () => {
    const input = portfolio(3_000, 17);
    const plan = await planAllocationAsync(input, {
      log: noLog,
      onWorker: (worker: Worker) => void worker.terminate(),
    });
    expect(plan).toEqual(planAllocation(input));
    expect(noLog.warn).toHaveBeenCalledTimes(1);
  });
});

describe('planWithinNodeCap', () => {
  const itemsArb = fc
    .array(
      fc.record({
        part: fc.constantFrom(...PARTS),
        amount: fc.integer({ min: 1, max: 5_000 }),
        meanScore: fc.constantFrom(1, 2, 3, 3.5, 4, 5),
      }),
      { maxLength: 40 },
    )
    .map((rows) =>
      rows.map((r, i): AllocationItem => ({
        id: `a${i}`,
        regNo: `REG-${String(i).padStart(2, '0')}`,
        title: `Projekt ${i}`,
        part: r.part,
        amount: r.amount,
        meanScore: r.meanScore,
        yearlyEffectSek: 0,
        yearlyRunningCost: 0,
        devCost: 0,
      })),
    );

  it('when it returns a plan, then it is the plan planAllocation makes, with any solver tuning', () => {
    let kept = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        itemsArb,
        fc.integer({ min: 0, max: 60_000 }),
        fc.option(
          fc.record(
            {
              nodeBudget: fc.integer({ min: 0, max: 80_000 }),
              nodeLimit: fc.integer({ min: 1, max: 80_000 }),
              mitmMaxItems: fc.constantFrom(0, 36),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        (items, frame, solver) => {
          const input: PlanAllocationInput = {
            frame,
            shares: { innovation: 40, improvement: 35, maintenance: 25 },
            items,
            ...(solver ? { solver } : {}),
          };
          const plan = planWithinNodeCap(input);
          if (plan === null) {
            refused++;
            return;
          }
          kept++;
          expect(plan).toEqual(planAllocation(input));
        },
      ),
      { numRuns: 300 },
    );
    expect(kept).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
