import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { PARTS } from '../../services/applications/wizard-steps';
import { compareWithGreedy } from '../../services/allocation/compare-with-greedy';
import { greedyByScore } from '../../services/allocation/greedy-by-score';
import { valueInScoreMsek } from '../../services/allocation/item-value';
import { optimise } from '../../services/allocation/optimise';
import { partBudgets } from '../../services/allocation/part-budgets';
import { planAllocation } from '../../services/allocation/plan-allocation';
import { planAllocationAsync } from '../../services/allocation/plan-allocation-async';
import type {
  AllocationItem,
  AllocationProposal,
  PartBudgets,
  PartShares,
} from '../../services/allocation/types';
import { prng } from '../support/prng';

/** One portfolio's line in the benchmark table. */
export interface PortfolioBenchRow {
  portfolio: number;
  applications: number;
  frame: number;
  optimalMs: number;
  searchNodes: number;
  valueOptimal: number;
  valueGreedy: number;
  amountOptimal: number;
  amountGreedy: number;
}

/** What the allocation benchmark measured, for the combined bench runner. */
export interface BenchResult {
  name: 'allocation';
  applications: number;
  portfolios: number;
  targetMs: number;
  /** First run in a fresh process, all portfolios: time to the exact optimum. */
  optimalMsFirstRun: number;
  /** Median over `runs` further runs. */
  optimalMsMedian: number;
  runs: number;
  withinTarget: boolean;
  greedyMsMedian: number;
  valueOptimal: number;
  valueGreedy: number;
  /** valueOptimal / valueGreedy. */
  valueRatio: number;
  amountOptimal: number;
  amountGreedy: number;
  frameTotal: number;
  perPortfolio: PortfolioBenchRow[];
  /** Same sizes, but every review score a whole number 1–5 (consensus scoring): the hard case. */
  stressCoarseScoresMs: number;
  stressCoarseScoresValueRatio: number;
  /** The stress case as the bot plans it (planAllocationAsync), the event loop's longest block. */
  stressCoarseScoresBot: BotPathRun;
  /** The exact proposal at 2,000 / 20,000 / 100,000 applications, realistic and coarse scores. */
  scale: ScaleRow[];
  /** os.loadavg() and CPU count when the scale runs started: wall times depend on them. */
  loadAverage: number[];
  cpus: number;
}

/** One size and score kind of the scale runs: 5 portfolios planned one after the other. */
export interface ScaleRow {
  applications: number;
  scores: 'realistic' | 'coarse';
  /** All five portfolios, one run in this process (after the 2,000 warm-up above): wall time. */
  ms: number;
  /** CPU time of this process over the same run (user + system, all threads incl. GC). */
  cpuMs: number;
  maxPortfolioMs: number;
  withinTarget: boolean;
  /** Portfolios whose proposal the search proved optimal. */
  proven: number;
  /** Sum over portfolios of the proven optimality gap, in value units, and relative to the bound. */
  gap: number;
  relativeGap: number;
  searchNodes: number;
  /** What the engine threw instead of a proposal (the old recursive search overflowed). */
  error?: string;
  /** The same portfolios as the bot plans them, off the event loop when large. */
  bot?: BotPathRun;
}

/**
 * Portfolios planned one after the other the way a turn plans them: planAllocationAsync (exact
 * proposal, greedy baseline and their comparison; in a worker thread above a few thousand items or
 * a few milliseconds of search), while a 1 ms ticker measures how long the event loop was held.
 */
export interface BotPathRun {
  /** The same plans made by planAllocation on the event loop (a turn before), all portfolios. */
  onLoopMs: number;
  /** Wall time, all portfolios. */
  ms: number;
  maxPortfolioMs: number;
  /** Longest gap between two ticks of the event loop during the runs, less the 1 ms interval. */
  maxBlockMs: number;
  /**
   * Most CPU time the main thread used between two ticks (Linux: its schedstat), i.e. the longest
   * the bot's own work held the loop; on a loaded machine the wall-clock gap above also holds the
   * time the thread waited for a CPU. NaN where the kernel does not tell.
   */
  maxBlockCpuMs: number;
  /** Ticks per second of wall time (1,000 when the loop was never held). */
  ticksPerSecond: number;
  /** Every portfolio's exact proposal equal to the one `optimise` made on the event loop. */
  sameProposals: boolean;
}

