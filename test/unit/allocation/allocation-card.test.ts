import { allocationCard } from '../../../cards/allocation-cards';
import { cardBytes, MAX_CARD_BYTES } from '../../../cards/render';
import type { RoundOutcome } from '../../../services/allocation/allocate';
import type { AllocationRoundDoc } from '../../../services/allocation/allocation-round';
import type { Gate } from '../../../services/allocation/eligibility';
import type { FrameLedgerDoc } from '../../../services/allocation/frame-ledger';
import { planAllocation } from '../../../services/allocation/plan-allocation';
import { digestOf, type RoundState } from '../../../services/allocation/round-state';
import type { AllocationItem } from '../../../services/allocation/types';
import type { ApplicationDoc } from '../../../services/applications/application';
import type { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';
import { cardText } from '../../support/test-app';

const PARTS = ['innovation', 'improvement', 'maintenance'] as const;

function state(
  n: number,
  title = (i: number) => `Projekt nummer ${i} med en ganska lång titel som tar plats på kortet`,
): RoundState {
  const portfolio: PortfolioDoc = {
    _id: 'p1',
    number: 1,
    key: 'tillganglighet',
    name: { sv: 'Tillgänglighet', en: 'Accessibility' },
    relaxedBenefit: false,
    frames: [],
    quorum: 3,
    reviewDays: 10,
  };
  const shares = { innovation: 30, improvement: 50, maintenance: 20 };
  const ledger: FrameLedgerDoc = {
    _id: 'p1:2027',
    portfolioId: 'p1',
    year: 2027,
    amount: 100_000_000,
    shares,
    budgets: { innovation: 30_000_000, improvement: 50_000_000, maintenance: 20_000_000 },
    used: { innovation: 0, improvement: 0, maintenance: 0 },
    remaining: { innovation: 30_000_000, improvement: 50_000_000, maintenance: 20_000_000 },
    claims: {},
    version: 1,
    updatedAt: '',
    updatedBy: '',
  };
  const items: AllocationItem[] = Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    regNo: `PK 2027/${String(i + 1).padStart(4, '0')}`,
    title: title(i),
    part: PARTS[i % 3],
    amount: 500_000 + ((i * 7919) % 20) * 150_000,
    meanScore: 1 + ((i * 31) % 40) / 10,
    yearlyEffectSek: (i % 5) * 100_000,
    yearlyRunningCost: 50_000,
    devCost: 500_000,
  }));
  const plan = planAllocation({ frame: ledger.amount, shares, items, granted: ledger.used });
  const round: AllocationRoundDoc = {
    _id: 'round-1',
    portfolioId: 'p1',
    year: 2027,
    status: 'open',
    whatIfs: [],
    createdBy: 'c',
    createdByName: 'Chair',
    createdAt: '',
    updatedAt: '',
    version: 1,
  };
  const candidates = items.map((item) => ({ app: { _id: item.id } as ApplicationDoc, item }));
  const ineligible = Array.from({ length: Math.min(n, 40) }, (_, i) => ({
    app: {
      _id: `in-${i}`,
      regNo: `PK 2027/9${String(i).padStart(3, '0')}`,
      data: { title: title(i) },
    } as unknown as ApplicationDoc,
    gates: [
      { code: 'owner_unknown', params: { owner: 'Någon', email: 'nagon@stad.example' } },
      { code: 'timeline', params: { start: '2027-01-01', end: '2029-12-31', year: 2027 } },
    ] as Gate[],
  }));
  return {
    round,
    portfolio,
    ledger,
    plan,
    candidates,
    ineligible,
    notRecommended: [],
    drafts: [],
    digest: digestOf([]),
    decisions: [],
  };
}

