/**
 * Self-check of the test support modules (fake connector, fake auth, activity builders)
 * against a minimal real botbuilder bot (CloudAdapter + TeamsActivityHandler on restify).
 */
import { AddressInfo } from 'node:net';
import restify from 'restify';
import jwt from 'jsonwebtoken';
import {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { startFakeConnector, FakeConnector, RosterMember } from '../support/fake-connector';
import { startFakeAuth, FakeAuth, BOT_FRAMEWORK_SCOPE } from '../support/fake-auth';
import {
  actionExecute,
  channelMessage,
  conversationUpdate,
  installationUpdate,
  makeUser,
  personalMessage,
  postActivity,
  teamsThreadId,
} from '../support/activities';

const APP_ID = '00000000-0000-4000-8000-00000000b07a';
const TENANT = 'tenant-selfcheck';

/** What the bot saw, so tests can assert on TeamsInfo results without parsing replies. */
interface Observed {
  member?: unknown;
  paged?: { members: { email?: string }[]; continuationToken?: string }[];
  teamChannels?: unknown;
  errors: Error[];
}

class SelfCheckBot extends TeamsActivityHandler {
  constructor(private readonly seen: Observed) {
    super();
    this.onMessage(async (ctx, next) => {
      const text = (TurnContext.removeRecipientMention(ctx.activity) ?? '').trim();
      if (text === 'whoami') {
        this.seen.member = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
        await ctx.sendActivity('ok');
      } else if (text === 'paged') {
        const first = await TeamsInfo.getPagedMembers(ctx, 2);
        const second = await TeamsInfo.getPagedMembers(ctx, 2, first.continuationToken);
        this.seen.paged = [first, second];
      } else if (text === 'channels') {
        this.seen.teamChannels = await TeamsInfo.getTeamChannels(ctx);
      } else if (text === 'newthread') {
        const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
        await client.conversations.createConversation({
          isGroup: true,
          channelData: { channel: { id: 'channel-x' } },
          activity: { type: 'message', text: 'Ny tråd' },
        } as never);
      } else if (text === 'edit') {
        const sent = await ctx.sendActivity('first');
        await ctx.updateActivity({ id: sent?.id, type: 'message', text: 'second' });
      } else {
        await ctx.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }

  protected async onAdaptiveCardInvoke(
    _ctx: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `verb:${value.action.verb}` as never,
    };
  }
}

describe('test support self-check', () => {
  let connector: FakeConnector;
  let auth: FakeAuth;
  let server: restify.Server;
  let botUrl: string;
  let authBotUrl: string;
  const seen: Observed = { errors: [] };
  const alice = makeUser('Alice Andersson');
  const bob = makeUser('Bob Berg');

  beforeAll(async () => {
    connector = await startFakeConnector();
    auth = await startFakeAuth();
    const bot = new SelfCheckBot(seen);
    const open = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const secured = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication(auth.envFor(APP_ID)),
    );
    for (const a of [open, secured]) {
      a.onTurnError = async (_ctx, err) => {
        seen.errors.push(err);
      };
    }
    server = restify.createServer();
    server.use(restify.plugins.bodyParser());
    server.post('/api/messages', async (req, res) => {
      await open.process(req, res, (ctx) => bot.run(ctx));
    });
    server.post('/secured/api/messages', async (req, res) => {
      await secured.process(req, res, (ctx) => bot.run(ctx));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    botUrl = `http://127.0.0.1:${port}/api/messages`;
    authBotUrl = `http://127.0.0.1:${port}/secured/api/messages`;
  });

  afterAll(async () => {
    server.close();
    await connector.stop();
    await auth.stop();
    auth.clearOutboundToken(APP_ID);
  });

  beforeEach(() => {
    connector.reset();
    seen.errors.length = 0;
  });

  const base = () => ({ serviceUrl: connector.url, tenantId: TENANT });

  describe('without auth', () => {
    it('when a user writes in 1:1, then the fake connector captures the reply', async () => {
      const msg = personalMessage({ ...base(), from: alice, text: 'hej' });
      const res = await postActivity(botUrl, msg);
      expect(res.status).toBe(200);
      const reply = await connector.waitFor((c) => c.kind === 'reply');
      expect(reply.conversationId).toBe(msg.conversation.id);
      expect(reply.activityId).toBe(msg.id);
      expect(reply.activity?.text).toBe('echo: hej');
      expect(reply.authorization).toBeUndefined();
      expect(connector.sent()).toHaveLength(1);
    });

    it('when the bot is @mentioned in a channel, then the mention is stripped and the reply goes to the thread', async () => {
      const channelId = teamsThreadId();
      const msg = channelMessage({
        ...base(),
        from: bob,
        teamId: teamsThreadId(),
        channelId,
        text: 'status',
        mentionBot: true,
      });
      expect(msg.conversation.id).toBe(`${channelId};messageid=${msg.id}`);
      await postActivity(botUrl, msg);
      const reply = await connector.waitFor((c) => c.kind === 'reply');
      expect(reply.activity?.text).toBe('echo: status');
      expect(reply.conversationId).toBe(msg.conversation.id);
    });

    it('when an Action.Execute invoke arrives, then its response is in the HTTP body and nothing is sent', async () => {
      const invoke = actionExecute({
        ...base(),
        from: alice,
        verb: 'approve',
        data: { id: 'P-1' },
        cardActivityId: 'card-1',
      });
      const res = await postActivity(botUrl, invoke);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: 'verb:approve',
      });
      expect(connector.calls).toHaveLength(0);
    });

    it('when the bot asks TeamsInfo.getMember in 1:1, then the roster entry comes back', async () => {
      const msg = personalMessage({ ...base(), from: alice, text: 'whoami' });
      connector.setRoster(msg.conversation.id, [
        { ...alice, email: 'alice@kommun.se', tenantId: TENANT },
      ]);
      await postActivity(botUrl, msg);
      await connector.waitFor((c) => c.kind === 'reply');
      expect(seen.member).toMatchObject({
        id: alice.id,
        name: 'Alice Andersson',
        aadObjectId: alice.aadObjectId,
        email: 'alice@kommun.se',
        userPrincipalName: 'alice@kommun.se',
        tenantId: TENANT,
      });
    });

    it('when the member is not in the roster, then getMember fails with a 404 MemberNotFound', async () => {
      const msg = personalMessage({ ...base(), from: bob, text: 'whoami' });
      connector.setRoster(msg.conversation.id, [alice]);
      await postActivity(botUrl, msg);
      const call = await connector.waitFor((c) => c.kind === 'getMember');
      expect(call.status).toBe(404);
      expect(call.responseBody).toEqual({
        error: expect.objectContaining({ code: 'MemberNotFound' }),
      });
      expect(seen.errors).toHaveLength(1);
    });

    it('when the bot pages a team roster, then pages and continuation tokens follow setRoster', async () => {
      const teamId = teamsThreadId();
      const members: RosterMember[] = ['A', 'B', 'C'].map((n) => ({
        ...makeUser(n),
        email: `${n}@kommun.se`,
      }));
      connector.setRoster(teamId, members);
      const msg = channelMessage({
        ...base(),
        from: bob,
        teamId,
        channelId: teamId,
        text: 'paged',
        mentionBot: true,
      });
      expect((await postActivity(botUrl, msg)).status).toBe(200);
      expect(seen.paged?.[0].members.map((m) => m.email)).toEqual(['A@kommun.se', 'B@kommun.se']);
      expect(seen.paged?.[0].continuationToken).toBeDefined();
      expect(seen.paged?.[1].members.map((m) => m.email)).toEqual(['C@kommun.se']);
      expect(seen.paged?.[1].continuationToken).toBeUndefined();
    });

    it('when the bot lists team channels, then setTeam channels come back', async () => {
      const teamId = teamsThreadId();
      const other = teamsThreadId();
      connector.setTeam(teamId, {
        name: 'Projekt',
        channels: [
          { id: teamId, name: 'General' },
          { id: other, name: 'Ansökningar' },
        ],
      });
      const msg = channelMessage({
        ...base(),
        from: bob,
        teamId,
        channelId: other,
        text: 'channels',
        mentionBot: true,
      });
      await postActivity(botUrl, msg);
      expect(seen.teamChannels).toEqual([
        expect.objectContaining({ id: teamId, name: 'General' }),
        expect.objectContaining({ id: other, name: 'Ansökningar' }),
      ]);
    });

    it('when the bot creates a channel thread, then it is recorded with a Teams-like id', async () => {
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'newthread' }));
      const [created] = connector.created();
      expect(created.status).toBe(201);
      expect(created.activity?.text).toBe('Ny tråd');
      expect(created.responseBody).toEqual({
        id: `channel-x;messageid=${created.assignedId}`,
        activityId: created.assignedId,
      });
    });

    it('when the bot edits what it sent, then the update is recorded for that id', async () => {
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'edit' }));
      const update = await connector.waitFor((c) => c.kind === 'update');
      expect(update.activityId).toBe(connector.sent()[0].assignedId);
      expect(connector.updates()[0].activity?.text).toBe('second');
    });

    it('when install and conversationUpdate activities arrive, then the bot accepts them', async () => {
      const team = { teamId: teamsThreadId(), channelId: teamsThreadId() };
      for (const a of [
        conversationUpdate({ ...base(), from: alice }),
        conversationUpdate({ ...base(), from: alice, team, membersAdded: [bob] }),
        installationUpdate({ ...base(), from: alice }),
        installationUpdate({ ...base(), from: alice, team, action: 'remove' }),
      ]) {
        expect(a.channelData).toMatchObject({ tenant: { id: TENANT } });
        expect((await postActivity(botUrl, a)).status).toBe(200);
      }
      expect(seen.errors).toEqual([]);
    });

    it('when a non-retryable failure is injected, then the bot sees it once and waitFor lists the calls', async () => {
      connector.failNext('reply', { status: 403 });
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'a' }));
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'b' }));
      expect(connector.calls.map((c) => c.status)).toEqual([403, 200]);
      expect(seen.errors).toHaveLength(1);
      await expect(connector.waitFor((c) => c.kind === 'delete', 100)).rejects.toThrow(
        /#1 POST .* -> 403 \(reply\) message "echo: a"/,
      );
    });

    it('when the connector answers 503 once, then the SDK pipeline retries by itself', async () => {
      connector.failNext({ kind: 'reply', method: 'POST' }, { status: 503 });
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'a' }));
      expect(connector.calls.map((c) => c.status)).toEqual([503, 200]);
      expect(seen.errors).toEqual([]);
    });

    it('when the connector answers 429 with Retry-After, then the SDK waits that long and no violation is counted', async () => {
      connector.failNext('reply', { status: 429, retryAfterSeconds: 1 });
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'a' }));
      const [first, second] = connector.calls;
      expect([first.status, second.status]).toEqual([429, 200]);
      expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
      expect(connector.throttled).toBe(1);
      expect(connector.violations).toBe(0);
    });

    it('when the connector drops the connection once, then it is recorded with status 0 and the SDK retries', async () => {
      connector.failNext('reply', { networkError: true });
      await postActivity(botUrl, personalMessage({ ...base(), from: alice, text: 'a' }));
      expect(connector.calls.map((c) => [c.answered, c.status])).toEqual([
        [true, 0],
        [true, 200],
      ]);
      expect(seen.errors).toEqual([]);
    });
  });

  describe('with auth (fake token service)', () => {
    const activity = () => personalMessage({ ...base(), from: alice, text: 'hej' });
    const tokenFor = (a: { serviceUrl: string }) => ({ appId: APP_ID, serviceUrl: a.serviceUrl });
    let consoleError: jest.SpyInstance;
    beforeEach(() => {
      consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => consoleError.mockRestore());

    it('when no token is sent, then botbuilder answers 401', async () => {
      expect((await postActivity(authBotUrl, activity())).status).toBe(401);
    });

    it('when the token has expired, then botbuilder answers 401', async () => {
      const a = activity();
      expect((await postActivity(authBotUrl, a, auth.expiredToken(tokenFor(a)))).status).toBe(401);
    });

    it('when the token is for another app id, then botbuilder answers 401', async () => {
      const a = activity();
      const token = auth.signToken({ ...tokenFor(a), audience: 'some-other-app' });
      expect((await postActivity(authBotUrl, a, token)).status).toBe(401);
    });

    it('when the token serviceurl differs from the activity, then botbuilder answers 401', async () => {
      const a = activity();
      const token = auth.signToken({ appId: APP_ID, serviceUrl: 'https://evil.example/' });
      expect((await postActivity(authBotUrl, a, token)).status).toBe(401);
    });

    it('when the token has a known kid but a forged signature, then raw botbuilder answers 500 (not 401)', async () => {
      const a = activity();
      const res = await postActivity(authBotUrl, a, auth.forgedToken(tokenFor(a)));
      expect(res.status).toBe(500);
      expect(res.body).toBe('invalid signature');
    });

    it('when the token has an unknown kid, then botbuilder answers 401', async () => {
      const a = activity();
      const token = auth.signToken({ ...tokenFor(a), kid: 'unknown-kid' });
      expect((await postActivity(authBotUrl, a, token)).status).toBe(401);
    });

    it('when a valid token comes with an Action.Execute, then 200 and the card response', async () => {
      const invoke = actionExecute({ ...base(), from: alice, verb: 'open' });
      const res = await postActivity(authBotUrl, invoke, auth.signToken(tokenFor(invoke)));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ value: 'verb:open' });
      expect(auth.requests).toEqual(
        expect.arrayContaining([
          'GET /v1/.well-known/openidconfiguration',
          'GET /v1/.well-known/keys',
        ]),
      );
    });

    it('when no outbound token is primed, then the reply fails inside MSAL (http authority refused) without a network call', async () => {
      auth.clearOutboundToken(APP_ID);
      const a = activity();
      const res = await postActivity(authBotUrl, a, auth.signToken(tokenFor(a)));
      expect(res.status).toBe(200);
      expect(seen.errors.map((e) => String(e))).toEqual([
        expect.stringMatching(/authority_uri_insecure/),
      ]);
      expect(connector.calls).toHaveLength(0);
      expect(auth.tokenRequests).toHaveLength(0);
    });

    it('when an outbound token is primed, then the reply reaches the connector with that Bearer token', async () => {
      const primed = auth.primeOutboundToken(APP_ID);
      const a = activity();
      const res = await postActivity(authBotUrl, a, auth.signToken(tokenFor(a)));
      expect(res.status).toBe(200);
      const reply = await connector.waitFor((c) => c.kind === 'reply');
      expect(reply.authorization).toBe(`Bearer ${primed}`);
      expect(jwt.decode(primed)).toMatchObject({ aud: BOT_FRAMEWORK_SCOPE, appid: APP_ID });
      auth.clearOutboundToken(APP_ID);
    });

    it('when a client asks the token endpoint, then it gets a token signed by the published key', async () => {
      const res = await fetch(`${auth.url}/botframework.com/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: APP_ID,
          client_secret: 'x',
          scope: `${BOT_FRAMEWORK_SCOPE}/.default`,
        }),
      });
      const body = (await res.json()) as { access_token: string };
      expect(res.status).toBe(200);
      const header = jwt.decode(body.access_token, { complete: true })?.header;
      expect(header?.kid).toBe(auth.kid);
      expect(jwt.decode(body.access_token)).toMatchObject({
        aud: BOT_FRAMEWORK_SCOPE,
        appid: APP_ID,
      });
    });
  });

  describe('Teams rate-limit enforcer', () => {
    let limited: FakeConnector;
    beforeAll(async () => {
      limited = await startFakeConnector({ enforceTeamsLimits: true });
    });
    afterAll(() => limited.stop());

    const send = (conversationId: string) =>
      fetch(`${limited.url}v3/conversations/${encodeURIComponent(conversationId)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'x' }),
      });

    it('when a sender exceeds 7 per second and ignores Retry-After, then it is throttled and counted as a violation', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await send('a:conv-1')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
      expect(limited.calls[7].throttled?.retryAfterSeconds).toBe(1);
      expect(limited.violations).toBe(0);
      expect((await send('a:conv-1')).status).toBe(429);
      expect(limited.throttled).toBe(2);
      expect(limited.violations).toBe(1);
      expect((await send('a:conv-2')).status).toBe(200);
    });

    it('when a sender honours Retry-After, then its next request passes and no violation is counted', async () => {
      limited.reset();
      for (let i = 0; i < 7; i++) await send('a:conv-3');
      const throttled = await send('a:conv-3');
      expect(throttled.status).toBe(429);
      const wait = Number(throttled.headers.get('retry-after'));
      await new Promise((r) => setTimeout(r, wait * 1000));
      expect((await send('a:conv-3')).status).toBe(200);
      expect(limited.throttled).toBe(1);
      expect(limited.violations).toBe(0);
    });
  });
});