const SCALE_SIZES = [2_000, 20_000, 100_000];

const PORTFOLIOS = 5;
const APPLICATIONS = 2_000;
const TARGET_MS = 1_000;
const RUNS = 5;

interface Portfolio {
  frame: number;
  shares: PartShares;
  budgets: PartBudgets;
  items: AllocationItem[];
}

/**
 * Realistic applications: amounts log-normal around 1.5 MSEK clamped to 100 000–15 000 000 kr in
 * arbitrary kronor; mean scores over 3–7 reviewers × 4 criteria; a benefit calculation for most
 * improvement and maintenance items and few innovation items; frames 20–80 MSEK.
 */
function generate(seed: number, coarseScores: boolean, applications = APPLICATIONS): Portfolio[] {
  // Frames grow with the number of applications, so every size funds about the same share.
  const frameScale = applications / APPLICATIONS;
  const rnd = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const portfolios: Portfolio[] = [];
  for (let p = 0; p < PORTFOLIOS; p++) {
    const frame = Math.round((20_000_000 + Math.floor(rnd() * 60_000_001)) * frameScale);
    const innovation = 20 + Math.floor(rnd() * 21);
    const improvement = 30 + Math.floor(rnd() * 21);
    const shares = { innovation, improvement, maintenance: 100 - innovation - improvement };
    const items: AllocationItem[] = [];
    for (let i = 0; i < applications / PORTFOLIOS; i++) {
      const part = PARTS[Math.floor(rnd() * 3)];
      const amount = Math.max(
        100_000,
        Math.min(15_000_000, Math.round(1_500_000 * Math.exp(0.9 * normal()))),
      );
      const bias = 2 + rnd() * 2.5;
      let meanScore: number;
      if (coarseScores) {
        meanScore = Math.min(5, Math.max(1, Math.round(bias + normal() * 0.7)));
      } else {
        const marks = (3 + Math.floor(rnd() * 5)) * 4;
        let total = 0;
        for (let m = 0; m < marks; m++)
          total += Math.min(5, Math.max(1, Math.round(bias + normal())));
        meanScore = Math.round((total / marks) * 100) / 100;
      }
      const hasBenefit = part === 'innovation' ? rnd() < 0.2 : rnd() < 0.85;
      const devCost = Math.round(amount * (1 + rnd() * 0.3));
      items.push({
        id: `p${p}-a${i}`,
        regNo: `KS-2027/${String(p * 100_000 + i).padStart(6, '0')}`,
        title: `Ansökan ${i} i portfölj ${p + 1}`,
        part,
        amount,
        meanScore,
        yearlyEffectSek: hasBenefit && !coarseScores ? Math.round(amount * rnd() * 0.8) : 0,
        yearlyRunningCost: Math.round(amount * (0.05 + rnd() * 0.15)),
        devCost,
      });
    }
    portfolios.push({ frame, shares, budgets: partBudgets(frame, shares), items });
  }
  // As read from the store: plain parsed objects with flat strings (the template literals above
  // build rope strings that the first comparison would flatten, a cost no real turn pays).
  return JSON.parse(JSON.stringify(portfolios)) as Portfolio[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times the exact optimum for 2,000 applications in 5 portfolios and compares it with greedy;
 * then plans 2,000, 20,000 and 100,000 applications in 5 portfolios once each, with realistic and
 * with whole-number (coarse) scores, and reports wall and CPU time and whether each proposal was
 * proven optimal or with what gap. Target: each size under 1 s for all five portfolios. Each size
 * and the stress case are then planned as the bot plans them (planAllocationAsync), timing the
 * event loop's longest block, which must stay short (no turn waits on another's proposal).
 */
export async function runAllocationBench(): Promise<BenchResult> {
  const portfolios = generate(20_270_101, false);
  const timeAll = (fn: typeof optimise): { ms: number; rowsMs: number[] } => {
    const rowsMs: number[] = [];
    const t0 = performance.now();
    for (const p of portfolios) {
      const t = performance.now();
      fn(p.items, p.budgets);
      rowsMs.push(performance.now() - t);
    }
    return { ms: performance.now() - t0, rowsMs };
  };

  const first = timeAll(optimise);
  const optimalRuns: number[] = [];
  const greedyRuns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    optimalRuns.push(timeAll(optimise).ms);
    greedyRuns.push(timeAll(greedyByScore).ms);
  }

  const perPortfolio: PortfolioBenchRow[] = portfolios.map((p, i) => {
    const optimal = optimise(p.items, p.budgets);
    const greedy = greedyByScore(p.items, p.budgets);
    const cmp = compareWithGreedy(optimal, greedy);
    return {
      portfolio: i + 1,
      applications: p.items.length,
      frame: p.frame,
      optimalMs: first.rowsMs[i],
      searchNodes: optimal.searchNodes ?? 0,
      valueOptimal: cmp.valueOptimal,
      valueGreedy: cmp.valueGreedy,
      amountOptimal: cmp.amountOptimal,
      amountGreedy: cmp.amountGreedy,
    };
  });
  const total = (f: (r: PortfolioBenchRow) => number) => perPortfolio.reduce((s, r) => s + f(r), 0);

  const stress = generate(20_270_102, true);
  const t = performance.now();
  let stressOpt = 0;
  let stressGreedy = 0;
  const stressProposals: AllocationProposal[] = [];
  for (const p of stress) {
    const proposal = optimise(p.items, p.budgets);
    stressProposals.push(proposal);
    stressOpt += proposal.totals.value;
    stressGreedy += greedyByScore(p.items, p.budgets).totals.value;
  }
  const stressMs = performance.now() - t;
  const stressBot = await botPathRun(stress, stressProposals);

  const loadAverage = os.loadavg();
  const scale: ScaleRow[] = [];
  for (const applications of SCALE_SIZES) {
    scale.push(
      await scaleRun(applications, 'realistic', generate(20_270_101, false, applications)),
    );
    scale.push(await scaleRun(applications, 'coarse', generate(20_270_102, true, applications)));
  }

  const optimalMsMedian = median(optimalRuns);
  return {
    name: 'allocation',
    applications: total((r) => r.applications),
    portfolios: portfolios.length,
    targetMs: TARGET_MS,
    optimalMsFirstRun: first.ms,
    optimalMsMedian,
    runs: RUNS,
    withinTarget: first.ms < TARGET_MS && optimalMsMedian < TARGET_MS,
    greedyMsMedian: median(greedyRuns),
    valueOptimal: total((r) => r.valueOptimal),
    valueGreedy: total((r) => r.valueGreedy),
    valueRatio: total((r) => r.valueOptimal) / total((r) => r.valueGreedy),
    amountOptimal: total((r) => r.amountOptimal),
    amountGreedy: total((r) => r.amountGreedy),
    frameTotal: total((r) => r.frame),
    perPortfolio,
    stressCoarseScoresMs: stressMs,
    stressCoarseScoresValueRatio: stressOpt / stressGreedy,
    stressCoarseScoresBot: stressBot,
    scale,
    loadAverage,
    cpus: os.cpus().length,
  };
}

