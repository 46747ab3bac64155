import { App } from '../../bot/app';
import { BotAdapter, createAuthentication } from '../../bot/adapter';
import { createOutboxDelivery } from '../../bot/outbox-delivery';
import { OutboxSender } from '../../services/outbox/outbox-sender';
import { teamsRateLimits } from '../../services/outbox/rate-limits';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { freshDataDir, startTestApp } from '../support/test-app';
import { limitExcess, markerOf, seedChannel, seedUser } from '../unit/outbox/outbox-test-kit';

const CHANNEL = '19:kit-busy@thread.tacv2';
const APP_WIDE = [{ limit: 50, windowMs: 1000 }];

describe('the outbox against a Teams-like connector over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector({ enforceTeamsLimits: true });
  });
  afterAll(async () => {
    await connector.stop();
  });
  afterEach(async () => {
    await app?.close();
    connector.reset();
  });

  async function start(env: Record<string, string> = {}, startSender = false): Promise<App> {
    app = await startTestApp({
      dataDir: freshDataDir(),
      env: { SCHEDULER_ENABLED: 'false', ...env },
      startSender,
    });
    return app;
  }

  /** Every accepted send, by outbox id. */
  function deliveries(): Map<string, number> {
    const m = new Map<string, number>();
    for (const c of connector.sent()) {
      const id = markerOf(c.activity);
      if (id) m.set(id, (m.get(id) ?? 0) + 1);
    }
    return m;
  }

  const enforcerThrottles = () =>
    connector.throttleEvents.filter((e) => e.window !== undefined).length;

  it('when Teams answers 429 with Retry-After for a while, then everything is delivered afterwards, none twice, within the limits', async () => {
    await start();
    const s = app.services;
    const users: string[] = [];
    for (let i = 0; i < 6; i++) users.push(await seedUser(s, connector.url, i));
    await seedChannel(s, connector.url, CHANNEL);
    const ids: string[] = [];
    for (let i = 0; i < 36; i++) {
      const id = `burst:${i}`;
      ids.push(id);
      await s.outbox.enqueue(
        id,
        { kind: 'user', aadObjectId: users[i % users.length] },
        { text: `påminnelse ${i}` },
        s.clock(),
      );
    }
    for (let i = 0; i < 12; i++) {
      const id = `chan:${i}`;
      ids.push(id);
      await s.outbox.enqueue(
        id,
        { kind: 'channel', channelId: CHANNEL },
        { text: `kanal ${i}` },
        s.clock(),
      );
    }
    connector.failNext('send', { status: 429, retryAfterSeconds: 1, times: 20 });
    await app.sender.drain(60_000);

    const got = deliveries();
    expect([...got.keys()].sort()).toEqual([...ids].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(connector.throttled).toBeGreaterThanOrEqual(20);
    expect(connector.violations).toBe(0);
    expect(enforcerThrottles()).toBe(0);
    const excess = limitExcess(connector.calls, APP_WIDE);
    expect(excess.perConversation).toBeLessThanOrEqual(0);
    expect(excess.appWide).toBeLessThanOrEqual(0);
    expect((await s.outbox.counts()).sent).toBe(ids.length);
    const throttled = (await s.outbox.byStatus('sent')).filter((m) => (m.throttles ?? 0) > 0);
    expect(throttled.length).toBeGreaterThan(0);
  });

  it('when one conversation gets a burst, then the sender paces it so that Teams never has to throttle', async () => {
    await start();
    const s = app.services;
    const user = await seedUser(s, connector.url, 1);
    for (let i = 0; i < 20; i++)
      await s.outbox.enqueue(
        `pace:${i}`,
        { kind: 'user', aadObjectId: user },
        { text: `${i}` },
        s.clock(),
      );
    const t0 = Date.now();
    await app.sender.drain(60_000);
    const elapsed = Date.now() - t0;
    expect(deliveries().size).toBe(20);
    expect(connector.throttled).toBe(0);
    expect(limitExcess(connector.calls, APP_WIDE).perConversation).toBeLessThanOrEqual(0);
    // 7 at once, then 8 per 2 s: the 20th send cannot go before 4 s; pacing should not be much
    // slower. On FerretDB each send's own store writes (claim, lease, mark sent: several ms each,
    // more on a busy machine) come on top.
    expect(elapsed).toBeGreaterThanOrEqual(4000);
    expect(elapsed).toBeLessThan(process.env.TEST_STORE === 'mongodb' ? 13_000 : 9000);
  });

  it('when Teams answers 502/503/504/412, then the message is retried with back-off and delivered once', async () => {
    await start();
    const s = app.services;
    const users = [await seedUser(s, connector.url, 1), await seedUser(s, connector.url, 2)];
    await s.outbox.enqueue(
      'flaky:1',
      { kind: 'user', aadObjectId: users[0] },
      { text: 'a' },
      s.clock(),
    );
    await s.outbox.enqueue(
      'flaky:2',
      { kind: 'user', aadObjectId: users[1] },
      { text: 'b' },
      s.clock(),
    );
    connector.failNext({ kind: 'send', conversationId: 'a:kit-1' }, { status: 503, times: 1 });
    connector.failNext({ kind: 'send', conversationId: 'a:kit-1' }, { status: 502, times: 1 });
    connector.failNext({ kind: 'send', conversationId: 'a:kit-2' }, { status: 504, times: 1 });
    connector.failNext({ kind: 'send', conversationId: 'a:kit-2' }, { status: 412, times: 1 });
    await app.sender.drain(60_000);
    // One request per attempt: the SDK's own retries are off; the outbox retries with back-off.
    expect(
      connector.calls.filter((c) => c.conversationId === 'a:kit-1').map((c) => c.status),
    ).toEqual([503, 502, 200]);
    expect(
      connector.calls.filter((c) => c.conversationId === 'a:kit-2').map((c) => c.status),
    ).toEqual([504, 412, 200]);
    expect(deliveries()).toEqual(
      new Map([
        ['flaky:1', 1],
        ['flaky:2', 1],
      ]),
    );
    expect(await s.outbox.get('flaky:1')).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('when the request times out after it reached Teams, then the message is uncertain and never re-sent blindly', async () => {
    await start({ OUTBOX_REQUEST_TIMEOUT_MS: '600' });
    const s = app.services;
    const user = await seedUser(s, connector.url, 1);
    connector.failNext('send', { status: 200, delayMs: 1500, body: { id: 'late' } });
    await s.outbox.enqueue('slow:1', { kind: 'user', aadObjectId: user }, { text: 'x' }, s.clock());
    await app.sender.drain(10_000);
    await connector.waitUntil((calls) => calls.every((c) => c.answered), 5000);
    expect(await s.outbox.get('slow:1')).toMatchObject({ status: 'uncertain' });
    // Teams did get it (the answer came too late): a blind retry would have duplicated it.
    expect(connector.calls.filter((c) => c.kind === 'send')).toHaveLength(1);
    expect((await s.audit.forEntity('slow:1')).map((a) => a.action)).toContain('outbox.uncertain');
  });

  it('when the connection is reset after the request went out, then the message is uncertain; an update is simply repeated', async () => {
    await start();
    const s = app.services;
    const user = await seedUser(s, connector.url, 1);
    connector.failNext('send', { networkError: true });
    connector.failNext('update', { networkError: true });
    await s.outbox.enqueue(
      'reset:post',
      { kind: 'user', aadObjectId: user },
      { text: 'x' },
      s.clock(),
    );
    await s.outbox.enqueue(
      'reset:update',
      { kind: 'user', aadObjectId: user },
      { text: 'y', update: { activityId: '42', conversationId: 'a:kit-1' } },
      s.clock(),
    );
    await app.sender.drain(20_000);
    expect(await s.outbox.get('reset:post')).toMatchObject({ status: 'uncertain' });
    expect(await s.outbox.get('reset:update')).toMatchObject({ status: 'sent' });
    expect(connector.calls.filter((c) => c.kind === 'send')).toHaveLength(1);
    expect(connector.updates()).toHaveLength(1);
  });

  it('when the bot was removed (403) or the user is gone (404), then it is recorded as failed and never retried', async () => {
    await start();
    const s = app.services;
    const a = await seedUser(s, connector.url, 1);
    const b = await seedUser(s, connector.url, 2);
    connector.failNext({ kind: 'send', conversationId: 'a:kit-1' }, { status: 403, times: 5 });
    connector.failNext({ kind: 'send', conversationId: 'a:kit-2' }, { status: 404, times: 5 });
    await s.outbox.enqueue('gone:a', { kind: 'user', aadObjectId: a }, { text: 'x' }, s.clock());
    await s.outbox.enqueue('gone:b', { kind: 'user', aadObjectId: b }, { text: 'x' }, s.clock());
    await app.sender.drain(10_000);
    expect(await s.outbox.get('gone:a')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await s.outbox.get('gone:b')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(connector.calls).toHaveLength(2);
    // Later messages to the unreachable person fail without another request to Teams.
    await s.outbox.enqueue('gone:a2', { kind: 'user', aadObjectId: a }, { text: 'y' }, s.clock());
    await app.sender.drain(10_000);
    expect(await s.outbox.get('gone:a2')).toMatchObject({ status: 'failed' });
    expect(connector.calls).toHaveLength(2);
  });

  it('when Teams keeps failing, then the message is dead-lettered after the configured attempts and can be retried by an admin', async () => {
    await start({ OUTBOX_MAX_ATTEMPTS: '2' });
    const s = app.services;
    const user = await seedUser(s, connector.url, 1);
    connector.failNext('send', { status: 503, times: 2 });
    await s.outbox.enqueue('dead:1', { kind: 'user', aadObjectId: user }, { text: 'x' }, s.clock());
    await app.sender.drain(20_000);
    expect(await s.outbox.get('dead:1')).toMatchObject({ status: 'dead', attempts: 2 });
    expect((await s.audit.forEntity('dead:1')).map((a) => a.action)).toEqual([
      'outbox.dead_lettered',
    ]);
    await s.outbox.requeue('dead:1', 'admin', s.clock());
    await app.sender.drain(20_000);
    expect(await s.outbox.get('dead:1')).toMatchObject({ status: 'sent' });
    expect(deliveries().get('dead:1')).toBe(1);
  });

  it('when two sender instances share one store, then no message is sent twice and the limits hold across both', async () => {
    await start();
    const s = app.services;
    const users: string[] = [];
    for (let i = 0; i < 8; i++) users.push(await seedUser(s, connector.url, i));
    await seedChannel(s, connector.url, CHANNEL);
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) {
      const id = `two:${i}`;
      ids.push(id);
      const target =
        i % 5 === 0
          ? { kind: 'channel' as const, channelId: CHANNEL }
          : { kind: 'user' as const, aadObjectId: users[i % users.length] };
      await s.outbox.enqueue(id, target, { text: `${i}` }, s.clock());
    }
    // Two instances in one process on one store: two processes must not share one nedb DATA_DIR.
    const make = (owner: string) =>
      new OutboxSender(
        s.outbox,
        createOutboxDelivery(new BotAdapter(createAuthentication(app.config, {})), s, app.config),
        s.clock,
        s.log,
        { pollMs: 50, owner, limits: teamsRateLimits(50), maxInFlight: 4 },
      );
    const a = make('instance-a');
    const b = make('instance-b');
    await Promise.all([a.drain(60_000), b.drain(60_000)]);
    await a.stop();
    await b.stop();
    const got = deliveries();
    expect(got.size).toBe(ids.length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(connector.throttled).toBe(0);
    const excess = limitExcess(connector.calls, APP_WIDE);
    expect(excess.perConversation).toBeLessThanOrEqual(0);
    expect(excess.appWide).toBeLessThanOrEqual(0);
    const byOwner = (await s.outbox.byStatus('sent')).reduce<Record<string, number>>(
      (m, x) => ({ ...m, [x.leaseOwner ?? '?']: (m[x.leaseOwner ?? '?'] ?? 0) + 1 }),
      {},
    );
    expect(Object.keys(byOwner).sort()).toEqual(['instance-a', 'instance-b']);
  });
});
