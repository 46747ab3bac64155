/**
 * Bot Connector authentication over real HTTP: the app runs with MicrosoftAppId set and its
 * OpenID metadata pointed at a local fake token service (test/support/fake-auth.ts).
 */
import { App } from '../../bot/app';
import { actionExecute, personalMessage, postActivity, TeamsActivity } from '../support/activities';
import { FakeAuth, startFakeAuth, TokenOptions } from '../support/fake-auth';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardText, DEMO_TENANT, DEMO_USERS, startTestApp } from '../support/test-app';

const APP_ID = '00000000-0000-4000-8000-00000000a0a0';
const OTHER_TENANT = '00000000-0000-0000-0000-0000000000bb';
const COUNTED = [
  'processedActivities',
  'applications',
  'audit',
  'conversations',
  'users',
  'outbox',
  'ideas',
];

describe('Bot Connector authentication at /api/messages', () => {
  let auth: FakeAuth;
  let connector: FakeConnector;
  /** Not on the allow-list: must never see a call, let alone a token. */
  let stranger: FakeConnector;
  let app: App;

  beforeAll(async () => {
    auth = await startFakeAuth();
    connector = await startFakeConnector();
    stranger = await startFakeConnector();
    app = await startTestApp({
      env: {
        ...auth.envFor(APP_ID),
        LOCAL_MODE: '',
        SERVICE_URL_ALLOW_LIST: connector.url,
        ALLOWED_TENANTS: DEMO_TENANT,
      },
    });
    auth.primeOutboundToken(APP_ID);
  });
  afterAll(async () => {
    await app.close();
    auth.clearOutboundToken(APP_ID);
    await Promise.all([auth.stop(), connector.stop(), stranger.stop()]);
  });
  beforeEach(() => {
    connector.reset();
    stranger.reset();
  });

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of COUNTED) out[name] = await app.services.store.collection(name).count({});
    return out;
  }

  const click = (o: { serviceUrl?: string; tenantId?: string } = {}): TeamsActivity =>
    actionExecute({
      serviceUrl: o.serviceUrl ?? connector.url,
      tenantId: o.tenantId ?? DEMO_TENANT,
      from: DEMO_USERS.anna,
      verb: 'applications.list',
      botAppId: APP_ID,
    });
  const claimsFor = (a: TeamsActivity): TokenOptions => ({
    appId: APP_ID,
    serviceUrl: a.serviceUrl,
  });
  const post = (a: TeamsActivity, token?: string) =>
    postActivity(`${app.url}/api/messages`, a, token);

  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('when the configuration has an app id, then the app is not in local mode', () => {
    expect(app.config.appId).toBe(APP_ID);
    expect(app.config.localMode).toBe(false);
  });

  it('when a request has no token, then 401 and nothing is written', async () => {
    const before = await counts();
    const failures = await metric('projektkontoret_auth_failures_total', {
      reason: 'missing_token',
    });
    const res = await post(click());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized' });
    expect(await counts()).toEqual(before);
    expect(connector.calls).toHaveLength(0);
    expect(await metric('projektkontoret_auth_failures_total', { reason: 'missing_token' })).toBe(
      failures + 1,
    );
  });

  it.each([
    ['an expired token', (a: TeamsActivity) => auth.expiredToken(claimsFor(a))],
    [
      'a token for another audience',
      (a: TeamsActivity) =>
        auth.signToken({ ...claimsFor(a), audience: '00000000-0000-4000-8000-0000000000ff' }),
    ],
    ['a forged signature', (a: TeamsActivity) => auth.forgedToken(claimsFor(a))],
    [
      'a token issued for another serviceUrl',
      (a: TeamsActivity) =>
        auth.signToken({ ...claimsFor(a), serviceUrl: 'https://elsewhere.example/' }),
    ],
    [
      'a token from another issuer',
      (a: TeamsActivity) => auth.signToken({ ...claimsFor(a), issuer: 'https://evil.example' }),
    ],
    [
      'a token signed with an unknown key id',
      (a: TeamsActivity) => auth.signToken({ ...claimsFor(a), kid: 'unknown-kid' }),
    ],
    ['a string that is no JWT at all', () => 'not-a-jwt'],
  ])('when a request carries %s, then 401 and nothing is written', async (_what, tokenFor) => {
    const before = await counts();
    const failures = await metric('projektkontoret_auth_failures_total', {
      reason: 'invalid_token',
    });
    const activity = click();
    const res = await post(activity, tokenFor(activity));
    expect(res.status).toBe(401);
    expect(await counts()).toEqual(before);
    expect(connector.calls).toHaveLength(0);
    expect(await metric('projektkontoret_auth_failures_total', { reason: 'invalid_token' })).toBe(
      failures + 1,
    );
  });

  it('when a card click carries a valid token, then 200 with the card', async () => {
    const activity = click();
    const res = await post(activity, auth.signToken(claimsFor(activity)));
    expect(res.status).toBe(200);
    const body = res.body as { statusCode: number; type: string; value: unknown };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(body.value)).toMatch(/ansökningar/i);
    expect(auth.requests.some((r) => r.endsWith('/.well-known/keys'))).toBe(true);
  });

  it('when a message carries a valid token, then the reply goes to the allowed serviceUrl with the bot token', async () => {
    const activity = personalMessage({
      serviceUrl: connector.url,
      tenantId: DEMO_TENANT,
      from: DEMO_USERS.anna,
      text: 'hjälp',
      botAppId: APP_ID,
    });
    const res = await post(activity, auth.signToken(claimsFor(activity)));
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send');
    expect(reply.authorization).toMatch(/^Bearer ey/);
    expect(reply.conversationId).toBe(activity.conversation.id);
  });

  it('when a validly signed activity comes from a tenant that is not allowed, then it is ignored: 200, no write, no reply', async () => {
    const before = await counts();
    const activity = personalMessage({
      serviceUrl: connector.url,
      tenantId: OTHER_TENANT,
      from: DEMO_USERS.anna,
      text: 'ny ansökan',
      botAppId: APP_ID,
    });
    const res = await post(activity, auth.signToken(claimsFor(activity)));
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(connector.calls).toHaveLength(0);
  });

  it('when a validly signed activity names a serviceUrl outside the allow-list, then that host is never called and never gets a token', async () => {
    const before = await counts();
    const message = personalMessage({
      serviceUrl: stranger.url,
      tenantId: DEMO_TENANT,
      from: DEMO_USERS.anna,
      text: 'hjälp',
      botAppId: APP_ID,
    });
    expect((await post(message, auth.signToken(claimsFor(message)))).status).toBe(200);
    const invoke = click({ serviceUrl: stranger.url });
    const res = await post(invoke, auth.signToken(claimsFor(invoke)));
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    // Give a stray reply time to arrive before asserting there was none.
    await new Promise((r) => setTimeout(r, 200));
    expect(stranger.calls).toHaveLength(0);
    expect(stranger.calls.filter((c) => c.authorization)).toHaveLength(0);
    expect(connector.calls).toHaveLength(0);
    expect(await counts()).toEqual(before);
  });
});