/**
 * Plans every portfolio once with the exact engine on the event loop, then once as the bot does
 * (botPathRun); a throw is recorded, not propagated.
 */
async function scaleRun(
  applications: number,
  scores: ScaleRow['scores'],
  portfolios: Portfolio[],
): Promise<ScaleRow> {
  const row: ScaleRow = {
    applications,
    scores,
    ms: 0,
    cpuMs: 0,
    maxPortfolioMs: 0,
    withinTarget: false,
    proven: 0,
    gap: 0,
    relativeGap: 0,
    searchNodes: 0,
  };
  let bound = 0;
  const proposals: AllocationProposal[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    for (const p of portfolios) {
      const t = performance.now();
      const proposal = optimise(p.items, p.budgets);
      proposals.push(proposal);
      row.maxPortfolioMs = Math.max(row.maxPortfolioMs, performance.now() - t);
      row.searchNodes += proposal.searchNodes ?? 0;
      const o = proposal.optimality;
      if (o?.proven) row.proven++;
      row.gap += o?.gap ?? 0;
      bound += o?.upperBound ?? proposal.totals.value;
    }
  } catch (err) {
    row.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  row.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  row.cpuMs = (cpu.user + cpu.system) / 1000;
  row.relativeGap = bound > 0 ? row.gap / bound : 0;
  row.withinTarget = !row.error && row.ms < TARGET_MS;
  if (!row.error) row.bot = await botPathRun(portfolios, proposals);
  return row;
}

/** CPU time the main thread (not the worker threads) has used, in ms; NaN off Linux. */
function mainThreadCpuMs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    return Number(stat.split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** See BotPathRun; `proposals` are optimise's on the event loop, to compare with. */
async function botPathRun(
  portfolios: Portfolio[],
  proposals: AllocationProposal[],
): Promise<BotPathRun> {
  const run: BotPathRun = {
    onLoopMs: 0,
    ms: 0,
    maxPortfolioMs: 0,
    maxBlockMs: 0,
    maxBlockCpuMs: 0,
    ticksPerSecond: 0,
    sameProposals: true,
  };
  const onLoop0 = performance.now();
  for (const p of portfolios) planAllocation({ frame: p.frame, shares: p.shares, items: p.items });
  run.onLoopMs = performance.now() - onLoop0;

  let ticks = 0;
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    run.maxBlockMs = Math.max(run.maxBlockMs, now - last - 1);
    run.maxBlockCpuMs = Math.max(run.maxBlockCpuMs, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
    ticks++;
  }, 1);
  const optimal: AllocationProposal[] = [];
  const t0 = performance.now();
  try {
    for (const p of portfolios) {
      // A turn per portfolio: a plan made in process resolves without giving the loop a turn.
      await new Promise((resolve) => setImmediate(resolve));
      const t = performance.now();
      const plan = await planAllocationAsync({ frame: p.frame, shares: p.shares, items: p.items });
      run.maxPortfolioMs = Math.max(run.maxPortfolioMs, performance.now() - t);
      optimal.push(plan.optimal);
    }
    run.ms = performance.now() - t0;
    run.maxBlockMs = Math.max(run.maxBlockMs, performance.now() - last - 1);
    run.maxBlockCpuMs = Math.max(run.maxBlockCpuMs, mainThreadCpuMs() - lastCpu);
  } finally {
    clearInterval(ticker);
  }
  run.ticksPerSecond = (1000 * ticks) / run.ms;
  run.sameProposals = optimal.every((o, i) => isDeepStrictEqual(o, proposals[i]));
  return run;
}

function printTable(r: BenchResult): void {
  const msek = (sek: number) => (sek / 1e6).toFixed(2);
  const val = (v: number) => valueInScoreMsek(v).toFixed(1);
  console.log(`allocation: ${r.applications} applications in ${r.portfolios} portfolios`);
  console.log(
    'portf  apps  frame MSEK  opt ms  nodes   value opt  value greedy  ratio   used opt  used greedy',
  );
  for (const p of r.perPortfolio) {
    console.log(
      [
        String(p.portfolio).padStart(5),
        String(p.applications).padStart(5),
        msek(p.frame).padStart(11),
        p.optimalMs.toFixed(1).padStart(7),
        String(p.searchNodes).padStart(6),
        val(p.valueOptimal).padStart(11),
        val(p.valueGreedy).padStart(13),
        (p.valueOptimal / p.valueGreedy).toFixed(4).padStart(6),
        msek(p.amountOptimal).padStart(10),
        msek(p.amountGreedy).padStart(12),
      ].join(' '),
    );
  }
  console.log(
    `exact optimum, all portfolios: first run ${r.optimalMsFirstRun.toFixed(1)} ms, median of ${r.runs} ` +
      `${r.optimalMsMedian.toFixed(1)} ms (target < ${r.targetMs} ms: ${r.withinTarget ? 'met' : 'MISSED'}); ` +
      `greedy median ${r.greedyMsMedian.toFixed(1)} ms`,
  );
  console.log(
    `value (score × MSEK): optimal ${val(r.valueOptimal)} vs greedy ${val(r.valueGreedy)} ` +
      `(ratio ${r.valueRatio.toFixed(4)}); money used ${msek(r.amountOptimal)} vs ${msek(r.amountGreedy)} ` +
      `of ${msek(r.frameTotal)} MSEK`,
  );
  const bot = (b: BotPathRun) =>
    `${b.ms.toFixed(1)} ms (on the loop ${b.onLoopMs.toFixed(1)} ms), ` +
    `longest event-loop block ${b.maxBlockMs.toFixed(1)} ms ` +
    `(${b.maxBlockCpuMs.toFixed(1)} ms of main-thread CPU), ` +
    `${b.ticksPerSecond.toFixed(0)} ticks/s, proposals ${b.sameProposals ? 'identical' : 'DIFFERENT'}`;
  console.log(
    `stress (whole-number consensus scores): ${r.stressCoarseScoresMs.toFixed(1)} ms, ` +
      `value ratio ${r.stressCoarseScoresValueRatio.toFixed(4)}; as the bot plans it: ` +
      bot(r.stressCoarseScoresBot),
  );
  console.log(
    `scale (5 portfolios each, frames grown with the number of applications; ` +
      `load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' ')} on ${r.cpus} CPUs; ` +
      `"bot": the same portfolios planned as a turn plans them, planAllocationAsync with greedy ` +
      `baseline and comparison, off the event loop when large, next to "loop": planAllocation on the ` +
      `event loop as before; the loop's longest block in wall time ` +
      `and in main-thread CPU time):`,
  );
  console.log(
    '   apps  scores      all ms   cpu ms  max portf ms  target   proven  gap (score × MSEK)    nodes' +
      '  loop ms   bot ms  max portf  block ms  cpu ms  ticks/s  same',
  );
  for (const s of r.scale) {
    const head = `${String(s.applications).padStart(7)}  ${s.scores.padEnd(10)}`;
    if (s.error) {
      console.log(`${head} ${s.ms.toFixed(1).padStart(7)}  CRASHED: ${s.error}`);
      continue;
    }
    console.log(
      [
        head,
        s.ms.toFixed(1).padStart(7),
        s.cpuMs.toFixed(0).padStart(8),
        s.maxPortfolioMs.toFixed(1).padStart(13),
        (s.withinTarget ? 'met' : 'MISSED').padStart(7),
        `${s.proven}/5`.padStart(8),
        `${val(s.gap)} (${(100 * s.relativeGap).toFixed(4)} %)`.padStart(19),
        String(s.searchNodes).padStart(8),
        ...(s.bot
          ? [
              s.bot.onLoopMs.toFixed(1).padStart(8),
              s.bot.ms.toFixed(1).padStart(8),
              s.bot.maxPortfolioMs.toFixed(1).padStart(10),
              s.bot.maxBlockMs.toFixed(1).padStart(9),
              s.bot.maxBlockCpuMs.toFixed(1).padStart(7),
              s.bot.ticksPerSecond.toFixed(0).padStart(8),
              (s.bot.sameProposals ? 'yes' : 'NO').padStart(5),
            ]
          : []),
      ].join(' '),
    );
  }
}

if (require.main === module) {
  runAllocationBench()
    .then(printTable)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
