import { App } from '../../bot/app';
import { formatSek } from '../../services/shared/amount';
import type { UserDoc } from '../../services/users/user-repository';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { parseSwedishCsv } from '../unit/insight/insight-fixture';
import { TestClock } from '../unit/scheduler/scheduler-kit';
import {
  AppSpec,
  cardAfter,
  dataOf,
  FREDRIK,
  lastSeq,
  MAJA,
  ownerAnswers,
  stepsFor,
} from './allocation-support';
import {
  Channel,
  GENERAL,
  openReviewItem,
  REVIEW_CHANNEL,
  grantReviewers,
  scores,
  submitApplication,
  waitForCard,
} from './review-support';

const COACH_CHANNEL = '19:coacher@thread.tacv2';
const DELEGATION = 'KS delegationsordning 2026 p. 4.2';
/** "8,3" for 8.333…: one decimal, Swedish decimal comma (computed here, not by the dashboard code). */
const pct = (part: number, whole: number): string =>
  (Math.round((part / whole) * 1000) / 10).toFixed(1).replace(/\.0$/, '').replace('.', ',');
const kr = (n: number): string => formatSek(n, 'sv');
const swedish = (v: string): number => Number(v.replace(/\u00a0/g, '').replace(',', '.'));

/** Facts of a card as title → value (the FactSets of the card, in order, later ones win). */
function factsOf(card: unknown, within?: (title: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'FactSet' && Array.isArray(o.facts))
        for (const f of o.facts as { title: string; value: string }[])
          if (!within || within(f.title)) out.set(f.title, f.value);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out;
}

/** The facts of the overview's section whose heading starts with this text (a portfolio's own facts). */
function sectionFacts(card: unknown, heading: string): Map<string, string> {
  const body = (card as { body: { type: string; items?: { text?: string }[] }[] }).body;
  const section = body.find(
    (e) => e.type === 'Container' && (e.items?.[0]?.text ?? '').startsWith(heading),
  );
  if (!section) throw new Error(`no section ${heading}`);
  return factsOf(section);
}

