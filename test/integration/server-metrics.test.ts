import { App } from '../../bot/app';
import { personalMessage, postActivity } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { DEMO_TENANT, DEMO_USERS, PersonalChat, startTestApp } from '../support/test-app';

type Labels = Record<string, string>;

/** The value of one sample in Prometheus text format (0 when the series does not exist yet). */
function sample(text: string, name: string, labels: Labels = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Labels = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) got[pair[1]] = pair[2];
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function scrape(
  url: string,
  token?: string,
): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${url}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('GET /metrics', () => {
  let connector: FakeConnector;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(() => connector.reset());

  describe('with metrics on and no token', () => {
    let app: App;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(async () => {
      await app.close();
    });

    it('when scraped, then it answers Prometheus text with every metric family', async () => {
      const { status, text, type } = await scrape(app.url);
      expect(status).toBe(200);
      expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of [
        'projektkontoret_turns_total',
        'projektkontoret_invoke_duration_seconds',
        'projektkontoret_outbox_sends_total',
        'projektkontoret_throttles_total',
        'projektkontoret_auth_failures_total',
        'projektkontoret_rejected_requests_total',
        'projektkontoret_outbox_queue',
        'process_cpu_seconds_total',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
    });

    it('when turns happen, then turns are counted by type and outcome and invokes are timed by verb', async () => {
      const before = (await scrape(app.url)).text;
      const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
      expect(await chat.say('hjälp')).toBe(200);
      expect((await chat.click('applications.list')).status).toBe(200);
      expect((await chat.click('no.such.verb')).status).toBe(200);
      const dup = personalMessage({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.anna,
        text: 'hjälp',
      });
      await postActivity(`${app.url}/api/messages`, dup);
      await postActivity(`${app.url}/api/messages`, dup);
      await postActivity(`${app.url}/api/messages`, { type: 7 } as never);
      const after = (await scrape(app.url)).text;

      const delta = (name: string, labels: Labels) =>
        sample(after, name, labels) - sample(before, name, labels);
      expect(delta('projektkontoret_turns_total', { type: 'message', outcome: 'ok' })).toBe(2);
      expect(delta('projektkontoret_turns_total', { type: 'message', outcome: 'duplicate' })).toBe(
        1,
      );
      expect(delta('projektkontoret_turns_total', { type: 'invoke', outcome: 'ok' })).toBe(2);
      expect(
        delta('projektkontoret_invoke_duration_seconds_count', {
          verb: 'applications.list',
          outcome: 'ok',
        }),
      ).toBe(1);
      expect(
        delta('projektkontoret_invoke_duration_seconds_count', { verb: 'unknown', outcome: 'ok' }),
      ).toBe(1);
      expect(delta('projektkontoret_rejected_requests_total', { reason: 'not_activity' })).toBe(1);
      // A made-up verb never becomes a label of its own.
      expect(after).not.toContain('no.such.verb');
    });

    it('when an activity type is made up, then it is counted as other', async () => {
      const before = (await scrape(app.url)).text;
      const odd = {
        ...personalMessage({
          serviceUrl: connector.url,
          tenantId: DEMO_TENANT,
          from: DEMO_USERS.anna,
          text: 'x',
        }),
        type: 'weird<script>',
      };
      expect((await postActivity(`${app.url}/api/messages`, odd)).status).toBe(200);
      const after = (await scrape(app.url)).text;
      expect(
        sample(after, 'projektkontoret_turns_total', { type: 'other', outcome: 'ok' }) -
          sample(before, 'projektkontoret_turns_total', { type: 'other', outcome: 'ok' }),
      ).toBe(1);
      expect(after).not.toContain('weird');
    });

    it('when a reply inside a turn is throttled by Teams, then every 429 is counted as a turn throttle', async () => {
      const before = (await scrape(app.url)).text;
      connector.failNext('reply', { status: 429, retryAfterSeconds: 0, times: 2 });
      const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
      expect(await chat.say('hjälp')).toBe(200);
      // The SDK retried by itself and the help card got through in the end.
      expect(connector.sent().filter((c) => c.kind === 'reply')).toHaveLength(1);
      const after = (await scrape(app.url)).text;
      const delta = (name: string, labels: Labels) =>
        sample(after, name, labels) - sample(before, name, labels);
      expect(delta('projektkontoret_throttles_total', { source: 'turn' })).toBe(2);
      expect(delta('projektkontoret_throttles_total', { source: 'outbox' })).toBe(0);
      expect(delta('projektkontoret_turns_total', { type: 'message', outcome: 'ok' })).toBe(1);
    });

    it('when no reply of a turn can be delivered, then the turn is counted as an error', async () => {
      const before = (await scrape(app.url)).text;
      connector.failNext('reply', { status: 403, times: 3 });
      const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
      expect(await chat.say('hjälp')).toBe(200);
      const after = (await scrape(app.url)).text;
      expect(
        sample(after, 'projektkontoret_turns_total', { type: 'message', outcome: 'error' }) -
          sample(before, 'projektkontoret_turns_total', { type: 'message', outcome: 'error' }),
      ).toBe(1);
    });

    it('when a handler meets an unexpected error but still answers with an error card, then the turn counts as an error', async () => {
      const before = (await scrape(app.url)).text;
      connector.failNext('reply', { status: 403, times: 1 });
      const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
      expect(await chat.say('hjälp')).toBe(200);
      // The help card was refused; the error card that replaced it got through.
      expect(connector.sent()).toHaveLength(1);
      const after = (await scrape(app.url)).text;
      const delta = (outcome: string) =>
        sample(after, 'projektkontoret_turns_total', { type: 'message', outcome }) -
        sample(before, 'projektkontoret_turns_total', { type: 'message', outcome });
      expect(delta('error')).toBe(1);
      expect(delta('ok')).toBe(0);
    });

    it('when the outbox sends, meets a 429 and an unreachable user, then sends by result, throttles and the queue are measured', async () => {
      const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
      expect(await chat.say('hjälp')).toBe(200);
      const before = (await scrape(app.url)).text;
      const stamp = Date.now();
      connector.failNext('send', { status: 429, retryAfterSeconds: 0 });
      const okId = `metrics-ok:${stamp}`;
      await app.services.outbox.enqueue(
        okId,
        { kind: 'user', aadObjectId: DEMO_USERS.david.aadObjectId },
        { text: 'Hej David' },
        new Date(),
      );
      const waitStatus = async (id: string, status: string) => {
        for (let i = 0; i < 100 && (await app.services.outbox.get(id))?.status !== status; i++)
          await new Promise((r) => setTimeout(r, 50));
        expect((await app.services.outbox.get(id))?.status).toBe(status);
      };
      await waitStatus(okId, 'sent');
      // Nobody the bot has never talked to can be reached: that delivery fails for good.
      const unknownId = `metrics-unreachable:${stamp}`;
      await app.services.outbox.enqueue(
        unknownId,
        { kind: 'user', aadObjectId: '00000000-0000-0000-0000-0000000000ff' },
        { text: 'Hej' },
        new Date(),
      );
      await waitStatus(unknownId, 'failed');

      const after = (await scrape(app.url)).text;
      const delta = (name: string, labels: Labels) =>
        sample(after, name, labels) - sample(before, name, labels);
      expect(delta('projektkontoret_outbox_sends_total', { result: 'sent' })).toBe(1);
      expect(delta('projektkontoret_outbox_sends_total', { result: 'failed' })).toBe(1);
      expect(delta('projektkontoret_throttles_total', { source: 'outbox' })).toBe(1);
      expect(delta('projektkontoret_throttles_total', { source: 'turn' })).toBe(0);
      const col = app.services.store.collection('outbox');
      expect(sample(after, 'projektkontoret_outbox_queue', { status: 'sent' })).toBe(
        await col.count({ status: 'sent' }),
      );
      expect(sample(after, 'projektkontoret_outbox_queue', { status: 'failed' })).toBe(
        await col.count({ status: 'failed' }),
      );
      expect(
        sample(after, 'projektkontoret_outbox_queue', { status: 'failed' }),
      ).toBeGreaterThanOrEqual(1);
    });
  });

  describe('with METRICS_TOKEN', () => {
    const token = 'metrics-token-0123456789abcdef';
    let app: App;
    beforeAll(async () => {
      app = await startTestApp({ env: { METRICS_TOKEN: token } });
    });
    afterAll(async () => {
      await app.close();
    });

    it('when scraped without or with a wrong token, then 401; with the token, then 200', async () => {
      const none = await scrape(app.url);
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('projektkontoret_turns_total');
      expect((await scrape(app.url, 'metrics-token-0123456789abcdeX')).status).toBe(401);
      expect((await scrape(app.url, 'short')).status).toBe(401);
      const ok = await scrape(app.url, token);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('projektkontoret_turns_total');
    });
  });

  describe('with METRICS_ENABLED=false', () => {
    let app: App;
    beforeAll(async () => {
      app = await startTestApp({ env: { METRICS_ENABLED: 'false' } });
    });
    afterAll(async () => {
      await app.close();
    });

    it('when scraped, then there is no such endpoint', async () => {
      const { status, text } = await scrape(app.url);
      expect(status).toBe(404);
      expect(text).not.toContain('projektkontoret_');
    });
  });
});
