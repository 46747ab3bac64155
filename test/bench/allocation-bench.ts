import { performance } from 'node:perf_hooks';
import { PARTS } from '../../services/applications/wizard-steps';
import { compareWithGreedy } from '../../services/allocation/compare-with-greedy';
import { greedyByScore } from '../../services/allocation/greedy-by-score';
import { valueInScoreMsek } from '../../services/allocation/item-value';
import { optimise } from '../../services/allocation/optimise';
import { partBudgets } from '../../services/allocation/part-budgets';
import type { AllocationItem, PartBudgets, PartShares } from '../../services/allocation/types';

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
}

const PORTFOLIOS = 5;
const APPLICATIONS = 2_000;
const TARGET_MS = 1_000;
const RUNS = 5;

/** Small seeded PRNG (mulberry32), so every run benchmarks the same applications. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
function generate(seed: number, coarseScores: boolean): Portfolio[] {
  const rnd = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const portfolios: Portfolio[] = [];
  for (let p = 0; p < PORTFOLIOS; p++) {
    const frame = 20_000_000 + Math.floor(rnd() * 60_000_001);
    const innovation = 20 + Math.floor(rnd() * 21);
    const improvement = 30 + Math.floor(rnd() * 21);
    const shares = { innovation, improvement, maintenance: 100 - innovation - improvement };
    const items: AllocationItem[] = [];
    for (let i = 0; i < APPLICATIONS / PORTFOLIOS; i++) {
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
        regNo: `KS-2027/${String(p * 1000 + i).padStart(5, '0')}`,
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
  return portfolios;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times the exact optimum for 2,000 applications in 5 portfolios and compares it with greedy. */
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
  for (const p of stress) {
    stressOpt += optimise(p.items, p.budgets).totals.value;
    stressGreedy += greedyByScore(p.items, p.budgets).totals.value;
  }
  const stressMs = performance.now() - t;

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
  };
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
  console.log(
    `stress (whole-number consensus scores): ${r.stressCoarseScoresMs.toFixed(1)} ms, ` +
      `value ratio ${r.stressCoarseScoresValueRatio.toFixed(4)}`,
  );
}

if (require.main === module) {
  runAllocationBench()
    .then(printTable)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
