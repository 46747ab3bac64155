import { AddressInfo } from 'node:net';
import {
  AdaptiveCardInvokeResponse,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import restify from 'restify';

/** The baseline: a bare botbuilder bot on restify answering each invoke with a small card. */
class EchoBot extends TeamsActivityHandler {
  protected async onAdaptiveCardInvoke(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const verb = (context.activity.value as { action?: { verb?: string } })?.action?.verb ?? '';
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: `Echo: ${verb}`, wrap: true }],
        actions: [{ type: 'Action.Execute', title: 'Again', verb, data: {} }],
      },
    };
  }
}

/** Starts the echo bot on a free loopback port; no auth (like the product's local mode). */
export async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