describe('the allocation card', () => {
  it('when a portfolio has hundreds of applications, then every page of the card stays under 80 KB and the pages cover every item', () => {
    const s = state(300);
    const outcome: RoundOutcome = { state: s };
    const seen = new Set<string>();
    let pages = 0;
    for (let page = 1; page <= 40; page++) {
      const card = allocationCard(outcome, 'sv', { page });
      expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      const text = JSON.stringify(card);
      const m = /Sida (\d+) av (\d+)/.exec(text);
      expect(m).not.toBeNull();
      pages = Number(m![2]);
      for (const hit of text.matchAll(/\*\*PK 2027\/(0\d{3})\*\*/g)) seen.add(hit[1]);
      if (page >= pages) break;
    }
    expect(seen.size).toBe(300);
  });

  it('when every recommended application is blocked, then the card says none can receive funds yet and lists why, instead of saying there are none', () => {
    const s = { ...state(0), ineligible: state(3).ineligible };
    const sv = cardText(allocationCard({ state: s }, 'sv'));
    expect(sv).toContain('Ingen tillstyrkt ansökan kan få medel för 2027 ännu');
    expect(sv).not.toContain('Det finns inga tillstyrkta ansökningar');
    expect(sv).toContain('Kan inte få medel ännu (3)');
    expect(cardText(allocationCard({ state: s }, 'en'))).toContain(
      'No recommended application can receive funds for 2027 yet',
    );
    const none = cardText(allocationCard({ state: state(0) }, 'sv'));
    expect(none).toContain('Det finns inga tillstyrkta ansökningar att fördela för 2027.');
  });

  it('when the search stops at its budget, then the chair is told in Swedish and English how far from optimal the proposal can be', () => {
    const s = state(300);
    const items = s.candidates.map((c) => c.item);
    const frame = s.ledger!.amount;
    const shares = s.ledger!.shares;
    const bounded = planAllocation({
      frame,
      shares,
      items,
      solver: { nodeBudget: 1, mitmMaxItems: 0 },
    });
    const proof = bounded.optimal.optimality!;
    expect(proof.proven).toBe(false);
    expect(proof.gap).toBeGreaterThan(0);
    // The bound is a real bound: the unbounded search's optimum lies between the two.
    const exact = planAllocation({ frame, shares, items });
    expect(exact.optimal.optimality).toEqual({
      proven: true,
      upperBound: exact.optimal.totals.value,
      gap: 0,
      relativeGap: 0,
    });
    expect(exact.optimal.totals.value).toBeGreaterThanOrEqual(bounded.optimal.totals.value);
    expect(exact.optimal.totals.value).toBeLessThanOrEqual(proof.upperBound);

    const sv = JSON.stringify(
      allocationCard({ state: { ...s, plan: bounded } }, 'sv', { page: 1 }),
    );
    const en = JSON.stringify(
      allocationCard({ state: { ...s, plan: bounded } }, 'en', { page: 1 }),
    );
    const gap = proof.gap / 100 / 1_000_000;
    const shown = (v: number, locale: 'sv' | 'en') => {
      const text = v < 0.005 ? '< 0.01' : v.toFixed(2);
      return locale === 'sv' ? text.replace('.', ',') : text;
    };
    expect(sv).toContain(
      `Förslaget är inte bevisat optimalt: det ligger högst ${shown(gap, 'sv')} i värde (betyg × Mkr), ${shown(100 * proof.relativeGap, 'sv')} %, från bästa möjliga.`,
    );
    expect(en).toContain(
      `The proposal is not proven optimal: it is at most ${shown(gap, 'en')} in value (score × MSEK), ${shown(100 * proof.relativeGap, 'en')} %, from the best possible.`,
    );
    // A proven proposal says nothing of the kind.
    const provenCard = JSON.stringify(allocationCard({ state: s }, 'sv', { page: 1 }));
    expect(s.plan!.optimal.optimality!.proven).toBe(true);
    expect(provenCard).not.toContain('inte bevisat optimalt');
  });

  it('when titles are long and full of markdown, then the card still fits and the text is shown as typed', () => {
    const s = state(
      150,
      (i) => `[länk](http://x) ${'${$root.secret}'} _${i}_ *${'Ä'.repeat(400)}*`,
    );
    const card = allocationCard({ state: s }, 'en', { page: 1 });
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const text = JSON.stringify(card);
    expect(text).toContain('\\\\[länk\\\\]');
    expect(text).toContain('${$root.secret}');
    expect(text).toContain('Allocation: 1. Accessibility – 2027');
  });
});
