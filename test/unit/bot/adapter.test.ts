import { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { BotAdapter, createAuthentication } from '../../../bot/adapter';
import { loadConfig } from '../../../services/config/config';

const activity = (serviceUrl: string): Activity =>
  ({
    type: 'message',
    id: `a-${Math.random()}`,
    serviceUrl,
    channelId: 'msteams',
    from: { id: '29:anna', name: 'Anna' },
    recipient: { id: '28:bot', name: 'Projektkontoret' },
    conversation: { id: 'a:anna' },
    text: 'hej',
  }) as Activity;

describe('bot adapter', () => {
  const config = loadConfig({ LOCAL_MODE: 'true' });
  const auth = createAuthentication(config, {});
  const adapter = new BotAdapter(auth);

  async function turnClient(serviceUrl: string): Promise<unknown> {
    const a = activity(serviceUrl);
    const checked = await auth.authenticateRequest(a, '');
    let client: unknown;
    await adapter.runAuthenticated(checked, a, async (context: TurnContext) => {
      client = context.turnState.get(context.adapter.ConnectorClientKey);
    });
    return client;
  }

  it('when turns come from the same service URL, then they share one connector client; another URL and proactive sends get their own', async () => {
    const first = await turnClient('https://smba.example/emea/');
    expect(first).toBeDefined();
    expect(await turnClient('https://smba.example/emea/')).toBe(first);
    expect(await turnClient('https://smba.example/amer/')).not.toBe(first);
    // The outbox changes the pipeline of its clients: a proactive turn never gets the shared one.
    let proactive: unknown;
    await adapter.continueConversationAsync(
      '',
      TurnContext.getConversationReference(
        activity('https://smba.example/emea/'),
      ) as ConversationReference,
      async (context) => {
        proactive = context.turnState.get(context.adapter.ConnectorClientKey);
      },
    );
    expect(proactive).toBeDefined();
    expect(proactive).not.toBe(first);
  });
});
