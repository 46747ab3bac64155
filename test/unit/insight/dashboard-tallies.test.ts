import path from 'node:path';
import type { ApplicationStatus } from '../../../services/applications/application';
import { PARTS } from '../../../services/applications/wizard-steps';
import { coachingStats } from '../../../services/coaching/coach-stats';
import { fiscalYearRange, portfolioDashboard } from '../../../services/insight/dashboard';
import { computeDashboard, RECORD_STATUSES } from '../../../services/insight/figures';
import { createLogger } from '../../../services/logging/logger';
import { applySeed, readSeed } from '../../../services/seed/apply-seed';
import { createServices, Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { openTestStore } from '../../support/test-store';
import { decision } from '../allocation/decision-fixture';
import { application } from './insight-fixture';
import { prng } from '../../support/prng';

const NOW = new Date('2026-12-06T10:00:00Z');
const ADMIN: Actor = {
  aadObjectId: '00000000-0000-0000-0000-0000000000ad',
  name: 'Björn Berg',
  locale: 'sv',
};
const SEED = path.join(__dirname, '..', '..', '..', 'deployment', 'seed', 'production-seed.json');

/**
 * The dashboard counts the undecided applications of a year with store tallies instead of
 * reading them (issue 15: `portföljer` does not read every application). Its figures must be
 * exactly what computeDashboard gives from every application read whole: here on random
 * applications of several years, with and without start dates, decided in their start year, in
 * another year, rejected, corrected, or withdrawn after a decision.
 */
describe('the portfolio dashboard counted with tallies', () => {
  let s: Services;

  beforeEach(async () => {
    s = await createServices(await openTestStore(), {
      clock: () => NOW,
      log: createLogger('silent'),
      admins: [ADMIN.aadObjectId],
    });
    await applySeed(s, await readSeed(SEED));
  });

  it.each([1, 2, 3])(
    'when applications and decisions are random (seed %i), then every application figure equals the one computed from all applications',
    async (seed) => {
      const rnd = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const portfolios = (await s.portfolios.all()).map((p) => p._id);
      const statuses: ApplicationStatus[] = [...RECORD_STATUSES, 'draft'];
      const col = s.store.collection<ReturnType<typeof application>>('applications');
      for (let i = 0; i < 240; i++) {
        const id = `app-${seed}-${i}`;
        const undated = rnd() < 0.08;
        const app = application(id, {
          status: pick(statuses),
          portfolioId: pick(portfolios),
          part: pick(PARTS),
          devCost: Math.round(rnd() * 3_000_000),
          startDate: `${pick([2025, 2026, 2027, 2028])}-0${1 + Math.floor(rnd() * 9)}-15`,
          reuse: pick(['common', 'extendCommon', 'own']),
          accessibilityPlan: rnd() < 0.5 ? 'WCAG 2.1 AA.' : '',
          regSeq: i + 1,
        });
        if (undated) delete (app.data as { startDate?: string }).startDate;
        if (app.submittedAt) app.submittedAt = `${pick([2025, 2026])}-06-01T10:00:00.000Z`;
        await col.insertOne(app);
        if (app.status !== 'draft' && rnd() < 0.35) {
          const year = pick([2026, 2027, 2028]);
          const outcome = rnd() < 0.7 ? 'approved' : 'rejected';
          await s.allocation.decisions.insert(
            decision({
              applicationId: id,
              portfolioId: app.data!.portfolioId,
              part: app.data!.part,
              year,
              outcome,
              amount: outcome === 'approved' ? app.data!.devCost : 0,
            }),
          );
          if (rnd() < 0.2)
            await s.allocation.decisions.insert(
              decision({
                applicationId: id,
                seq: 2,
                portfolioId: app.data!.portfolioId,
                part: app.data!.part,
                year: pick([2026, 2027, 2028]),
                outcome: 'approved',
                amount: 1,
                kind: 'correction',
              }),
            );
        }
      }
      const all = await col.find({ status: { $in: [...RECORD_STATUSES] } });
      const decisions = await s.allocation.decisions.all();
      for (const year of [2025, 2026, 2027, 2028]) {
        const shown = (await portfolioDashboard(s, ADMIN, year)).figures;
        const expected = computeDashboard({
          year,
          today: '2026-12-06',
          asOf: NOW.toISOString(),
          portfolios: await s.portfolios.all(),
          frames: new Map(),
          applications: all,
          decisions,
          projects: [],
          reports: [],
          statements: new Map(),
          coaching: await coachingStats(s, fiscalYearRange(year)),
          surveys: [],
        });
        const figures = (f: typeof shown) =>
          f.portfolios.map((p) => ({
            id: p.portfolioId,
            applications: p.applications,
            statusCounts: p.statusCounts,
            requested: p.requested,
            pending: p.pending,
            parts: p.parts.map(({ part, requested, pending }) => ({ part, requested, pending })),
            guidelines: { ...p.guidelines, itStatementPositive: 0, allThree: 0 },
          }));
        expect(figures(shown)).toEqual(figures(expected));
        expect(shown.totals.applications).toBe(expected.totals.applications);
        expect(shown.totals.applications).toBeGreaterThan(0);
      }
    },
  );
});