describe('portfolio dashboards and register exports over real HTTP', () => {
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
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva, MAJA, FREDRIK]);
    clock = new TestClock('2026-11-23 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { EXPORT_SIGNING_SECRET: 'k'.repeat(40), SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  /** Submits as Anna with a quantified yearly effect and takes the application through the real review. */
  async function reviewed(
    spec: AppSpec,
    effect: string,
    itStatement?: string,
  ): Promise<{ appId: string; regNo: string; itemId: string; rootId: string }> {
    const steps = stepsFor(spec);
    steps[2] = { yearlyEffectSek: effect };
    // Maja votes as a member of the review group (only reviewers and chairs vote).
    await grantReviewers(app, [MAJA]);
    const item = await openReviewItem(app, connector, DEMO_USERS.anna, steps);
    if (itStatement) {
      // The IT function's statement (Eva has the it role), given while the item is open.
      const given = await new PersonalChat(app.url, connector.url, DEMO_USERS.eva).click(
        'review.statement',
        {
          itemId: item.itemId,
          st_recommendation: itStatement,
          st_text: 'Följer stadens tekniska riktlinjer.',
        },
      );
      expect(given.status).toBe(200);
      expect((await app.services.review.item(item.itemId))!.statement?.recommendation).toBe(
        itStatement,
      );
    }
    const channel = new Channel(app, connector, REVIEW_CHANNEL);
    for (const voter of [DEMO_USERS.david, DEMO_USERS.eva, MAJA]) {
      await channel.click(voter, 'review.noConflict', { itemId: item.itemId }, item.rootId);
      await channel.click(
        voter,
        'review.vote',
        {
          itemId: item.itemId,
          vote: spec.recommend === false ? 'reject' : 'approve',
          ...scores(spec.score),
        },
        item.rootId,
      );
    }
    const closed = await channel.click(
      DEMO_USERS.david,
      'review.close',
      {
        itemId: item.itemId,
        close_recommendation: spec.recommend === false ? 'not_recommended' : 'recommended',
      },
      item.rootId,
    );
    expect(closed.status).toBe(200);
    return item;
  }

  it('when applications are decided, funded, reported on and coached, then the dashboard shows the same numbers as computed from what was seeded, and drill-downs and exports agree', async () => {
    const s = app.services;
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.david, DEMO_USERS.bjorn])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');

    // Seed through the real flows: three reviewed applications (one not recommended) and one still pending.
    const seeded = {
      alfa: { devCost: 2_000_000, effect: 600_000 },
      beta: { devCost: 1_500_000, effect: 300_000 },
      gamma: { devCost: 700_000, effect: 100_000 },
      delta: { devCost: 900_000 },
    };
    const alfa = await reviewed(
      { title: 'Alfa: e-tjänst för bygglov', devCost: '2 000 000', score: 5 },
      '600 000',
      'recommend',
    );
    const beta = await reviewed(
      { title: 'Beta: bokning', devCost: '1 500 000', score: 4 },
      '300 000',
      'advise_against',
    );
    const gamma = await reviewed(
      { title: 'Gamma: kartor', devCost: '700 000', score: 2, recommend: false },
      '100 000',
    );
    const deltaId = await submitApplication(app, connector, DEMO_USERS.anna, [
      { title: 'Delta: väntar', part: 'maintenance' },
      {},
      {},
      { devCost: '900 000' },
    ]);

    // Allocation and decision through the real round: the owner accepts, the decision maker confirms.
    const review = new Channel(app, connector, REVIEW_CHANNEL);
    let from = lastSeq(connector);
    await review.say(DEMO_USERS.david, 'fördela 1 2027');
    const roundId = dataOf(
      (await cardAfter(connector, REVIEW_CHANNEL, from, 'Fördelning: 1.')).card,
      'roundId',
    );
    for (const x of [alfa, beta]) await ownerAnswers(app, connector, DEMO_USERS.eva, x.regNo, true);
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    const refreshed = await david.click('allocation.refresh', { roundId });
    const confirmed = await david.click('allocation.confirm', {
      roundId,
      digest: dataOf(refreshed.card, 'digest'),
      delegation: DELEGATION,
    });
    expect(cardText(confirmed.card)).toContain('Beslutet är registrerat: 3 beslut');
    const decisions = await s.allocation.decisions.all();
    const grantedSum = decisions
      .filter((d) => d.outcome === 'approved')
      .reduce((a, d) => a + d.amount, 0);
    expect(grantedSum).toBe(seeded.alfa.devCost + seeded.beta.devCost);

    // A coaching question in March 2027, first answered two and a half office hours later.
    clock.set('2027-03-01 10:00');
    const coach = new Channel(app, connector, COACH_CHANNEL);
    from = lastSeq(connector);
    await coach.say(DEMO_USERS.bjorn, 'coachkanal');
    await connector.waitFor(
      (c) =>
        c.seq > from &&
        (c.kind === 'send' || c.kind === 'reply') &&
        (c.conversationId ?? '').startsWith(COACH_CHANNEL),
    );
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await anna.say('fråga Hur räknar jag nyttan?');
    const post = await waitForCard(connector, COACH_CHANNEL, 'Hur räknar jag nyttan?');
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))![1];
    for (
      let i = 0;
      i < 100 && (await s.outbox.get(`coach-thread:${questionId}`))?.status !== 'sent';
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    clock.set('2027-03-01 12:30');
    await coach.say(DEMO_USERS.cecilia, 'Räkna frigjorda timmar gånger timkostnaden.', {
      mention: false,
      replyToThreadId: post.assignedId!,
    });
    for (
      let i = 0;
      i < 100 &&
      (await s.coaching.questions.get(questionId))?.firstAnswerWorkingHours === undefined;
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    expect((await s.coaching.questions.get(questionId))!.firstAnswerWorkingHours).toBe(2.5);

    // Reports in January 2028: Alfa has reported everything (the final report with a realised effect), Beta only the first quarter.
    clock.set('2028-01-20 10:00');
    const alfaProject = (await s.followup.projects.byApplication(alfa.appId))!;
    const betaProject = (await s.followup.projects.byApplication(beta.appId))!;
    const realised = 250_000;
    const report = (projectId: string, period: string, extra: Record<string, string> = {}) =>
      anna.click('followup.report.submit', {
        projectId,
        period,
        health: 'on_track',
        spent: '400 000',
        milestones: 'Enligt plan.',
        ...extra,
      });
    for (const period of ['status-2027-Q1', 'status-2027-Q2', 'status-2027-Q3'])
      expect(cardText((await report(alfaProject._id, period)).card)).toContain(
        'rapporten är sparad',
      );
    expect(
      cardText((await report(alfaProject._id, 'final', { realisedSek: '250 000' })).card),
    ).toContain('rapporten är sparad');
    expect(cardText((await report(betaProject._id, 'status-2027-Q1')).card)).toContain(
      'rapporten är sparad',
    );

    // The overview, as the project office sees it.
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    from = lastSeq(connector);
    await bjorn.say('portföljer 2027');
    const overview = (await cardAfter(connector, bjorn.conversationId, from, 'Portföljer 2027'))
      .card;
    const frame = (await s.portfolios.get('p1'))!.frames.find((f) => f.year === 2027)!.amount;
    const requested =
      seeded.alfa.devCost + seeded.beta.devCost + seeded.gamma.devCost + seeded.delta.devCost;
    const planned = seeded.alfa.effect + seeded.beta.effect;
    const p1 = sectionFacts(overview, '1\\. Tillgänglighet');
    expect(p1.get('Ram')).toBe(kr(frame));
    expect(p1.get('Beviljat')).toBe(`${kr(grantedSum)} (${pct(grantedSum, frame)} %)`);
    expect(p1.get('Kvar av ramen')).toBe(
      `${kr(frame - grantedSum)} (${pct(frame - grantedSum, frame)} %)`,
    );
    expect(p1.get('Sökt')).toBe(kr(requested));
    expect(p1.get('Väntar på beslut')).toBe(kr(seeded.delta.devCost));
    expect(p1.get('Ansökningar')).toBe('4 (1\u00a0inskickad, 2\u00a0beviljade, 1\u00a0avslagen)');
    // Planned benefit counts the working hours too (2 000 h a year in each funded application).
    expect(p1.get('Planerad nytta per år')).toBe(`${kr(planned)} och 4\u00a0000 arbetstimmar`);
    expect(p1.get('Realiserad nytta per år')).toBe(
      `${kr(realised)} · 1 av 2 projekt har rapporterat nytta`,
    );
    expect(p1.get('Effekthemtagning')).toBe(
      `${pct(realised, grantedSum)} %/år (planerat ${pct(planned, grantedSum)} %/år)`,
    );
    // Beta owes the second and third quarters and the final report.
    expect(p1.get('Försenade rapporter')).toBe('3');
    // The totals and the indicators are the FactSets of the card itself, outside the portfolio sections.
    const totals = factsOf(
      (overview as { body: { type: string }[] }).body.filter((e) => e.type === 'FactSet'),
    );
    expect(totals.get('Coachernas svarstid (median)')).toBe('2,5 kontorstimmar · frågor: 1');
    expect(totals.get('Beviljade med positivt IT-yttrande')).toBe('50 % (1 av 2)');
    expect(totals.get('Beviljade som använder gemensam plattform')).toBe('100 % (2 av 2)');
    const allFrames = (await s.portfolios.all()).reduce(
      (a, p) => a + (p.frames.find((f) => f.year === 2027)?.amount ?? 0),
      0,
    );
    expect(totals.get('Beviljat av ramen')).toBe(
      `${pct(grantedSum, allFrames)} % (${kr(grantedSum)} av ${kr(allFrames)})`,
    );
    expect(JSON.stringify(overview)).toContain('"type":"Chart.Donut"');

    // Drill-down into the portfolio and into its applications.
    const drill = await bjorn.click('dashboard.portfolio', { portfolioId: 'p1', year: 2027 });
    const drillText = cardText(drill.card);
    expect(drillText).toContain(
      `${beta.regNo} Beta: bokning: kvartal 2 2027, skulle lämnas 2027-06-30`,
    );
    expect(drillText).toContain(
      `${beta.regNo} Beta: bokning: slutrapport, skulle lämnas 2027-11-30`,
    );
    expect(drillText).toContain('Försenade rapporter (3)');
    const list = await bjorn.click('dashboard.applications', {
      portfolioId: 'p1',
      year: 2027,
      page: 0,
    });
    const listText = cardText(list.card);
    const deltaRegNo = (await s.applications.get(deltaId))!.regNo!;
    for (const regNo of [alfa.regNo, beta.regNo, gamma.regNo, deltaRegNo])
      expect(listText).toContain(`**${regNo}**`);
    expect(listText).toContain(`Inskickad · sökt ${kr(seeded.delta.devCost)}`);
    expect(listText).toContain(
      `Beviljad · sökt ${kr(seeded.alfa.devCost)} · beviljat ${kr(seeded.alfa.devCost)}`,
    );
    expect(listText).toContain('Sida 1 av 1 · 4 ansökningar');

    // The year selector: 2026 has none of this.
    const y2026 = await bjorn.click('dashboard.show', { year: '2026' });
    expect(sectionFacts(y2026.card, '1\\. Tillgänglighet').get('Beviljat')).toBe(`${kr(0)} (0 %)`);

    // Exports for the admin: short-lived signed links; the files parse back to the register.
    const links = await bjorn.click('dashboard.exports', { year: 2027 });
    const urls = JSON.stringify(links.card)
      .match(/"url":"([^"]+)"/g)!
      .map((m) => m.slice(7, -1).replace(/^http:\/\/localhost:\d+/, app.url));
    expect(urls).toHaveLength(5);
    const fetchText = async (name: string): Promise<string> => {
      const res = await fetch(urls.find((u) => u.includes(name))!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="[a-z-]+-2028-01-20\.(csv|json)"$/,
      );
      // Bytes, not res.text(): a decoder would swallow the BOM that Excel needs.
      const bytes = Buffer.from(await res.arrayBuffer());
      if (name.endsWith('.csv')) expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      return bytes.toString('utf8');
    };
    const [header, ...rows] = parseSwedishCsv(await fetchText('applications.csv'));
    const apps = (await s.applications.find({})).filter((a) => a.regNo);
    expect(rows.map((r) => r[header.indexOf('Diarienummer')]).sort()).toEqual(
      apps.map((a) => a.regNo!).sort(),
    );
    for (const r of rows) {
      const appDoc = apps.find((a) => a.regNo === r[header.indexOf('Diarienummer')])!;
      const dec = decisions.find((d) => d.applicationId === appDoc._id);
      expect(swedish(r[header.indexOf('Sökt belopp (kr)')])).toBe(appDoc.data!.devCost);
      expect(
        r[header.indexOf('Beviljat belopp (kr)')] === ''
          ? null
          : swedish(r[header.indexOf('Beviljat belopp (kr)')]),
      ).toBe(dec ? dec.amount : null);
      expect(r[header.indexOf('Beslut')]).toBe(
        dec ? (dec.outcome === 'approved' ? 'Bifall' : 'Avslag') : '',
      );
    }
    const [dHeader, ...dRows] = parseSwedishCsv(await fetchText('decisions.csv'));
    expect(dRows.map((r) => r[dHeader.indexOf('Beslutsid')]).sort()).toEqual(
      decisions.map((d) => d._id).sort(),
    );
    expect(dRows.every((r) => r[dHeader.indexOf('Delegation')] === DELEGATION)).toBe(true);
    const json = JSON.parse(await fetchText('register.json')) as {
      applications: { regNo: string }[];
      decisions: { _id: string; inForce: boolean }[];
    };
    expect(json.applications.map((a) => a.regNo).sort()).toEqual(apps.map((a) => a.regNo!).sort());
    expect(json.decisions.every((d) => d.inForce)).toBe(true);
    const [fHeader, ...fRows] = parseSwedishCsv(await fetchText('followup.csv'));
    const betaRow = fRows.find((r) => r[fHeader.indexOf('Diarienummer')] === beta.regNo)!;
    expect(betaRow[fHeader.indexOf('Försenade rapporter')]).toBe(
      'status-2027-Q2 (2027-06-30), status-2027-Q3 (2027-09-30), final (2027-11-30)',
    );
    const alfaRow = fRows.find((r) => r[fHeader.indexOf('Diarienummer')] === alfa.regNo)!;
    expect(alfaRow[fHeader.indexOf('Effekthemtagning (%/år)')]).toBe(
      pct(realised, seeded.alfa.devCost),
    );
    const followJson = JSON.parse(await fetchText('followup.json')) as {
      projects: { regNo: string; reportsSent: number }[];
    };
    expect(followJson.projects.map((p) => [p.regNo, p.reportsSent]).sort()).toEqual(
      [
        [alfa.regNo, 4],
        [beta.regNo, 1],
      ].sort(),
    );
    expect((await s.audit.forEntity('register')).map((e) => e.action)).toEqual([
      'insight.exports_issued',
      ...Array(5).fill('insight.export_downloaded'),
    ]);
    // A tampered, unsigned or expired link is refused.
    const csvUrl = urls.find((u) => u.includes('applications.csv'))!;
    expect((await fetch(csvUrl.replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`))).status).toBe(403);
    expect((await fetch(csvUrl.split('?')[0])).status).toBe(403);
    clock.set('2028-01-20 10:16');
    expect((await fetch(csvUrl)).status).toBe(403);
  });

  it('when people without a dashboard role, with a portfolio-scoped role, or in a channel ask, then they see only what they may', async () => {
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const refused = await anna.click('dashboard.show', { year: '2027' });
    expect(cardText(refused.card)).toContain('Portföljöversikten är till för projektkontoret');
    const annaLinks = await anna.click('dashboard.exports', { year: 2027 });
    expect(cardText(annaLinks.card)).toContain(
      'Bara projektkontorets administratörer kan exportera registret',
    );
    expect(await app.services.audit.forEntity('register')).toEqual([]);

    // A reviewer sees every portfolio, without the export button.
    const fredrik = new PersonalChat(app.url, connector.url, FREDRIK);
    const all = await fredrik.click('dashboard.show', {});
    expect(cardText(all.card)).toContain('5. Innovativ verksamhetsutveckling');
    expect(JSON.stringify(all.card)).not.toContain('dashboard.exports');

    // A chair of portfolio 2 only sees portfolio 2, and cannot drill into another.
    await app.services.users.upsertProfile(MAJA.aadObjectId, { name: MAJA.name }, clock.fn());
    await app.services.store
      .collection<UserDoc>('users')
      .findOneAndUpdate(
        { _id: MAJA.aadObjectId },
        { $set: { portfolioRoles: [{ role: 'chair', portfolioId: 'p2' }] } },
      );
    const maja = new PersonalChat(app.url, connector.url, MAJA, 'en-US');
    const scoped = await maja.click('dashboard.show', { year: '2027' });
    const scopedText = cardText(scoped.card);
    expect(scopedText).toContain('Portfolios 2027');
    expect(scopedText).toContain('You see the portfolios where you have a role.');
    expect(scopedText).toContain('2. Compile, analyse and reuse information');
    expect(scopedText).not.toContain('1. Accessibility');
    expect(
      cardText((await maja.click('dashboard.portfolio', { portfolioId: 'p1', year: 2027 })).card),
    ).toContain('I cannot find that portfolio.');
    expect(cardText((await maja.click('dashboard.show', { year: '1999' })).card)).toContain(
      'Write the fiscal year with four digits',
    );

    // In a channel the dashboard shows; the export links only come in personal chat.
    const general = new Channel(app, connector, GENERAL);
    const from = lastSeq(connector);
    await general.say(DEMO_USERS.bjorn, 'portfolios 2027');
    const posted = await cardAfter(connector, GENERAL, from, 'Portföljer 2027');
    const inChannel = await general.click(
      DEMO_USERS.bjorn,
      'dashboard.exports',
      { year: 2027 },
      posted.call.assignedId!,
    );
    expect(inChannel.text).toContain('personlig chatt');
  });
});
