import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { App } from '../../bot/app';
import { demoPeople, readDemoSeed } from '../../scripts/demo-config';
import { DemoServer, startDemoServer } from '../../scripts/demo-server';
import {
  actAs,
  demoCard,
  launchBrowser,
  openDemoConversation,
  openDemoPage,
  waitForDemoCard,
  writeInDemo,
  type BrowserSession,
} from '../support/browser';
import { freshDataDir, startTestApp } from '../support/test-app';

// The whole group story on the demo page (one browser window, one click per person switch), with
// the real bot behind the demo's own Bot Connector: Anna applies, Björn marks the application
// complete, the review group meets the card in its channel (Fredrik, in the applying
// organisation, is flagged and declares jäv; Eva and David vote; David closes), the owner
// accepts, David allocates and confirms, and Anna reads the decision in her chat.
// Screenshots of each person's view: test-results/group-story/.

const OUT = path.resolve(__dirname, '..', '..', 'test-results', 'group-story');
const CHAT = 'Chatt med Projektkontoret';
const REG_NO = /PK \d{4}\/0001/;
const SCORE_LABELS = [
  'Nytta för medborgarna',
  'Nytta för verksamheten',
  'Koppling till KF:s mål',
  'Kostnadseffektivitet inkl. driftkostnad',
  'Genomförbarhet',
  'Återanvändning',
];

/** Saves the person's view, with `focus` (the part the step is about) in the middle of the pane. */
async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  if (focus) {
    await focus
      .first()
      .evaluate((el) =>
        (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }),
      );
  }
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
}

async function click(card: Locator, title: string): Promise<void> {
  await card.getByRole('button', { name: title, exact: true }).click();
}

/**
 * The member declares no conflict and votes "Jag tillstyrker" with 4 on every criterion.
 *
 * Another member's click updates the shared card at any moment (a recusal, a vote); the page then
 * shows the new version and asks the bot for this member's own view again, as Teams does, and a
 * half-filled form is replaced. So each round looks at what the card shows now and goes on from
 * there, and a form that was replaced while being filled is filled again.
 */
async function voteApprove(page: Page): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if (await demoCard(page, /Din röst: Jag tillstyrker/).isVisible()) return;
      // The vote form: right after "Inget jäv" it says "Nu kan du rösta"; the member's own view
      // that the page fetches when the shared card changes has the same form without that line.
      const form = page
        .locator('.card-host')
        .filter({ has: page.getByRole('button', { name: 'Spara röst', exact: true }) })
        .last();
      if (await form.isVisible()) {
        const quick = { timeout: 5_000 };
        await form.getByRole('radio', { name: 'Jag tillstyrker' }).check(quick);
        for (const label of SCORE_LABELS) {
          await form.getByLabel(label, { exact: true }).selectOption('4', quick);
        }
        await form.getByRole('button', { name: 'Spara röst', exact: true }).click(quick);
        await waitForDemoCard(page, /Din röst: Jag tillstyrker/);
        return;
      }
      const own = demoCard(page, 'har du jäv');
      if (await own.isVisible()) {
        await own.getByRole('button', { name: 'Inget jäv', exact: true }).click({ timeout: 5_000 });
        continue;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: path.join(OUT, 'failed-vote.png') });
      throw new Error('the vote form never settled (see failed-vote.png)');
    }
    await page.waitForTimeout(250);
  }
}

