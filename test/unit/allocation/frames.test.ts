import { frameOf, setFrame } from '../../../services/allocation/frames';
import { ledgerIdFor } from '../../../services/allocation/frame-ledger';
import { createLogger } from '../../../services/logging/logger';
import { createServices, Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { DomainError } from '../../../services/shared/domain-error';
import { openTestStore } from '../../support/test-store';
import { decision } from './decision-fixture';

const NOW = new Date('2026-11-22T10:00:00Z');
const ADMIN: Actor = {
  aadObjectId: '00000000-0000-0000-0000-0000000000ad',
  name: 'Björn Berg',
  locale: 'sv',
};
const OTHER: Actor = {
  aadObjectId: '00000000-0000-0000-0000-0000000000ae',
  name: 'Eva Ek',
  locale: 'sv',
};
const shares = (innovation: string, improvement: string, maintenance: string) => ({
  innovation,
  improvement,
  maintenance,
});

describe('frames per portfolio and fiscal year', () => {
  let s: Services;

  beforeEach(async () => {
    s = await createServices(await openTestStore(), {
      clock: () => NOW,
      log: createLogger('silent'),
      admins: [ADMIN.aadObjectId],
    });
    await s.portfolios.upsert({
      _id: 'p1',
      number: 1,
      key: 'tillganglighet',
      name: { sv: 'Tillgänglighet', en: 'Accessibility' },
      relaxedBenefit: false,
      frames: [
        {
          year: 2027,
          amount: 42_000_000,
          shares: { innovation: 30, improvement: 50, maintenance: 20 },
        },
      ],
      quorum: 3,
      reviewDays: 10,
    });
  });

  it('when an admin sets a seeded frame, then the amount is read as typed, the parts are split to the krona, the portfolio follows and the change is audited', async () => {
    const result = await setFrame(s, ADMIN, 'p1', '2027', '0', {
      amount: '40,5 mkr',
      shares: shares('33,33', '33,33', '33,34'),
    });
    expect(result).toMatchObject({ ok: true, unchanged: false });
    const frame = (await frameOf(s, (await s.portfolios.get('p1'))!, 2027))!;
    expect(frame.amount).toBe(40_500_000);
    expect(frame.budgets.innovation + frame.budgets.improvement + frame.budgets.maintenance).toBe(
      40_500_000,
    );
    expect((await s.portfolios.get('p1'))!.frames).toEqual([
      {
        year: 2027,
        amount: 40_500_000,
        shares: { innovation: 33.33, improvement: 33.33, maintenance: 33.34 },
      },
    ]);
    const [entry] = (await s.audit.forEntity('p1:2027')).filter((e) => e.action === 'frame.set');
    expect(entry).toMatchObject({
      actorId: ADMIN.aadObjectId,
      before: { amount: 42_000_000 },
      after: { amount: 40_500_000 },
    });
  });

  it('when the input is wrong, then every field says what to fix and nothing is written', async () => {
    const bad = await setFrame(s, ADMIN, 'p1', '2027', '0', {
      amount: '-3 mkr',
      shares: shares('abc', '50', '101'),
    });
    expect(bad.ok).toBe(false);
    expect('errors' in bad && bad.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
      'amount:negative',
      'innovation:invalid',
      'maintenance:out_of_range',
    ]);
    const sum = await setFrame(s, ADMIN, 'p1', '2027', '0', {
      amount: '5 mkr',
      shares: shares('30', '50', '10'),
    });
    expect('errors' in sum && sum.errors).toEqual([{ field: 'shares', code: 'sum', sum: 90 }]);
    expect(await s.allocation.ledgers.get('p1', 2027)).toBeNull();
  });

  it('when the frame would go below what is already granted in a part, then it is refused for that part', async () => {
    await s.allocation.ledgers.create(
      'p1',
      2027,
      { amount: 42_000_000, shares: { innovation: 30, improvement: 50, maintenance: 20 } },
      NOW,
      'seed',
    );
    await s.allocation.ledgers.commit(
      ledgerIdFor('p1', 2027),
      [decision({ applicationId: 'g1', amount: 15_000_000 })],
      'r',
      NOW,
      'dm',
    );
    const version = (await s.allocation.ledgers.get('p1', 2027))!.version;
    const result = await setFrame(s, ADMIN, 'p1', 2027, version, {
      amount: '20 mkr',
      shares: shares('30', '50', '20'),
    });
    expect('errors' in result && result.errors).toEqual([
      { field: 'improvement', code: 'below_granted', granted: 15_000_000, budget: 10_000_000 },
    ]);
    expect((await s.allocation.ledgers.get('p1', 2027))!.amount).toBe(42_000_000);
  });

  it('when someone changed the frame after the form was shown, then the save is refused with the new frame', async () => {
    expect(
      (
        await setFrame(s, ADMIN, 'p1', 2027, 0, {
          amount: '41 mkr',
          shares: shares('30', '50', '20'),
        })
      ).ok,
    ).toBe(true);
    const stale = await setFrame(s, ADMIN, 'p1', 2027, 0, {
      amount: '39 mkr',
      shares: shares('30', '50', '20'),
    });
    expect(stale).toMatchObject({ ok: false, changed: true, current: { amount: 41_000_000 } });
  });

  it('when a frame is set for a new year, then it is created; a year out of range, a foreign portfolio or a non-admin is refused', async () => {
    expect(
      await setFrame(s, ADMIN, 'p1', '2028', '0', {
        amount: '45 mkr',
        shares: shares('40', '40', '20'),
      }),
    ).toMatchObject({ ok: true, frame: { amount: 45_000_000, year: 2028 } });
    expect((await s.portfolios.get('p1'))!.frames.map((f) => f.year)).toEqual([2027, 2028]);
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return err instanceof DomainError ? err.params.reason : 'other';
      }
      return 'none';
    };
    expect(
      await refusal(
        setFrame(s, ADMIN, 'p1', '1999', '0', { amount: '1', shares: shares('100', '0', '0') }),
      ),
    ).toBe('bad_year');
    expect(
      await refusal(
        setFrame(s, ADMIN, 'p9', '2027', '0', { amount: '1', shares: shares('100', '0', '0') }),
      ),
    ).toBe('portfolio_not_found');
    expect(
      await refusal(
        setFrame(s, ADMIN, { $ne: 1 }, '2027', '0', {
          amount: '1',
          shares: shares('100', '0', '0'),
        }),
      ),
    ).toBe('portfolio_not_found');
    expect(
      await refusal(
        setFrame(s, OTHER, 'p1', '2027', '0', { amount: '1', shares: shares('100', '0', '0') }),
      ),
    ).toBe('admin_only');
  });
});
