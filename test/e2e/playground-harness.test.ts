import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import restify from 'restify';
import {
  buildPlaygroundYaml,
  startPlayground,
  type PlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground';
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
} from '../support/browser';

// Proves the e2e harness itself: a throwaway echo bot, the real playground, headless chromium.

const BOT_NAME = 'Harnessbot';

function card(body: object[], actions: object[] = []): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions,
  };
}

class HarnessBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const text = TurnContext.removeRecipientMention(context.activity)?.trim() ?? '';
      if (text === 'kort') {
        const first = card(
          [
            { type: 'TextBlock', text: 'Steg 1 av 2' },
            { type: 'Input.Text', id: 'title', label: 'Titel', isRequired: true },
          ],
          [{ type: 'Action.Execute', title: 'Nästa', verb: 'test.next', data: {} }],
        );
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(first)] });
      } else {
        await context.sendActivity(`eko: ${text}`);
      }
      await next();
    });
  }

  protected async onAdaptiveCardInvoke(
    _context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = invokeValue.action.data as { title?: string };
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card([{ type: 'TextBlock', text: `Steg 2 av 2: ${data.title ?? ''}` }]),
    };
  }
}

function user(n: number, name: string): PlaygroundConfig['users'][number] {
  return {
    id: `user-${n}`,
    name,
    userPrincipleName: `${name.split(' ')[0]!.toLowerCase()}@kommun.example`,
    aadObjectId: `00000000-0000-4000-8000-00000000000${n}`,
  };
}

const config: PlaygroundConfig = {
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  bot: { id: 'harness-bot', name: BOT_NAME },
  currentUser: user(0, 'Anna Andersson'),
  users: [
    user(1, 'Bo Berg'),
    user(2, 'Cecilia Ceder'),
    user(3, 'David Dahl'),
    user(4, 'Eva Ek'),
    user(5, 'Filip Fors'),
  ],
  personalChatId: 'personal-anna',
  groupChat: { id: 'group-harness', name: 'Harnessgrupp' },
  team: {
    id: 'team-harness',
    name: 'Harnessteam',
    aadGroupId: '00000000-0000-4000-8000-0000000000bb',
    channels: [{ id: 'channel-harness', name: 'Beredning' }],
  },
};

describe('playground harness', () => {
  let server: restify.Server | undefined;
  let playground: RunningPlayground | undefined;
  let browser: BrowserSession | undefined;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'playground-harness-'));
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const bot = new HarnessBot();
    server = restify.createServer();
    server.use(restify.plugins.bodyParser());
    server.post('/api/messages', async (req, res) => {
      await adapter.process(req, res, (context) => bot.run(context));
    });
    const botServer = server;
    await new Promise<void>((resolve) => botServer.listen(0, '127.0.0.1', resolve));
    const botPort = (botServer.address() as AddressInfo).port;
    playground = await startPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: 0,
      config,
      workDir,
    });
    browser = await launchBrowser();
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    server?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when the config does not hold exactly five users, then building the YAML refuses it', () => {
    const fourUsers = { ...config, users: config.users.slice(0, 4) };
    expect(() => buildPlaygroundYaml(fourUsers)).toThrow(/exactly 5/);
  });

  it('when the user asks for a card, fills Titel and clicks Nästa, then the card shows step 2', async () => {
    const page = browser!.page;
    await openPlayground(page, playground!.url);
    await openConversation(page, 'Personal Chat');

    await sendChatMessage(page, 'kort', { expectReply: 'Steg 1 av 2' });
    await fillCardInput(page, 'Titel', 'Nytt ärendesystem');
    await clickCardAction(page, 'Nästa');

    await waitForBotText(page, 'Steg 2 av 2: Nytt ärendesystem');
    await screenshot(page, '/tmp/playground-harness.png');
  });

  it('when the user @mentions the bot in a channel post and thread, then the bot answers there', async () => {
    const page = browser!.page;
    await openPlayground(page, playground!.url);
    await openConversation(page, 'Harnessteam - Beredning');

    await postInChannel(page, 'kort', { mention: BOT_NAME, expectReply: 'Steg 1 av 2' });
    await sendChatMessage(page, 'hej', { mention: BOT_NAME, expectReply: 'eko: hej' });

    await screenshot(page, '/tmp/playground-harness-channel.png');
  });
});
