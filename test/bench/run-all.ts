import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so one run's
 * garbage does not slow the next. Each prints its own figures and ratios.
 */
const BENCHES = [
  'wizard-bench.js',
  'review-bench.js',
  'allocation-bench.js',
  'outbox-bench.js',
  // 1,000 applications by default (a few minutes); alone: scale-bench.js --sizes 1000,10000,50000.
  'scale-bench.js',
];

let failed = 0;
for (const file of BENCHES) {
  process.stdout.write(`\n=== ${file.replace('.js', '')} ===\n`);
  const r = spawnSync(process.execPath, ['--no-deprecation', path.join(__dirname, file)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
