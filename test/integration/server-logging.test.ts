/**
 * Operability of the logs: one correlation id per turn, ids hashed, no personal data, no secrets.
 */
import { App, createApp } from '../../bot/app';
import { loadConfig } from '../../services/config/config';
import { createLogger } from '../../services/logging/logger';
import { hashId } from '../../services/logging/turn-logger';
import { actionExecute, personalMessage, postActivity } from '../support/activities';
import { FakeAuth, startFakeAuth } from '../support/fake-auth';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { DEMO_SEED, DEMO_TENANT, DEMO_USERS, freshDataDir } from '../support/test-app';
import { testStoreEnv } from '../support/test-store';

type Line = Record<string, unknown>;

/** Starts the app with a logger that keeps every JSON line it writes. */
async function startLoggedApp(
  extraEnv: Record<string, string> = {},
): Promise<{ app: App; lines: Line[]; raw: () => string }> {
  const chunks: string[] = [];
  const dataDir = freshDataDir();
  const env = {
    LOCAL_MODE: 'true',
    DATA_DIR: dataDir,
    SEED_FILE: DEMO_SEED,
    OUTBOX_POLL_MS: '50',
    ...testStoreEnv(dataDir),
    ...extraEnv,
  };
  const log = createLogger('debug', { write: (s: string) => void chunks.push(s) });
  const app = await createApp({ config: loadConfig(env), env, port: 0, host: '127.0.0.1', log });
  const lines: Line[] = [];
  return {
    app,
    get lines() {
      lines.length = 0;
      for (const c of chunks)
        for (const l of c.split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
      return lines;
    },
    raw: () => chunks.join(''),
  };
}

describe('structured logs', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(() => connector.reset());

  it('when a turn runs, then its lines share one turnId and carry hashed ids, never the ids, text or names', async () => {
    const logged = await startLoggedApp();
    try {
      const secretText = 'hjälp mitt personnummer är 19121212-1212';
      const activity = personalMessage({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.anna,
        text: secretText,
        conversationId: 'a:conversation-of-anna-0001',
      });
      expect((await postActivity(`${logged.app.url}/api/messages`, activity)).status).toBe(200);
      const finished = logged.lines.filter((l) => l.msg === 'turn finished');
      expect(finished).toHaveLength(1);
      const turn = finished[0];
      expect(turn.turnId).toMatch(/^[0-9a-f-]{36}$/);
      expect(turn.activityId).toBe(hashId(activity.id));
      expect(turn.conversationId).toBe(hashId('a:conversation-of-anna-0001'));
      expect(turn.activityType).toBe('message');
      expect(turn.outcome).toBe('ok');
      const raw = logged.raw();
      for (const forbidden of [
        secretText,
        '19121212-1212',
        activity.id,
        'a:conversation-of-anna-0001',
        DEMO_USERS.anna.aadObjectId,
        DEMO_USERS.anna.name,
      ]) {
        expect(raw).not.toContain(forbidden);
      }
    } finally {
      await logged.app.close();
    }
  });

  it('when a turn fails, then the error line carries the same turnId as the rest of the turn', async () => {
    const logged = await startLoggedApp();
    try {
      connector.failNext('reply', { status: 403, times: 3 });
      const activity = personalMessage({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.anna,
        text: 'hjälp',
      });
      expect((await postActivity(`${logged.app.url}/api/messages`, activity)).status).toBe(200);
      const lines = logged.lines.filter((l) => l.activityId === hashId(activity.id));
      const errors = lines.filter((l) => (l.level as number) >= 50);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(new Set(lines.map((l) => l.turnId)).size).toBe(1);
      expect(lines.find((l) => l.msg === 'turn finished')?.outcome).toBe('error');
      expect((errors[0].err as { statusCode?: number }).statusCode).toBe(403);
    } finally {
      await logged.app.close();
    }
  });

  describe('with authentication on', () => {
    const APP_ID = '00000000-0000-4000-8000-00000000a1a1';
    let auth: FakeAuth;
    beforeAll(async () => {
      auth = await startFakeAuth();
    });
    afterAll(async () => {
      auth.clearOutboundToken(APP_ID);
      await auth.stop();
    });

    it('when tokens are refused or a send fails, then no token appears in the logs', async () => {
      const logged = await startLoggedApp({
        ...auth.envFor(APP_ID),
        LOCAL_MODE: '',
        SERVICE_URL_ALLOW_LIST: connector.url,
      });
      try {
        const outbound = auth.primeOutboundToken(APP_ID);
        const click = actionExecute({
          serviceUrl: connector.url,
          tenantId: DEMO_TENANT,
          from: DEMO_USERS.anna,
          verb: 'applications.list',
          botAppId: APP_ID,
        });
        const forged = auth.forgedToken({ appId: APP_ID, serviceUrl: connector.url });
        expect((await postActivity(`${logged.app.url}/api/messages`, click, forged)).status).toBe(
          401,
        );

        // A reply Teams refuses: the SDK's error carries the request with our bearer token.
        connector.failNext('reply', { status: 403, times: 3 });
        const message = personalMessage({
          serviceUrl: connector.url,
          tenantId: DEMO_TENANT,
          from: DEMO_USERS.anna,
          text: 'hjälp',
          botAppId: APP_ID,
        });
        const valid = auth.signToken({ appId: APP_ID, serviceUrl: connector.url });
        expect((await postActivity(`${logged.app.url}/api/messages`, message, valid)).status).toBe(
          200,
        );
        expect(
          connector.calls.some((c) => c.status === 403 && c.authorization === `Bearer ${outbound}`),
        ).toBe(true);

        const raw = logged.raw();
        expect(raw).toContain('rejected unauthenticated request');
        expect(raw).toContain('"statusCode":403');
        for (const secret of [
          forged,
          valid,
          outbound,
          forged.split('.')[2],
          outbound.split('.')[2],
          'fake-secret-not-used',
        ]) {
          expect(raw).not.toContain(secret);
        }
      } finally {
        await logged.app.close();
      }
    });
  });
});
