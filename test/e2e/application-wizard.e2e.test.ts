import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../bot/app';
import { demoPlaygroundConfigs } from '../../scripts/demo-config';
import { RunningPlayground, startPlayground } from '../../scripts/playground';
import {
  BrowserSession,
  clickCardAction,
  fillCardInput,
  launchBrowser,
  openConversation,
  openPlayground,
  screenshot,
  sendChatMessage,
  waitForBotText,
} from '../support/browser';
import { startTestApp } from '../support/test-app';

// The applicant's first steps, as a person does them: the real bot, the Agents Playground, Chromium.
describe('application wizard in the Agents Playground', () => {
  let app: App;
  let playground: RunningPlayground;
  let browser: BrowserSession;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'pk-e2e-'));
    app = await startTestApp({ env: { LOCALE_OVERRIDE: 'sv' } });
    const anna = demoPlaygroundConfigs()[0];
    playground = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0, config: anna, workDir });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when Anna starts an application and fills the first step, then the next step is shown and the draft is saved', async () => {
    const page = browser.page;
    await openPlayground(page, playground.url);
    await openConversation(page, 'Personal Chat');

    await sendChatMessage(page, 'ny ansökan', { expectReply: 'Steg 1 av 6' });
    await fillCardInput(page, 'Projektets namn', 'Digital förskoleansökan');
    await fillCardInput(page, 'Kontaktpersonens e-post', 'anna.andersson@stad.example');
    await clickCardAction(page, 'Nästa');
    // The portfolio and part are not chosen yet: the card says what to fix and keeps the title.
    await waitForBotText(page, 'Rätta');
    await screenshot(page, '/tmp/pk-e2e-step1-errors.png');

    const drafts = await app.services.applications.byOwner('00000000-0000-0000-0000-000000000001');
    const draft = drafts.find((d) => d.inputs.title === 'Digital förskoleansökan');
    expect(draft).toBeDefined();
    expect(draft!.inputs.contactEmail).toBe('anna.andersson@stad.example');

    // Choose the portfolio and part (compact choice sets are Fluent dropdowns), then go on.
    await page.getByRole('combobox', { name: 'Portfölj *' }).last().click();
    await page.getByRole('option', { name: /^1\. Tillgänglighet/ }).click();
    await page.getByRole('combobox', { name: 'Del av portföljen *' }).last().click();
    await page.getByRole('option', { name: 'Förbättring av befintliga e-tjänster' }).click();
    await clickCardAction(page, 'Nästa');
    await waitForBotText(page, 'Steg 2 av 6: Behov och mål');
    await screenshot(page, '/tmp/pk-e2e-step2.png');

    const saved = await app.services.applications.get(draft!._id);
    expect(saved?.inputs.portfolioId).toBe('p1');
    expect(saved?.step).toBe(1);
  });
});
