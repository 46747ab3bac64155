import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
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
import { Channel, GENERAL, REVIEW_CHANNEL } from './review-support';

describe('decisions under concurrency, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let apps: { appId: string; regNo: string }[];

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva, MAJA, FREDRIK]);
    app = await startTestApp({ dataDir: freshDataDir() });
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.david, DEMO_USERS.bjorn])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
    // A second decision maker: the project office grants Björn the role through the bot.
    const general = new Channel(app, connector, GENERAL);
    const from = lastSeq(connector);
    await general.say(DEMO_USERS.bjorn, 'roller bjorn.berg@stad.example +beslutsfattare');
    await cardAfter(connector, GENERAL, from, /[Bb]eslutsfattare/);
    expect(await app.services.users.hasRole(DEMO_USERS.bjorn.aadObjectId, 'decisionMaker')).toBe(
      true,
    );
    // The improvement part of 2027 has 2 MSEK; three applications of 1.5 MSEK compete for it.
    await app.services.allocation.ledgers.create(
      'p1',
      2027,
      { amount: 2_000_000, shares: { innovation: 0, improvement: 100, maintenance: 0 } },
      new Date(),
      'test',
    );
    apps = [];
    for (const [title, score] of [
      ['Ett', 4],
      ['Två', 3],
      ['Tre', 5],
    ] as const) {
      apps.push(await reviewedApplication(app, connector, { title, devCost: '1 500 000', score }));
    }
    // The first `fördela` asks the owner, who accepts all three.
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    const asked = lastSeq(connector);
    await david.say('fördela 1 2027');
    expect(
      cardText((await cardAfter(connector, david.conversationId, asked, 'Fördelning: 1.')).card),
    ).toContain('Kan inte få medel ännu (3)');
    for (const x of apps) await ownerAnswers(app, connector, DEMO_USERS.eva, x.regNo, true);
  });
  afterEach(async () => {
    await app.close();
  });

  async function openRound(
    user: typeof DEMO_USERS.david,
  ): Promise<{ chat: PersonalChat; roundId: string; digest: string }> {
    const chat = new PersonalChat(app.url, connector.url, user);
    const from = lastSeq(connector);
    await chat.say('fördela 1 2027');
    const { card } = await cardAfter(connector, chat.conversationId, from, 'Fördelning: 1.');
    expect(cardText(card)).toContain('Ovanför strecket – föreslås beviljas (1)');
    return { chat, roundId: dataOf(card, 'roundId'), digest: dataOf(card, 'digest') };
  }

  async function expectFrameHeld(): Promise<void> {
    const s = app.services;
    const ledger = (await s.allocation.ledgers.get('p1', 2027))!;
    const decisions = await s.allocation.decisions.all();
    const granted = decisions
      .filter((d) => d.outcome === 'approved')
      .reduce((a, d) => a + d.amount, 0);
    // Never above the part, and the ledger agrees with the records.
    expect(granted).toBeLessThanOrEqual(ledger.budgets.improvement);
    expect(ledger.used.improvement).toBe(granted);
    // Every application decided exactly once, all in one round.
    expect(decisions.map((d) => d.applicationId).sort()).toEqual(apps.map((x) => x.appId).sort());
    expect(new Set(decisions.map((d) => d.roundId)).size).toBe(1);
    expect(decisions.filter((d) => d.outcome === 'approved')).toHaveLength(1);
    expect(decisions.find((d) => d.outcome === 'approved')!.applicationId).toBe(apps[2].appId);
  }

  it('when two decision makers confirm the same round at the same moment, then it is decided once and the frame holds', async () => {
    const david = await openRound(DEMO_USERS.david);
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    const [r1, r2] = await Promise.all([
      david.chat.click('allocation.confirm', {
        roundId: david.roundId,
        digest: david.digest,
        delegation: 'KS delegationsordning 2026 p. 4.2',
      }),
      bjorn.click('allocation.confirm', {
        roundId: david.roundId,
        digest: david.digest,
        delegation: 'KS delegationsordning 2026 p. 4.3',
      }),
    ]);
    const texts = [cardText(r1.card), cardText(r2.card)];
    // One is told it is recorded; the other who decided it, never "registrerat" too.
    expect(texts.filter((t) => t.includes('Beslutet är registrerat: 3 beslut'))).toHaveLength(1);
    expect(
      texts.filter((t) =>
        /Omgången är redan beslutad av (David Dahl|Björn Berg)|håller på att bekräftas av/.test(t),
      ),
    ).toHaveLength(1);
    await expectFrameHeld();
    const round = (await app.services.allocation.rounds.get(david.roundId))!;
    expect(round.status).toBe('confirmed');
    expect(
      (await app.services.audit.forEntity(david.roundId)).filter(
        (e) => e.action === 'allocation.confirmed',
      ),
    ).toHaveLength(1);
  });

  it('when a decision maker clicks "Bekräfta beslut", then the card asks once more and nothing is recorded until "Ja, fatta beslutet"', async () => {
    const david = await openRound(DEMO_USERS.david);
    const asked = await david.chat.click('allocation.confirm', {
      roundId: david.roundId,
      digest: david.digest,
      delegation: 'KS delegationsordning 2026 p. 4.2',
      step: 'ask',
    });
    const askedText = cardText(asked.card);
    expect(askedText).toContain(
      'Beslutet kan inte ändras, bara ersättas av ett nytt beslut. Bekräfta?',
    );
    expect(askedText).toContain('Ja, fatta beslutet');
    expect((await app.services.allocation.rounds.get(david.roundId))!.status).toBe('open');
    expect(await app.services.allocation.decisions.all()).toHaveLength(0);
    const done = await david.chat.click('allocation.confirm', {
      roundId: david.roundId,
      digest: david.digest,
      delegation: 'KS delegationsordning 2026 p. 4.2',
      step: 'final',
    });
    expect(cardText(done.card)).toContain('Beslutet är registrerat: 3 beslut');
    await expectFrameHeld();
  });

  it('when two rounds of the same portfolio are confirmed at the same moment, then only one set of decisions is recorded and the other is refused with nothing written', async () => {
    const first = await openRound(DEMO_USERS.david);
    const second = await openRound(DEMO_USERS.bjorn);
    expect(second.digest).toBe(first.digest);
    const [r1, r2] = await Promise.all([
      first.chat.click('allocation.confirm', {
        roundId: first.roundId,
        digest: first.digest,
        delegation: 'KS delegationsordning 2026 p. 4.2',
      }),
      second.chat.click('allocation.confirm', {
        roundId: second.roundId,
        digest: second.digest,
        delegation: 'KS delegationsordning 2026 p. 4.2',
      }),
    ]);
    const texts = [cardText(r1.card), cardText(r2.card)];
    expect(texts.filter((t) => t.includes('Beslutet är registrerat: 3 beslut'))).toHaveLength(1);
    expect(
      texts.filter((t) =>
        /Någon annan hann fatta beslut|Förslaget har ändrats|Det finns inga tillstyrkta/.test(t),
      ),
    ).toHaveLength(1);
    await expectFrameHeld();
    const rounds = await Promise.all(
      [first.roundId, second.roundId].map((id) => app.services.allocation.rounds.get(id)),
    );
    expect(rounds.map((r) => r!.status).sort()).toEqual(['confirmed', 'open']);
    // The refused round has nothing left to decide.
    const loser = rounds.find((r) => r!.status === 'open')!;
    const chat = loser._id === first.roundId ? first.chat : second.chat;
    const view = await chat.click('allocation.refresh', { roundId: loser._id });
    expect(cardText(view.card)).toContain(
      'Det finns inga tillstyrkta ansökningar att fördela för 2027',
    );
  });

  it('when someone who is not a decision maker confirms, then it is refused and nothing is written', async () => {
    const { roundId, digest } = await openRound(DEMO_USERS.david);
    const auditBefore = (await app.services.audit.forEntity(roundId)).length;
    for (const user of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.cecilia]) {
      const res = await new PersonalChat(app.url, connector.url, user).click('allocation.confirm', {
        roundId,
        digest,
        delegation: 'x',
      });
      expect(res.status).toBe(200);
      expect(cardText(res.card)).toMatch(
        /Bara beslutsfattare kan bekräfta|Bara ordförande och beslutsfattare/,
      );
    }
    // On a card in the channel the refusal keeps the card, with the reason and without the forms
    // she may not use.
    const inChannel = await new Channel(app, connector, REVIEW_CHANNEL).click(
      DEMO_USERS.eva,
      'allocation.confirm',
      { roundId, digest, delegation: 'x' },
      'round-card',
    );
    const kept = cardText(inChannel.card);
    expect(kept).toContain('Bara beslutsfattare kan bekräfta');
    expect(kept).toContain('Fördelning: 1.');
    expect(kept).not.toContain('Bekräfta beslut');
    expect(kept).not.toContain('Räkna om');
    // Foreign and malformed ids are refused the same way, never a crash.
    for (const bad of ['nope', 42, { $ne: null }, 'x'.repeat(500)]) {
      const res = await new PersonalChat(app.url, connector.url, DEMO_USERS.david).click(
        'allocation.confirm',
        { roundId: bad, digest, delegation: 'x' },
      );
      expect(res.status).toBe(200);
      expect(cardText(res.card)).toContain('Fördelningsomgången finns inte');
    }
    expect(await app.services.allocation.decisions.all()).toEqual([]);
    expect((await app.services.allocation.ledgers.get('p1', 2027))!.used.improvement).toBe(0);
    expect((await app.services.allocation.rounds.get(roundId))!.status).toBe('open');
    expect((await app.services.audit.forEntity(roundId)).length).toBe(auditBefore);
    for (const x of apps)
      expect((await app.services.applications.get(x.appId))!.status).toBe('recommended');
  });
});
