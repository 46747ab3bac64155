import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { VALID_STEPS } from '../support/application-fixture';
import {
  appIdOf,
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { fileHandlePrototype } from '../support/file-handles';

/**
 * The embedded store acknowledges a write once it is committed, and fsyncs its log off the event
 * loop (Store.durable): nothing may tell a person that something was saved before that fsync
 * has finished — not the answer to a click, not a message the bot posts, not an outbox message.
 * Here the fsync of the log is held back, and nothing may reach the person until it is let go.
 */
describe('answers wait until what the turn wrote is on disk (embedded store)', () => {
  let connector: FakeConnector;
  let app: App;

  /** Holds every fsync of a file handle until `release` (the next ones run at once). */
  const holdFsyncs = async () => {
    const proto = await fileHandlePrototype();
    const real = proto.sync;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    const spy = jest.spyOn(proto, 'sync').mockImplementation(async function (this: unknown) {
      held++;
      await gate;
      return real.call(this);
    });
    releaseHeld = release;
    return {
      release: () => {
        release();
        spy.mockRestore();
      },
      held: () => held,
    };
  };
  let releaseHeld: (() => void) | null = null;
  const settled = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    // The embedded store whatever TEST_STORE says: its log's fsync is what is held back here.
    app = await startTestApp({ dataDir: freshDataDir(), env: { MONGODB_URI: '' } });
  });
  afterEach(async () => {
    // A failed test must not leave the store waiting for its fsync at close.
    releaseHeld?.();
    jest.restoreAllMocks();
    await app.close();
  });

  it('when the fsync of the log is held back, then a saved wizard step is answered only after it is done, and the step is saved', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    expect(await chat.say('ny ansökan')).toBe(200);
    const appId = appIdOf(
      cardOfCall(await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply')),
    );
    const hold = await holdFsyncs();
    let answered = false;
    const click = chat
      .click('application.next', { appId, step: 0, ...VALID_STEPS[0] })
      .then((r) => ((answered = true), r));
    await settled(400);
    expect(hold.held()).toBeGreaterThanOrEqual(1);
    expect(answered).toBe(false);
    hold.release();
    const { status, card } = await click;
    expect(status).toBe(200);
    expect(cardText(card)).toContain('Steg 2 av 6');
    // Committed and on disk: the draft reopens at step 2.
    const again = await chat.click('application.continue', { appId });
    expect(cardText(again.card)).toContain('Steg 2 av 6');
  });

  it('when the fsync of the log is held back, then the message the bot posts in reply to a written command reaches Teams only after it is done', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const hold = await holdFsyncs();
    // Starting an application writes the draft and posts its first step as a message.
    let answered = false;
    const said = chat.say('ny ansökan').then((status) => ((answered = true), status));
    await settled(400);
    expect(hold.held()).toBeGreaterThanOrEqual(1);
    expect(connector.calls.filter((c) => c.kind === 'send' || c.kind === 'reply')).toEqual([]);
    expect(answered).toBe(false);
    hold.release();
    expect(await said).toBe(200);
    const posted = await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(cardText(cardOfCall(posted))).toContain('Steg 1 av 6');
  });
});