describe('the group story on the demo page', () => {
  let app: App;
  let demo: DemoServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    app = await startTestApp({ dataDir: freshDataDir() });
    const seed = readDemoSeed();
    demo = await startDemoServer({
      botEndpoint: `${app.url}/api/messages`,
      tenantId: seed.tenantId,
      team: { id: seed.team.id, name: seed.team.name, channels: seed.team.channels },
      people: demoPeople(),
    });
    await demo.installAll();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await app?.close();
  });

  it('when Anna applies, Björn marks it complete and the review group declares jäv, votes and closes, then David allocates and Anna sees the decision', async () => {
    const page = browser.page;
    await openDemoPage(page, demo.url);

    // --- Anna applies in her personal chat (the wizard) ---
    await actAs(page, 'Anna Andersson');
    await openDemoConversation(page, CHAT);
    await writeInDemo(page, 'ny ansökan');
    let card = await waitForDemoCard(page, 'Steg 1 av 6');
    await card.getByLabel('Projektets namn *').fill('Digital ansökan om förskoleplats');
    await card.getByLabel('Portfölj *').selectOption('p1');
    await card.getByLabel('Del av portföljen *').selectOption('improvement');
    await click(card, 'Nästa');

    card = await waitForDemoCard(page, 'Steg 2 av 6');
    await card
      .getByLabel('Behov – vad ska lösas och varför? *')
      .fill('Föräldrar ansöker i dag på papper och handläggningen tar tre veckor.');
    await card
      .getByLabel('Vilka användargrupper berörs och vem har efterfrågat lösningen? *')
      .fill('Vårdnadshavare och handläggare på förskoleenheten.');
    await card.getByRole('checkbox', { name: /En attraktiv, trygg/ }).check();
    await card
      .getByLabel('Hur bidrar projektet till målen?')
      .fill('Snabbare service för familjer.');
    await click(card, 'Nästa');

    card = await waitForDemoCard(page, 'Steg 3 av 6');
    await card
      .getByLabel('Nytta för medborgare, företag och besökare (extern nytta) *')
      .fill('Besked inom två dagar i stället för tre veckor.');
    await card
      .getByLabel('Nytta för verksamheten (intern nytta) *')
      .fill('Handläggarna slipper manuell registrering.');
    await card.getByLabel('Beräknad effekt per år i kronor').fill('1,2 mkr');
    await card.getByLabel('Beräknad effekt per år i arbetstimmar').fill('2 000');
    await card.getByLabel('Plan för nyttohemtagning *').fill('Två tjänster omfördelas under 2027.');
    await card
      .getByLabel('Vem äger nyttohemtagningen (processägare)? *')
      .fill('Avdelningschef förskola');
    await click(card, 'Nästa');

    card = await waitForDemoCard(page, 'Steg 4 av 6');
    await card.getByLabel('Utvecklingskostnad (sökt belopp) *').fill('1 200 000');
    await card.getByLabel('Årlig kostnad för drift och förvaltning *').fill('150 tkr');
    await card
      .getByLabel('Organisation 1 som delar driftkostnaden')
      .fill('Utbildningsförvaltningen');
    await card.getByLabel('Andel i procent för organisation 1').fill('100');
    await click(card, 'Nästa');

    // The receiving owner is Cecilia, who is asked to accept in her own chat.
    card = await waitForDemoCard(page, 'Steg 5 av 6');
    await card
      .getByLabel('Mottagare efter projektet (förvaltningsobjekt/systemägare) *')
      .fill('Cecilia Carlsson');
    await card.getByLabel('Mottagarens organisation *').fill('Stadsledningskontoret');
    await card.getByLabel('Mottagarens e-post *').fill('cecilia.carlsson@stad.example');
    await card.getByLabel('Startdatum *').fill('2027-02-01');
    await card.getByLabel('Slutdatum *').fill('2027-11-30');
    await click(card, 'Nästa');

    card = await waitForDemoCard(page, 'Steg 6 av 6');
    await card.getByLabel('Återanvändning av gemensamma plattformar *').selectOption('common');
    await card
      .getByLabel('Beskriv plattformsval och motivera en eventuell lokal lösning *')
      .fill('Byggs på stadens gemensamma e-tjänsteplattform.');
    await card.getByLabel('Informationssäkerhetsklass *').selectOption('1');
    await card
      .getByLabel('Plan för tillgänglighet (WCAG 2.1 AA) *')
      .fill('Granskas mot WCAG 2.1 AA före lansering.');
    await click(card, 'Granska och skicka in');
    card = await waitForDemoCard(page, 'Granska din ansökan');
    await shot(page, '01-anna-summary');
    await click(card, 'Skicka in ansökan');
    await waitForDemoCard(page, 'Ansökan är inskickad');
    await shot(page, '02-anna-submitted');

    // --- Björn (project office) marks it complete in General: his own view has the buttons ---
    await actAs(page, 'Björn Berg');
    await openDemoConversation(page, 'General');
    card = await waitForDemoCard(page, 'kontrollera att den är komplett');
    await card.getByRole('button', { name: 'Komplett', exact: true }).waitFor();
    await shot(page, '03-bjorn-general');
    await click(card, 'Komplett');
    await waitForDemoCard(page, /komplett/i);

    // --- The review group: the same card reaches Fredrik, Eva and David ---
    await actAs(page, 'Fredrik Falk');
    await openDemoConversation(page, 'Beredningsgrupp');
    card = await waitForDemoCard(page, 'Möjligt jäv: du tillhör Utbildningsförvaltningen', 20_000);
    await shot(page, '04-fredrik-flagged', card.getByText('Möjligt jäv'));
    await card
      .getByLabel('Skäl för jäv (frivilligt)')
      .fill('Jag arbetar på Utbildningsförvaltningen.');
    await click(card, 'Bekräfta jäv');
    await waitForDemoCard(page, 'du har anmält jäv');
    await shot(page, '05-fredrik-recused', page.getByText('du har anmält jäv').last());

    // Someone outside the review group sees the shared card only: no own view, no jäv question.
    await actAs(page, 'Cecilia Carlsson');
    await openDemoConversation(page, 'Beredningsgrupp');
    card = await waitForDemoCard(page, REG_NO);
    expect(await card.getByText('Din bedömning').count()).toBe(0);
    expect(await card.getByRole('button', { name: 'Inget jäv', exact: true }).count()).toBe(0);

    await actAs(page, 'Eva Ek');
    await openDemoConversation(page, 'Beredningsgrupp');
    // The tally counts the eligible voters: three reviewers minus Fredrik.
    await waitForDemoCard(page, /0\s*av 2 har röstat/);
    await voteApprove(page);
    await waitForDemoCard(page, /1\s*av 2 har röstat/);
    await shot(page, '06-eva-voted', page.getByText(/1\s*av 2 har röstat/).last());

    await actAs(page, 'David Dahl');
    await openDemoConversation(page, 'Beredningsgrupp');
    await waitForDemoCard(page, /1\s*av 2 har röstat/);
    await voteApprove(page);
    card = await waitForDemoCard(page, 'Ordförande: avsluta beredningen');
    await shot(page, '07-david-voted-close-panel');
    await click(card, 'Avsluta beredningen');
    await waitForDemoCard(page, 'Beredningen är avslutad');
    await shot(page, '08-david-closed', page.getByText('Beredningsgruppens rekommendation').last());

    // Everyone in the channel sees the closed card: Eva's view too.
    await actAs(page, 'Eva Ek');
    card = await waitForDemoCard(page, 'Beredningen är avslutad');
    await card.getByText('Fredrik Falk anmälde jäv').waitFor();
    expect(await card.getByRole('button', { name: 'Spara röst', exact: true }).count()).toBe(0);
    await shot(page, '09-eva-sees-closed', card.getByText('Beredningsgruppens rekommendation'));

    // --- Cecilia, the receiving owner, accepts in her personal chat ---
    await actAs(page, 'Cecilia Carlsson');
    await openDemoConversation(page, CHAT);
    card = await waitForDemoCard(page, 'Accepterar du ägarskapet');
    await click(card, 'Jag accepterar ägarskap och driftkostnad');
    await waitForDemoCard(page, 'du har accepterat ägarskapet');
    await shot(page, '10-cecilia-accepted');

    // --- David allocates in the review channel and confirms ---
    await actAs(page, 'David Dahl');
    await openDemoConversation(page, 'Beredningsgrupp');
    await writeInDemo(page, 'fördela tillgänglighet');
    card = await waitForDemoCard(page, 'Ovanför strecket', 20_000);
    await card.getByText('Digital ansökan om förskoleplats').first().waitFor();
    await card.getByLabel(/^Delegation/).fill('KS delegationsordning 2026 p. 4.2');
    await click(card, 'Bekräfta beslut');
    card = await waitForDemoCard(page, 'Beslutet kan inte ändras');
    await click(card, 'Ja, fatta beslutet');
    await waitForDemoCard(page, 'Beslutet är registrerat');
    await shot(page, '11-david-decided', page.getByText('Beslutet är registrerat').last());

    // --- Anna reads the decision in her chat ---
    await actAs(page, 'Anna Andersson');
    await openDemoConversation(page, CHAT);
    card = await waitForDemoCard(page, /beviljas 1\s200\s000\skr/, 20_000);
    await card.getByText('Fredrik Falk').waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot(page, '12-anna-decision');
    expect(await card.textContent()).toMatch(REG_NO);
  }, 300_000);
});
