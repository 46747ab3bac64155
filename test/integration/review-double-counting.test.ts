import { App } from '../../bot/app';
import { TeamsUser } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardText, DEMO_USERS, freshDataDir, startTestApp } from '../support/test-app';
import { latestUpdate, openReviewItem } from './review-support';

/** Review cards and possible double counting of benefit, over real HTTP. */
describe('double counting on the review card', () => {
  let connector: FakeConnector;
  let app: App;
  const gustav: TeamsUser = {
    id: '29:gustav',
    aadObjectId: '00000000-0000-0000-0000-0000000000a7',
    name: 'Gustav Grön',
  };
  const hanna: TeamsUser = {
    id: '29:hanna',
    aadObjectId: '00000000-0000-0000-0000-0000000000a8',
    name: 'Hanna Holm',
  };

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterEach(async () => {
    await app.close();
  });

  // An e-archive run by the same e-service administration: it promises shorter case handling and
  // less manual registration too, in words every application uses, but counts another saving.
  const earkiv: Record<string, string>[] = [
    {
      title: 'E-arkiv för slutarkivering av digitala handlingar',
      organisation: 'Stadsarkivet',
      contactName: 'Gustav Grön',
      contactEmail: 'gustav@stad.example',
    },
    {
      need: 'Förvaltningarna skriver ut digitala handlingar på papper för att arkivera dem och handläggningen av utlämnanden tar veckor.',
      userGroups: 'Arkivarier, registratorer och handläggare.',
    },
    {
      citizenBenefit: 'Den som begär ut en allmän handling får besked inom två dagar.',
      internalBenefit:
        'Minskad handläggningstid. Handläggarna slipper manuell registrering och utskrifter för arkivering.',
      realisationPlan: 'Hyresavtalet för fjärrarkivet sägs upp under 2027.',
      realisationOwner: 'Stadsarkivarie',
    },
  ];

  // A district administration claiming the same preschool placement saving in its own words.
  const districtPreschool: Record<string, string>[] = [
    {
      title: 'Självservice för kö och placering i förskolan',
      organisation: 'Norra stadsdelsförvaltningen',
      contactName: 'Hanna Holm',
      contactEmail: 'hanna@stad.example',
    },
    {
      need: 'Köhandläggarna tar emot ansökningar om förskoleplats på blankett och skriver in dem i placeringssystemet.',
      userGroups: 'Föräldrar som söker plats i förskolan, köhandläggare.',
    },
    {
      citizenBenefit:
        'Föräldrar tackar ja till erbjuden förskoleplats digitalt och får besked direkt.',
      internalBenefit: 'Köhandläggarna slipper registrera blanketter för förskoleplatser.',
      realisationPlan: 'En köhandläggare går över till andra uppgifter.',
      realisationOwner: 'Förskolechef Norra',
    },
  ];

  it('when an unrelated application shares only the common words, then it is not flagged; one claiming the same benefit is, and both cards say why', async () => {
    const first = await openReviewItem(app, connector, DEMO_USERS.anna);

    const archive = await openReviewItem(app, connector, gustav, earkiv);
    expect(cardText(archive.card)).not.toContain('Möjlig dubbelräkning');
    expect((await app.services.review.item(archive.itemId))!.duplicates).toEqual([]);

    const district = await openReviewItem(app, connector, hanna, districtPreschool);
    const text = cardText(district.card);
    expect(text).toContain('Möjlig dubbelräkning av nytta');
    expect(text).toContain(first.regNo);
    expect(text).not.toContain(archive.regNo);
    // The card names the other application's claim and the shared words.
    expect(text).toMatch(/Samma nytta: ”[^”]*”/);
    expect(text).toMatch(/gemensamma ord: [^)]*förskoleplats/);

    // The first card is updated with the new item, and says why from its own side.
    await connector.waitUntil(() =>
      cardText(latestUpdate(connector, first.rootId) ?? {}).includes(district.regNo),
    );
    const firstText = cardText(latestUpdate(connector, first.rootId)!);
    expect(firstText).toMatch(/Samma nytta: ”[^”]*förskoleplats[^”]*”/);
    const stored = (await app.services.review.item(first.itemId))!.duplicates;
    expect(stored.map((d) => d.appId)).toEqual([district.appId]);
    expect(stored[0].overlap?.words).toContain('förskoleplats');
  });
});
