import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { TestClock } from '../unit/scheduler/scheduler-kit';
import { cardAfter, lastSeq } from './allocation-support';
import { submitApplication } from './review-support';

type El = Record<string, unknown>;

/** Every chart of a card. */
function charts(card: unknown): El[] {
  const out: El[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as El;
      if (typeof o.type === 'string' && o.type.startsWith('Chart.')) out.push(o);
      for (const k of ['body', 'items', 'columns']) if (o[k]) walk(o[k]);
    }
  };
  walk((card as El).body);
  return out;
}

/** Every number a chart would put on its axis or slices. */
function chartNumbers(chart: El): number[] {
  const out: number[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n as El)) {
        if ((k === 'y' || k === 'value') && typeof v === 'number') out.push(v);
        else if (typeof v === 'object') walk(v);
      }
    }
  };
  walk(chart.data);
  return out;
}

describe('the portfolio dashboard (portföljer) over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let clock: TestClock;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    clock = new TestClock('2026-11-23 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when no year is named, then it opens on the year that has applications, or says none has', async () => {
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    let from = lastSeq(connector);
    await bjorn.say('portföljer');
    const empty = (await cardAfter(connector, bjorn.conversationId, from, 'Portföljer 2026')).card;
    expect(cardText(empty)).toContain('Inga ansökningar har skickats in ännu');

    // Applied for in the autumn: the projects start in 2027.
    await submitApplication(app, connector, DEMO_USERS.anna, [{}, {}, {}, { devCost: '40 000' }]);
    from = lastSeq(connector);
    await bjorn.say('portföljer');
    const opened = (await cardAfter(connector, bjorn.conversationId, from, 'Portföljer 2027')).card;
    const text = cardText(opened);
    expect(text).toContain('Visar 2027, det närmaste året med ansökningar.');
    expect(text).toContain('1 (1\u00a0inskickad)');

    // A year without applications, asked for by name, says so and names the years that have.
    const y2026 = await bjorn.click('dashboard.show', { year: '2026' });
    expect(cardText(y2026.card)).toContain(
      'Inga ansökningar har skickats in för 2026. År med ansökningar: 2027.',
    );

    await submitApplication(app, connector, DEMO_USERS.anna);
    const two = await bjorn.click('dashboard.show', {});
    expect(cardText(two.card)).toContain('2 (2\u00a0inskickade)');
  });

  it("when the charts are drawn, then titles and legends are in the person's language and no axis has exponent or all-zero values", async () => {
    // In 2028 (no frame set yet) only 40 000 kr is pending: in millions every bar would be 0 and
    // the axis of an all-zero chart ticks in exponents ("1.67e-5").
    await submitApplication(app, connector, DEMO_USERS.anna, [
      {},
      {},
      {},
      { devCost: '40 000' },
      { startDate: '2028-02-01', endDate: '2028-11-30' },
    ]);
    const bjornEn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn, 'en-US');
    const en = await bjornEn.click('dashboard.show', {});
    const bjornSv = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    const sv = await bjornSv.click('dashboard.show', {});
    expect(cardText(en.card)).toContain('Portfolios 2028');
    const drill = await bjornEn.click('dashboard.portfolio', { portfolioId: 'p1', year: 2028 });
    for (const card of [en.card, sv.card, drill.card]) {
      for (const chart of charts(card)) {
        if (chart.isVisible === false) continue;
        const values = chartNumbers(chart);
        expect(values.some((v) => v > 0)).toBe(true);
        expect(JSON.stringify(chart.data)).not.toMatch(/\d[eE][-+]?\d/);
        // Pending 40 000 kr is drawn as 40 tkr, not as 0.04 mkr.
        for (const v of values) expect(v === 0 || Math.abs(v) >= 0.1).toBe(true);
      }
    }
    const swedishWords =
      /Ramen|Beviljat|Kvar\b|Väntar|Portfölj\b|Planerad|Realiserad|Inskickad|mkr|tkr/;
    for (const card of [en.card, drill.card]) {
      for (const chart of charts(card)) {
        const labels = [
          chart.title,
          chart.xAxisTitle,
          chart.yAxisTitle,
          JSON.stringify(chart.data),
        ].join(' ');
        expect(labels).not.toMatch(swedishWords);
      }
    }
    const bars = charts(en.card).find((c) => c.type === 'Chart.VerticalBar.Grouped')!;
    expect(bars.isVisible).toBe(true);
    expect(bars.title).toBe('Frame, granted and awaiting per portfolio (kSEK)');
    expect(chartNumbers(bars)).toContain(40);
    const pending = charts(drill.card).find((c) => c.type === 'Chart.VerticalBar.Grouped')!;
    expect(pending.title).toBe('Frame, granted and awaiting per part (kSEK)');
    const statuses = charts(drill.card).find((c) => c.type === 'Chart.HorizontalBar')!;
    expect(statuses.data).toEqual([{ x: 'Submitted', y: 1, legend: 'Submitted' }]);
  });
});
