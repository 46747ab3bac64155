import {
  dashboardApplicationsCard,
  dashboardOverviewCard,
  dashboardPortfolioCard,
  mkr,
  moneyScale,
} from '../../../cards/dashboard-cards';
import { cardBytes, MAX_CARD_BYTES } from '../../../cards/render';
import { VERBS } from '../../../cards/verbs';
import type { Dashboard } from '../../../services/insight/dashboard';
import { APPLICATIONS_PER_PAGE, openingYear } from '../../../services/insight/dashboard';
import { computeDashboard } from '../../../services/insight/figures';
import { dashboardInput, portfolio, project } from './insight-fixture';

type El = Record<string, unknown>;

/** Every element of a card body, containers and column sets opened. */
function elements(card: unknown): El[] {
  const out: El[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as El;
      if (typeof o.type === 'string') out.push(o);
      for (const k of ['body', 'items', 'columns']) if (o[k]) walk(o[k]);
    }
  };
  walk((card as El).body);
  return out;
}

const admin = { admin: true, all: true, portfolioIds: [] };

function dashboard(over: Partial<Dashboard> = {}): Dashboard {
  return {
    figures: computeDashboard(dashboardInput()),
    years: [2026, 2027, 2028],
    scope: admin,
    ...over,
  };
}

describe('the dashboard cards', () => {
  it('when the overview is rendered, then the frame is a donut, the portfolios grouped bars, each with a FactSet fallback for clients without charts', () => {
    const card = dashboardOverviewCard('sv', dashboard());
    const els = elements(card);
    const donut = els.find((e) => e.type === 'Chart.Donut')!;
    // Granted per portfolio and what is left, in MSEK: p1 2.5 granted, p2 none, 7.5 left.
    expect(donut.data).toEqual([
      { legend: '1. Portfölj 1', value: 2.5, color: 'categoricalBlue' },
      { legend: '2. Portfölj 2', value: 0, color: 'categoricalTeal' },
      { legend: 'Kvar', value: 7.5, color: 'neutral' },
    ]);
    expect(donut.fallback).toEqual({
      type: 'FactSet',
      facts: [
        // Escaped: a fact's title is markdown, and "1. …" alone renders as a list's "1.".
        { title: '1\\. Portfölj 1', value: '2,5\u00a0mkr' },
        { title: '2\\. Portfölj 2', value: '0\u00a0mkr' },
        { title: 'Kvar', value: '7,5\u00a0mkr' },
      ],
    });
    const bars = els.find((e) => e.type === 'Chart.VerticalBar.Grouped')!;
    expect(bars.data).toEqual([
      {
        legend: 'Ram',
        values: [
          { x: '1', y: 10 },
          { x: '2', y: 0 },
        ],
      },
      {
        legend: 'Beviljat',
        values: [
          { x: '1', y: 2.5 },
          { x: '2', y: 0 },
        ],
      },
      {
        legend: 'Väntar på beslut',
        values: [
          { x: '1', y: 0.3 },
          { x: '2', y: 0.6 },
        ],
      },
    ]);
    expect((bars.fallback as El).type).toBe('FactSet');
    const rates = els.find((e) => e.type === 'Chart.HorizontalBar')!;
    expect(rates.data).toEqual([{ x: '1', y: 26, legend: '1. Portfölj 1' }]);
    // The year selector offers the years and shows the chosen one.
    const year = els.find((e) => e.type === 'Input.ChoiceSet')!;
    expect(year).toMatchObject({ id: 'year', value: '2027' });
    expect((year.choices as { value: string }[]).map((c) => c.value)).toEqual([
      '2026',
      '2027',
      '2028',
    ]);
    // Drill-downs carry the portfolio and the year; admins get the exports.
    const json = JSON.stringify(card);
    expect(json).toContain(
      `"verb":"${VERBS.dashboardPortfolio}","data":{"portfolioId":"p1","year":2027}`,
    );
    expect(json).toContain(
      `"verb":"${VERBS.dashboardApplications}","data":{"portfolioId":"p2","year":2027,"page":0}`,
    );
    expect((card.actions as El[]).map((a) => a.verb)).toEqual([VERBS.dashboardExports]);
  });

  it('when someone without admin rights sees the overview in English, then there is no export button and the text is English', () => {
    const card = dashboardOverviewCard(
      'en',
      dashboard({ scope: { admin: false, all: false, portfolioIds: ['p1'] } }),
    );
    expect(card.actions).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('Portfolios 2027');
    expect(json).toContain('You see the portfolios where you have a role.');
    expect(json).toContain('Benefit realisation, realised (%/yr of invested)');
  });

  it('when a portfolio is drilled into, then its parts, statuses and benefit are charts, and overdue reports are listed', () => {
    const card = dashboardPortfolioCard('sv', dashboard(), 'p1')!;
    const els = elements(card);
    expect(els.find((e) => e.type === 'Chart.Donut')!.data).toEqual([
      { legend: 'Innovation och nyutveckling', value: 0, color: 'categoricalPurple' },
      { legend: 'Förbättring av befintliga e-tjänster', value: 2.5, color: 'categoricalBlue' },
      {
        legend: 'Förvaltning av standardiserad funktionalitet',
        value: 0,
        color: 'categoricalTeal',
      },
      { legend: 'Kvar', value: 7.5, color: 'neutral' },
    ]);
    expect(els.find((e) => e.type === 'Chart.HorizontalBar')!.data).toEqual([
      { x: 'Under beredning', y: 1, legend: 'Under beredning' },
      { x: 'Beviljad', y: 2, legend: 'Beviljad' },
      { x: 'Avslagen', y: 1, legend: 'Avslagen' },
      { x: 'Tillbakadragen', y: 1, legend: 'Tillbakadragen' },
    ]);
    expect(els.find((e) => e.type === 'Chart.VerticalBar')!.data).toEqual([
      { x: 'Planerad', y: 900, legend: 'Planerad' },
      { x: 'Realiserad', y: 650, legend: 'Realiserad' },
    ]);
    expect(els.find((e) => e.type === 'Chart.VerticalBar')!.title).toBe(
      'Nytta per år i kronor: planerad och realiserad (tkr)',
    );
    const text = JSON.stringify(card);
    expect(text).toContain('PK 2026/a3 Projekt a3: slutrapport, skulle lämnas 2027-03-31');
    expect(text).toContain('26 %/år (planerat 36 %/år)');
    expect(text).toContain('50 % (1 av 2)');
    expect(dashboardPortfolioCard('sv', dashboard(), 'nope')).toBeNull();
  });

  it('when there are many portfolios, overdue reports and applications, then every card stays under 80 KB (each render is also checked against adaptivecards-templating)', () => {
    const input = dashboardInput();
    input.portfolios = Array.from({ length: 12 }, (_, i) => portfolio(`p${i + 1}`, i + 1));
    input.projects = Array.from({ length: 200 }, (_, i) =>
      project(`x${i}`, { title: 'Ett mycket långt projektnamn '.repeat(5), portfolioId: 'p1' }),
    );
    const big: Dashboard = {
      figures: computeDashboard(input),
      years: [2025, 2026, 2027, 2028, 2029],
      scope: admin,
    };
    expect(big.figures.portfolios[0].overdue.length).toBeGreaterThan(200);
    const overview = dashboardOverviewCard('sv', big);
    const drill = dashboardPortfolioCard('sv', big, 'p1')!;
    for (const card of [overview, drill]) expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(JSON.stringify(drill)).toContain('… och');

    const rows = Array.from({ length: APPLICATIONS_PER_PAGE }, (_, i) => ({
      appId: `a${i}`,
      regNo: `PK 2027/${String(i).padStart(4, '0')}`,
      title: 'Å'.repeat(120),
      organisation: 'Förvaltning '.repeat(10),
      status: 'approved' as const,
      part: 'improvement',
      requested: 1_234_567,
      granted: 1_000_000,
    }));
    const list = dashboardApplicationsCard(
      'sv',
      { portfolioId: 'p1', year: 2027, page: 1, pages: 14, total: 200, rows },
      { number: 1, name: { sv: 'Ett', en: 'One' } },
    );
    expect(cardBytes(list)).toBeLessThan(MAX_CARD_BYTES);
    const verbs = (list.actions as { verb: string; data: { page?: number } }[]).map((a) => [
      a.verb,
      a.data.page,
    ]);
    expect(verbs).toEqual([
      [VERBS.dashboardApplications, 0],
      [VERBS.dashboardApplications, 2],
      [VERBS.dashboardPortfolio, undefined],
      [VERBS.dashboardShow, undefined],
    ]);
    expect(JSON.stringify(list)).toContain('Sida 2 av 14 · 200 ansökningar');
  });

  it('when amounts are shown in charts, then they are millions with one decimal', () => {
    expect([mkr(2_500_000), mkr(349_999), mkr(0), mkr(42_000_000)]).toEqual([2.5, 0.3, 0, 42]);
  });

  it('when chart amounts are small or zero, then the unit follows the size and no chart is drawn on an all-zero axis', () => {
    expect(moneyScale([40_000, 0]).unit).toBe('tkr');
    expect(moneyScale([40_000]).scale(40_000)).toBe(40);
    expect(moneyScale([1_500, 200]).scale(1_500)).toBe(1.5);
    expect(moneyScale([900]).unit).toBe('kr');
    expect(moneyScale([2_000_000, 10]).unit).toBe('mkr');
    // A dashboard where only tiny sums are pending: every chart value is a plain number.
    const input = dashboardInput();
    const d = dashboard({ figures: computeDashboard(input) });
    for (const card of [dashboardOverviewCard('sv', d), dashboardPortfolioCard('sv', d, 'p1')!]) {
      for (const el of elements(card).filter((e) => String(e.type).startsWith('Chart.'))) {
        expect(JSON.stringify(el.data)).not.toMatch(/\d[eE][-+]?\d/);
      }
    }
    // Benefit realisation of 0 % everywhere: no rates chart, the facts say it.
    const zero = computeDashboard(input);
    for (const p of zero.portfolios) p.benefit.realisedRate = 0;
    const overview = dashboardOverviewCard('sv', dashboard({ figures: zero }));
    expect(elements(overview).find((e) => e.type === 'Chart.HorizontalBar')!.isVisible).toBe(false);
  });

  it('when statuses are counted, then Swedish plurals agree with the number and hours count as benefit', () => {
    const figures = computeDashboard(dashboardInput());
    const p = figures.portfolios[0];
    p.statusCounts = {
      ...p.statusCounts,
      submitted: 1,
      approved: 2,
      in_review: 0,
      rejected: 0,
      withdrawn: 0,
    };
    p.applications = 3;
    p.benefit = { ...p.benefit, projects: 1, plannedSek: 600_000, plannedHours: 2_000 };
    const json = JSON.stringify(dashboardOverviewCard('sv', dashboard({ figures })));
    expect(json).toContain('3 (1\u00a0inskickad, 2\u00a0beviljade)');
    // Counts are grouped as the locale groups them.
    p.applications = 12_345;
    p.statusCounts = { ...p.statusCounts, submitted: 12_343 };
    const big = JSON.stringify(dashboardOverviewCard('sv', dashboard({ figures })));
    expect(big).toContain('12\u00a0345 (12\u00a0343\u00a0inskickade, 2\u00a0beviljade)');
    expect(JSON.stringify(dashboardOverviewCard('en', dashboard({ figures })))).toContain(
      '12,345 (12,343\u00a0submitted, 2\u00a0approved)',
    );
    expect(json).toContain('600\u00a0000\u00a0kr och 2\u00a0000 arbetstimmar');
    const en = JSON.stringify(dashboardOverviewCard('en', dashboard({ figures })));
    expect(en).toContain('SEK\u00a0600,000 and 2,000 working hours');
  });

  it('when no year is asked for, then the dashboard opens on the current year if it has applications, else the nearest that has', () => {
    expect(openingYear(2026, [])).toBe(2026);
    expect(openingYear(2026, [2026, 2027])).toBe(2026);
    expect(openingYear(2026, [2027])).toBe(2027);
    expect(openingYear(2026, [2025, 2027])).toBe(2027);
    expect(openingYear(2026, [2020, 2024])).toBe(2024);
  });
});
