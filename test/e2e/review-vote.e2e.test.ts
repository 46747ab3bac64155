import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../bot/app';
import { startPlayground, type RunningPlayground } from '../../scripts/playground';
import { saveStep } from '../../services/applications/save-step';
import { startApplication } from '../../services/applications/start-application';
import { submitApplication } from '../../services/applications/submit-application';
import { Actor } from '../../services/shared/actor';
import { VALID_STEPS } from '../support/application-fixture';
import { actionExecute, postActivity } from '../support/activities';
import {
  clickCardAction,
  launchBrowser,
  openConversation,
  openPlayground,
  screenshot,
  waitForBotText,
  type BrowserSession,
  demoPlaygroundConfig,
} from '../support/browser';
import { DEMO_TENANT, DEMO_USERS, freshDataDir, startTestApp } from '../support/test-app';

// A member of the review group votes on the review card in the channel, in the real Agents
// Playground (headless chromium). The playground has no user-specific views, so the base card
// leads to the member's own view with "Assess and vote". The playground always says en-US.

/** What the test uses of the browser's globals. */
interface PageGlobals {
  seenTexts: string[];
  document: { body: { innerText: string } };
  MutationObserver: new (cb: () => void) => { observe(target: unknown, options: object): void };
}

const TEAM_ID = '19:demo-team-general@thread.tacv2';
const REVIEW_CHANNEL = '19:demo-beredning@thread.tacv2';

const config = demoPlaygroundConfig('david', { id: REVIEW_CHANNEL, name: 'Beredningsgrupp' });

describe('voting on a review card in the Agents Playground', () => {
  let app: App;
  let playground: RunningPlayground;
  let browser: BrowserSession;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'review-e2e-'));
    app = await startTestApp({ dataDir: freshDataDir() });
    playground = await startPlayground({
      botEndpoint: `${app.url}/api/messages`,
      port: 0,
      config,
      workDir,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when a member opens the card in the review channel, declares no conflict and votes, then the card shows the vote and the tally', async () => {
    const page = browser.page;
    await openPlayground(page, playground.url);
    // The channel must be open before the card is posted (the playground shows new threads only then).
    await openConversation(page, 'Digital utveckling - Beredningsgrupp');

    // Anna's application, submitted through the real use cases.
    const anna: Actor = {
      aadObjectId: DEMO_USERS.anna.aadObjectId,
      name: DEMO_USERS.anna.name,
      locale: 'sv',
    };
    const draft = await startApplication(app.services, anna, {});
    for (let step = 0; step < VALID_STEPS.length; step++) {
      await saveStep(app.services, anna, draft._id, step, VALID_STEPS[step], 'next');
    }
    const submitted = await submitApplication(app.services, anna, draft._id);
    if (!submitted.ok) throw new Error('the fixture application did not validate');

    // The project office marks it complete (its click arrives from the General channel through the playground's connector).
    const res = await postActivity(
      `${app.url}/api/messages`,
      actionExecute({
        serviceUrl: playground.serviceUrl,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.bjorn,
        verb: 'completeness.complete',
        data: { appId: draft._id, submittedAt: submitted.app.submittedAt },
        channel: { teamId: TEAM_ID, channelId: TEAM_ID, threadRootId: randomUUID() },
      }),
    );
    expect(JSON.stringify(res.body)).toContain('Markerad som komplett');

    await waitForBotText(page, 'Digital ansökan om förskoleplats', { timeoutMs: 20_000 });
    await screenshot(page, path.join(os.tmpdir(), 'review-e2e-1-card.png'));
    // The shared card is in the channel's language (Swedish); the tally counts the group.
    await waitForBotText(page, /av \d+ har röstat/);

    await clickCardAction(page, 'Bedöm och rösta');
    await waitForBotText(page, 'do you have a conflict of interest');
    await clickCardAction(page, 'No conflict');
    await waitForBotText(page, 'You can vote now');
    await screenshot(page, path.join(os.tmpdir(), 'review-e2e-2-form.png'));

    await page.getByRole('radio', { name: 'Approve' }).last().check();
    for (const label of [
      'Benefit for citizens',
      'Benefit for the organisation',
      "Fit with the council's goals",
      'Cost-effectiveness incl. running costs',
      'Feasibility',
      'Reuse',
    ]) {
      // Fluent comboboxes: open the list, pick the option.
      await page.getByRole('combobox', { name: label }).last().click();
      await page.getByRole('option', { name: '4 – high' }).click();
    }
    // The answer to the click (the member's own view) is replaced a moment later by the update of
    // the shared card (Teams would then refresh each member's own view; the playground cannot), so
    // what the member saw is recorded as it appears.
    await page.evaluate(() => {
      // Runs in the browser (no DOM types in this project's compiler settings).
      const g = globalThis as unknown as PageGlobals;
      g.seenTexts = [];
      new g.MutationObserver(() => g.seenTexts.push(g.document.body.innerText)).observe(
        g.document.body,
        {
          subtree: true,
          childList: true,
          characterData: true,
        },
      );
    });
    await clickCardAction(page, 'Save vote');
    // The shared card, updated in place, shows the new tally to everyone.
    await waitForBotText(page, /1\s*av \d+ har röstat/);
    await screenshot(page, path.join(os.tmpdir(), 'review-e2e-3-voted.png'));
    const seen = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).seenTexts.join('\n'),
    );
    expect(seen).toContain('Your vote is saved.');
    expect(seen).toContain('Your vote: I approve');

    const vote = await app.services.review.vote(draft._id, DEMO_USERS.david.aadObjectId);
    expect(vote?.vote).toBe('approve');
    expect(vote?.scores).toEqual({
      citizenBenefit: 4,
      organisationBenefit: 4,
      goalFit: 4,
      costEffectiveness: 4,
      feasibility: 4,
      reuse: 4,
    });
  }, 120_000);
});
