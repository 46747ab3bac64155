import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import {
  cardAfter,
  dataOf,
  FREDRIK,
  lastSeq,
  MAJA,
  ownerAnswers,
  reviewedApplication,
} from './allocation-support';
import { Channel, GENERAL, REVIEW_CHANNEL, waitForCard, waitUntilTrue } from './review-support';

/** Reads a CSV for Swedish Excel back: the UTF-8 BOM first, rows on CRLF, fields on semicolons (no quoting needed here). */
function csvRows(bytes: Uint8Array): string[][] {
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return text
    .slice(1)
    .split('\r\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(';'));
}

describe('allocation and decisions within the portfolio frame, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva, MAJA, FREDRIK]);
    app = await startTestApp({
      dataDir: freshDataDir(),
      env: { EXPORT_SIGNING_SECRET: 's'.repeat(40) },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when the chair allocates, tries a what-if and a decision maker confirms, then the optimum within the part is decided, posted in the threads and to the applicant, and exported', async () => {
    const s = app.services;
    const general = new Channel(app, connector, GENERAL);
    const review = new Channel(app, connector, REVIEW_CHANNEL);
    // Eva (the named owner) and Anna (the applicant) have opened their chats with the bot.
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.david])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');

    // The project office sets the 2027 frame of portfolio 1: the improvement part gets 3 MSEK.
    let from = lastSeq(connector);
    await general.say(DEMO_USERS.bjorn, 'ramar 1 2027');
    const form = (await cardAfter(connector, GENERAL, from, 'Ram för 1.')).call;
    const bad = await general.click(
      DEMO_USERS.bjorn,
      'frame.save',
      {
        portfolioId: 'p1',
        year: '2027',
        frameVersion: dataOf(cardOfCall(form), 'frameVersion'),
        frame_amount: '5 mkr',
        frame_innovation: '20',
        frame_improvement: '50',
        frame_maintenance: '20',
      },
      form.assignedId!,
    );
    expect(bad.text).toContain('Andelarna summerar till 90 %');
    const saved = await general.click(
      DEMO_USERS.bjorn,
      'frame.save',
      {
        portfolioId: 'p1',
        year: '2027',
        frameVersion: dataOf(cardOfCall(form), 'frameVersion'),
        frame_amount: '5 mkr',
        frame_innovation: '20',
        frame_improvement: '60',
        frame_maintenance: '20',
      },
      form.assignedId!,
    );
    expect(saved.text).toContain('Ramen är sparad');
    expect(saved.text).toContain('Förbättring 3\u00a0000\u00a0000\u00a0kr');
    expect((await s.portfolios.get('p1'))!.frames.find((f) => f.year === 2027)).toEqual({
      year: 2027,
      amount: 5_000_000,
      shares: { innovation: 20, improvement: 60, maintenance: 20 },
    });
    expect((await s.audit.forEntity('p1:2027')).map((e) => e.action)).toContain('frame.set');

    // Four recommended applications and one the group did not recommend, through the real review.
    const a = await reviewedApplication(app, connector, {
      title: 'Alfa: stor e-tjänst',
      devCost: '2 000 000',
      score: 5,
    });
    const b = await reviewedApplication(app, connector, {
      title: 'Beta: bokning',
      devCost: '1 500 000',
      score: 4,
      recusing: FREDRIK,
    });
    const c = await reviewedApplication(app, connector, {
      title: 'Gamma: kartor',
      devCost: '1 500 000',
      score: 4,
    });
    const d = await reviewedApplication(app, connector, {
      title: 'Delta: okänd ägare',
      devCost: '500 000',
      score: 5,
      ownerEmail: 'ingen.alls@stad.example',
    });
    const e = await reviewedApplication(app, connector, {
      title: 'Epsilon: avstyrkt',
      devCost: '700 000',
      score: 2,
      recommend: false,
    });

    // `fördela` in the review channel: owners are asked; nobody has accepted yet, so nothing can get money.
    from = lastSeq(connector);
    expect(await review.say(DEMO_USERS.david, 'fördela 1 2027')).toBe(200);
    const card = (await cardAfter(connector, REVIEW_CHANNEL, from, 'Fördelning: 1.')).card;
    let text = cardText(card);
    expect(text).toContain('Kan inte få medel ännu (4)');
    expect(text).toContain('ägaren har inte accepterat (väntar på svar från Eva Ek)');
    expect(text).toContain('ingen känd person med e-post ingen.alls@stad.example');
    expect(text).toContain('Inte tillstyrkta av beredningsgruppen – avslås vid beslut (1)');
    const roundId = dataOf(card, 'roundId');
    // The applicant of the unknown owner is asked to name the owner.
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    expect(
      cardText(
        cardOfCall(await waitForCard(connector, anna.conversationId, `Välj ägare för ${d.regNo}`)),
      ),
    ).toContain('ingen.alls@stad.example');

    // The owner accepts three; the bot tells the applicant.
    for (const x of [a, b, c])
      expect(await ownerAnswers(app, connector, DEMO_USERS.eva, x.regNo, true)).toContain(
        'du har accepterat ägarskapet',
      );
    await waitForCard(
      connector,
      anna.conversationId,
      `Eva Ek har accepterat ägarskap och driftkostnad för ${a.regNo}`,
    );
    expect((await s.audit.forEntity(a.appId)).map((x) => x.action)).toContain('owner.accepted');

    // The proposal: Beta + Gamma (3 MSEK, value 12) beat Alfa alone (2 MSEK, value 10), which "highest score first" picks.
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    let res = await david.click('allocation.refresh', { roundId });
    text = cardText(res.card);
    expect(text).toContain('Ovanför strecket – föreslås beviljas (2)');
    expect(text).toContain('Under strecket – föreslås avslås (1)');
    expect(text).toContain(`**${b.regNo}** Beta: bokning`);
    expect(text).toContain(
      `**${a.regNo}** Alfa: stor e-tjänst\nFörbättring · 2\u00a0000\u00a0tkr · medelbetyg 5,00 · justerat 5,00 · utanför: skulle överskrida förbättringsdelen med 2\u00a0000\u00a0tkr · med även vid högsta betyg först`,
    );
    expect(text).toContain('Förslaget: värde 12,00 (betyg × Mkr) · 3\u00a0000\u00a0000\u00a0kr');
    expect(text).toContain('Högsta betyg först: värde 10,00 · 2\u00a0000\u00a0000\u00a0kr');
    expect(text).toContain(
      'Förslaget ger 2,00 mer värde och använder 1\u00a0000\u00a0000\u00a0kr mer av ramen.',
    );
    expect(text).toContain(`Bara med högsta betyg först: ${a.regNo}`);
    expect(text).toContain('Värde = justerat betyg × beviljat belopp');
    expect(text).toContain(`Välj ägare för ${d.regNo}`);

    // What-if: force Alfa in (with a reason) and see it recomputed; then clear it again.
    res = await david.click('allocation.whatIf', {
      roundId,
      wi_item: a.appId,
      wi_action: 'in',
      wi_reason: 'Politiskt prioriterad',
    });
    text = cardText(res.card);
    expect(text).toContain(`Ändringen för ${a.regNo} är sparad`);
    expect(text).toContain('tvingad in av ordföranden: Politiskt prioriterad');
    expect(text).toContain('Ovanför strecket – föreslås beviljas (1)');
    expect((await s.allocation.rounds.get(roundId))!.whatIfs).toEqual([
      expect.objectContaining({ itemId: a.appId, forced: 'in', reason: 'Politiskt prioriterad' }),
    ]);

    // Tampered what-ifs are refused with a message and write nothing.
    const before = await s.allocation.rounds.get(roundId);
    for (const tampered of [
      { wi_item: 'not-an-id', wi_action: 'in', wi_reason: 'x' },
      { wi_item: d.appId, wi_action: 'in', wi_reason: 'ineligible' },
      { wi_item: a.appId, wi_action: 'delete', wi_reason: 'x' },
      { wi_item: a.appId, wi_action: 'reduce', wi_amount: '-5 kr', wi_reason: 'x' },
      { wi_item: a.appId, wi_action: 'reduce', wi_amount: '9 mkr', wi_reason: 'x' },
      { wi_item: a.appId, wi_action: 'out' },
      { wi_item: { $ne: 1 }, wi_action: ['in'], wi_reason: 42 },
    ]) {
      const r = await david.click('allocation.whatIf', { roundId, ...tampered });
      expect(r.status).toBe(200);
      expect(cardText(r.card)).toMatch(
        /Välj en ansökan som finns i förslaget|Välj vilken ändring|Skriv ett belopp större än noll|kan inte vara större än det sökta|Skriv en motivering/,
      );
    }
    expect((await s.allocation.rounds.get(roundId))!.version).toBe(before!.version);
    res = await david.click('allocation.whatIf', { roundId, wi_item: a.appId, wi_action: 'clear' });
    expect(cardText(res.card)).toContain('Ovanför strecket – föreslås beviljas (2)');
    const digest = dataOf(res.card, 'digest');

    // A confirmation of a proposal the card no longer shows is sent back; a non-decision maker is refused; nothing is written.
    const stale = await david.click('allocation.confirm', {
      roundId,
      digest: 'stale',
      delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    expect(cardText(stale.card)).toContain('Förslaget har ändrats sedan kortet visades');
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const refused = await eva.click('allocation.confirm', {
      roundId,
      digest,
      delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    expect(cardText(refused.card)).toContain('Bara beslutsfattare kan bekräfta');
    const noDelegation = await david.click('allocation.confirm', {
      roundId,
      digest,
      delegation: '  ',
    });
    expect(cardText(noDelegation.card)).toContain('Ange under vilken delegation');
    expect(await s.allocation.decisions.all()).toEqual([]);
    expect((await s.allocation.rounds.get(roundId))!.status).toBe('open');
    expect((await s.allocation.ledgers.get('p1', 2027))!.used.improvement).toBe(0);

    // The decision maker confirms.
    const confirmed = await david.click('allocation.confirm', {
      roundId,
      digest,
      delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    text = cardText(confirmed.card);
    expect(text).toContain('Beslutet är registrerat: 4 beslut');
    expect(text).toContain('Beslutat');
    const decisions = await s.allocation.decisions.all();
    const of = (id: string) => decisions.find((x) => x.applicationId === id)!;
    expect(decisions).toHaveLength(4);
    expect(of(b.appId)).toMatchObject({
      outcome: 'approved',
      amount: 1_500_000,
      part: 'improvement',
      delegation: 'KS delegationsordning 2026 p. 4.2',
      decidedBy: { aadObjectId: DEMO_USERS.david.aadObjectId, name: 'David Dahl' },
      regNo: b.regNo,
      recusedNames: ['Fredrik Falk'],
    });
    expect(of(c.appId)).toMatchObject({ outcome: 'approved', amount: 1_500_000 });
    expect(of(a.appId)).toMatchObject({ outcome: 'rejected', amount: 0 });
    expect(of(a.appId).reasonText.sv).toContain(
      'utanför: skulle överskrida förbättringsdelen med 2\u00a0000\u00a0tkr',
    );
    expect(of(e.appId)).toMatchObject({ outcome: 'rejected', kind: 'not_recommended' });
    expect(decisions.find((x) => x.applicationId === d.appId)).toBeUndefined();
    expect((await s.applications.get(b.appId))!.status).toBe('approved');
    expect((await s.applications.get(a.appId))!.status).toBe('rejected');
    expect((await s.applications.get(d.appId))!.status).toBe('recommended');
    expect((await s.allocation.ledgers.get('p1', 2027))!.used).toEqual({
      innovation: 0,
      improvement: 3_000_000,
      maintenance: 0,
    });
    // Approved applications become projects with a follow-up plan.
    const project = (await s.followup.projects.byApplication(b.appId))!;
    expect(project).toMatchObject({
      grantedSek: 1_500_000,
      decisionId: of(b.appId)._id,
      threadId: b.rootId,
    });
    expect(await s.followup.projects.byApplication(a.appId)).toBeNull();
    expect((await s.audit.forEntity(b.appId)).map((x) => x.action)).toEqual(
      expect.arrayContaining(['decision.recorded', 'application.approved']),
    );
    expect((await s.audit.forEntity(project._id)).map((x) => x.action)).toContain(
      'project.created',
    );

    // Posted in the item's thread in the review channel and sent to the applicant.
    const thread = await connector.waitFor(
      (x) =>
        (x.kind === 'send' || x.kind === 'reply') &&
        x.conversationId === `${REVIEW_CHANNEL};messageid=${b.rootId}` &&
        cardText(cardOfCall(x)).includes(`Beslut: ${b.regNo} beviljas`),
      10_000,
    );
    const threadText = cardText(cardOfCall(thread));
    expect(threadText).toContain('KS delegationsordning 2026 p. 4.2');
    expect(threadText).toContain('Fredrik Falk');
    await waitForCard(connector, anna.conversationId, `Beslut: ${a.regNo} avslås`);
    await waitForCard(
      connector,
      anna.conversationId,
      `Beslut: ${c.regNo} beviljas 1\u00a0500\u00a0000\u00a0kr`,
    );

    // A second confirmation of the same round records nothing more.
    const again = await david.click('allocation.confirm', {
      roundId,
      digest,
      delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    expect(cardText(again.card)).toContain('Omgången är redan beslutad');
    expect(await s.allocation.decisions.all()).toHaveLength(4);

    // Exports: a signed link for the protocol; a tampered or missing signature is refused.
    const links = await david.click('allocation.exports', { roundId });
    const urls = JSON.stringify(links.card)
      .match(/"url":"([^"]+)"/g)!
      .map((m) => m.slice(7, -1));
    const csvUrl = urls.find((u) => u.includes('protocol.csv'))!;
    const local = (u: string) => u.replace(/^http:\/\/localhost:\d+/, app.url);
    const csvRes = await fetch(local(csvUrl));
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    const rows = csvRows(new Uint8Array(await csvRes.arrayBuffer()));
    expect(rows).toHaveLength(5);
    const header = rows[0];
    const bRow = rows.find((r) => r[header.indexOf('Diarienummer')] === b.regNo)!;
    expect(bRow[header.indexOf('Beviljat belopp (kr)')]).toBe('1\u00a0500\u00a0000');
    expect(bRow[header.indexOf('Beslut')]).toBe('Bifall');
    expect(bRow[header.indexOf('Deltog inte p.g.a. jäv')]).toBe('Fredrik Falk');
    const md = await fetch(local(urls.find((u) => u.includes('protocol.md'))!));
    expect(await md.text()).toContain(`| ${b.regNo} | Beta: bokning |`);
    expect((await fetch(local(csvUrl).replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43)))).status).toBe(
      403,
    );
    expect((await fetch(local(csvUrl).split('?')[0])).status).toBe(403);
    expect((await fetch(`${app.url}/exports/rounds/${roundId}/secrets.txt`)).status).toBe(404);
    // The public register needs no signature and holds public records only.
    const register = (await (await fetch(`${app.url}/public/register.json`)).json()) as {
      projects: { regNo: string; amount: number; organisation: string; decisionDate: string }[];
    };
    expect(register.projects.map((p) => [p.regNo, p.amount]).sort()).toEqual(
      [
        [b.regNo, 1_500_000],
        [c.regNo, 1_500_000],
      ].sort(),
    );
    expect(JSON.stringify(register)).not.toContain('Anna');
    expect((await fetch(`${app.url}/public/register.csv?year=20x7`)).status).toBe(400);

    // A correction supersedes; the decision itself is never edited; the frame is still respected.
    const cDecision = of(c.appId);
    const tooMuch = await david.click('decision.correct', {
      roundId,
      co_decision: cDecision._id,
      co_outcome: 'approved',
      co_amount: '1 500 001',
      co_reason: 'Fel belopp',
      co_delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    expect(cardText(tooMuch.card)).toContain('kan inte vara större än det sökta');
    const notDm = await eva.click('decision.correct', {
      roundId,
      co_decision: cDecision._id,
      co_outcome: 'approved',
      co_amount: '1 200 000',
      co_reason: 'x',
      co_delegation: 'x',
    });
    expect(cardText(notDm.card)).toContain('Bara beslutsfattare');
    const corrected = await david.click('decision.correct', {
      roundId,
      co_decision: cDecision._id,
      co_outcome: 'approved',
      co_amount: '1 200 000',
      co_reason: 'Upphandlingen blev billigare',
      co_delegation: 'KS delegationsordning 2026 p. 4.2',
    });
    expect(cardText(corrected.card)).toContain(`Rättelsen för ${c.regNo} är registrerad`);
    const cAll = await s.allocation.decisions.forApplication(c.appId);
    expect(cAll.map((x) => [x.seq, x.amount, x.supersedes ?? null])).toEqual([
      [1, 1_500_000, null],
      [2, 1_200_000, cDecision._id],
    ]);
    expect(cAll[0]).toEqual(cDecision);
    expect((await s.allocation.ledgers.get('p1', 2027))!.used.improvement).toBe(2_700_000);
    expect((await s.followup.projects.byApplication(c.appId))!.grantedSek).toBe(1_200_000);
    const register2 = (await (await fetch(`${app.url}/public/register.json`)).json()) as {
      projects: { regNo: string; amount: number }[];
    };
    expect(register2.projects.find((p) => p.regNo === c.regNo)!.amount).toBe(1_200_000);
    const again2 = await david.click('decision.correct', {
      roundId,
      co_decision: cDecision._id,
      co_outcome: 'rejected',
      co_reason: 'x',
      co_delegation: 'x',
    });
    expect(cardText(again2.card)).toMatch(/Välj ett beslut i omgången|redan ersatts/);
    await waitUntilTrue(async () => !!(await s.outbox.get(`decision-thread:${cAll[1]._id}`)));
  });

  it('when an application is larger than its part, then the chair funds a reduced amount with a reason, the reason is kept in the decision, and an English user reads the card in English', async () => {
    const s = app.services;
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
    await s.allocation.ledgers.create(
      'p1',
      2027,
      { amount: 1_000_000, shares: { innovation: 0, improvement: 100, maintenance: 0 } },
      new Date(),
      'test',
    );
    const x = await reviewedApplication(app, connector, {
      title: 'Zeta: för dyr',
      devCost: '1 500 000',
      score: 4,
    });
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    let from = lastSeq(connector);
    await david.say('fördela tillganglighet 2027');
    const opened = await cardAfter(connector, david.conversationId, from, 'Fördelning: 1.');
    const roundId = dataOf(opened.card, 'roundId');
    await ownerAnswers(app, connector, DEMO_USERS.eva, x.regNo, true);
    let res = await david.click('allocation.refresh', { roundId });
    expect(cardText(res.card)).toContain(
      'utanför: 500\u00a0tkr större än det som finns i förbättringsdelen',
    );
    res = await david.click('allocation.whatIf', {
      roundId,
      wi_item: x.appId,
      wi_action: 'reduce',
      wi_amount: '1 mkr',
      wi_reason: 'Etapp 1 räcker i år',
    });
    const text = cardText(res.card);
    expect(text).toContain(
      'minskad från 1\u00a0500\u00a0tkr till 1\u00a0000\u00a0tkr: Etapp 1 räcker i år',
    );
    expect(text).toContain('Ovanför strecket – föreslås beviljas (1)');
    from = lastSeq(connector);
    res = await david.click('allocation.confirm', {
      roundId,
      digest: dataOf(res.card, 'digest'),
      delegation: 'KS 2026 p. 4.2',
    });
    expect(cardText(res.card)).toContain('Beslutet är registrerat: 1 beslut');
    const [dec] = await s.allocation.decisions.all();
    expect(dec).toMatchObject({
      outcome: 'approved',
      amount: 1_000_000,
      requestedAmount: 1_500_000,
      reduction: { from: 1_500_000, to: 1_000_000, reason: 'Etapp 1 räcker i år' },
    });
    expect(dec.reasonText.sv).toContain(
      'Minskad från 1\u00a0500\u00a0tkr till 1\u00a0000\u00a0tkr: Etapp 1 räcker i år',
    );
    // In English for a person whose Teams speaks English.
    const english = await new PersonalChat(app.url, connector.url, DEMO_USERS.david, 'en-US').click(
      'allocation.refresh',
      { roundId },
    );
    expect(cardText(english.card)).toContain(
      'Allocation: 1. Accessibility and service for citizens, business and visitors – 2027',
    );
    expect(cardText(english.card)).toContain('Decisions (1)');
    expect(dec.reasonText.en).toContain(
      'Granted SEK\u00a01,000,000 from the improvement part of the 2027 frame.',
    );
    await cardAfter(
      connector,
      `a:personal-${DEMO_USERS.anna.aadObjectId}`,
      from,
      `Beslut: ${x.regNo} beviljas`,
    );
  });
});
