import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../bot/app';
import { startPlayground, type RunningPlayground } from '../../scripts/playground';
import {
  clickCardAction,
  fillCardInput,
  launchBrowser,
  openConversation,
  openPlayground,
  postInChannel,
  screenshot,
  sendChatMessage,
  waitForBotText,
  type BrowserSession,
  demoPlaygroundConfig,
} from '../support/browser';
import { DEMO_TENANT, DEMO_USERS, freshDataDir, startTestApp } from '../support/test-app';

// An applicant asks a coach from a wizard step in the real Agents Playground (headless chromium);
// the coach's thread reply is injected as the channel activity Teams would deliver (RSC), and the
// answer shows in the applicant's chat. The playground always says en-US, so the bot speaks English.

const BOT_NAME = 'Projektkontoret';
const TEAM_ID = '19:demo-team-general@thread.tacv2';
const COACH_CHANNEL = '19:coacher@thread.tacv2';

const config = demoPlaygroundConfig('anna', { id: COACH_CHANNEL, name: 'Coacher' });

describe('asking a coach in the Agents Playground', () => {
  let app: App;
  let playground: RunningPlayground;
  let browser: BrowserSession;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'coach-e2e-'));
    // Anna is also an admin here, so one playground (one user) can bind the coach channel.
    app = await startTestApp({
      dataDir: freshDataDir(),
      env: { BOT_ADMINS: DEMO_USERS.anna.aadObjectId },
    });
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

  it("when the applicant asks from a wizard step, then the question becomes a thread and the coach's reply reaches her chat", async () => {
    const page = browser.page;
    await openPlayground(page, playground.url);

    // The project office binds the coach channel with an @mention there.
    await openConversation(page, 'Digital utveckling - Coacher');
    await postInChannel(page, 'coach channel', {
      mention: BOT_NAME,
      expectReply: 'This channel is now a coach channel',
    });

    // From step 1 of a new application: "Ask a coach" opens a small card with a question input.
    await openConversation(page, 'Personal Chat');
    await sendChatMessage(page, 'new application', { expectReply: 'Step 1 of 6' });
    await fillCardInput(page, 'Project name', 'Digital förskoleansökan');
    await clickCardAction(page, 'Ask a coach');
    await waitForBotText(page, 'Ask a project coach');
    await waitForBotText(page, 'About: Digital förskoleansökan, step 1 of 6');
    await fillCardInput(page, 'Your question', 'How do we count the benefit for parents?');
    await clickCardAction(page, 'Send question');
    await waitForBotText(page, 'Question sent');

    // The draft kept what was typed, and the question went to the coach channel as a new thread.
    const [q] = await app.services.coaching.questions.byAsker(DEMO_USERS.anna.aadObjectId);
    expect(q.text).toBe('How do we count the benefit for parents?');
    expect(q.appTitle).toBe('Digital förskoleansökan');
    expect((await app.services.applications.get(q.appId!))?.inputs.title).toBe(
      'Digital förskoleansökan',
    );
    let post = await app.services.outbox.get(q.threadOutboxId);
    for (let i = 0; i < 100 && post?.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      post = await app.services.outbox.get(q.threadOutboxId);
    }
    expect(post?.status).toBe('sent');
    const root = post!.sentActivityId!;

    // Cecilia replies in the thread without mentioning the bot (Teams delivers it with RSC).
    const res = await fetch(`${playground.url}/_internal/v1/customActivities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: playground.serviceUrl,
        timestamp: new Date().toISOString(),
        locale: 'sv-SE',
        from: {
          id: DEMO_USERS.cecilia.id,
          name: DEMO_USERS.cecilia.name,
          aadObjectId: DEMO_USERS.cecilia.aadObjectId,
        },
        recipient: { id: config.bot.id, name: BOT_NAME },
        conversation: {
          id: `${COACH_CHANNEL};messageid=${root}`,
          conversationType: 'channel',
          isGroup: true,
          tenantId: DEMO_TENANT,
        },
        channelData: {
          teamsChannelId: COACH_CHANNEL,
          teamsTeamId: TEAM_ID,
          channel: { id: COACH_CHANNEL },
          team: { id: TEAM_ID },
          tenant: { id: DEMO_TENANT },
        },
        text: 'Count the hours parents save per year and multiply by an hourly value.',
      }),
    });
    expect(res.status).toBe(200);
    await waitForBotText(page, 'Answer from Cecilia Carlsson', { timeoutMs: 20_000 });
    await waitForBotText(page, 'Count the hours parents save per year');

    // Anna's plain answer in her chat goes back into the same thread.
    await sendChatMessage(page, 'Thanks! Do we count holidays?');
    await waitForBotText(page, 'Sent to the coach (question #1)');
    const after = await app.services.coaching.questions.get(q._id);
    expect(after?.messages.map((m) => m.by)).toEqual(['coach', 'applicant']);
    const back = after!.messages[1].outboxId!;
    let sent = await app.services.outbox.get(back);
    for (let i = 0; i < 100 && sent?.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sent = await app.services.outbox.get(back);
    }
    expect(sent?.status).toBe('sent');
    expect(sent?.sentConversationId).toBe(`${COACH_CHANNEL};messageid=${root}`);
    await screenshot(page, path.join(os.tmpdir(), 'coach-question-e2e.png'));

    // In the coach channel: the question's card heads the thread, Anna's answer is in it.
    await openConversation(page, 'Digital utveckling - Coacher');
    await waitForBotText(page, 'Fråga #1 från Anna Andersson');
    await waitForBotText(page, 'Do we count holidays?');
    await screenshot(page, path.join(os.tmpdir(), 'coach-question-e2e-channel.png'));
  }, 120_000);
});
