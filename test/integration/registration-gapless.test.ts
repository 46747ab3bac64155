import { DateTime } from 'luxon';
import { App } from '../../bot/app';
import { ApplicationDoc } from '../../services/applications/application';
import {
  formatRegistrationNumber,
  parseRegistrationNumber,
} from '../../services/applications/registration-number';
import { submitApplication } from '../../services/applications/submit-application';
import { AuditEntry } from '../../services/audit/audit-log';
import { VALID_STEPS } from '../support/application-fixture';
import {
  BotProcess,
  completeDraft,
  startBotProcess,
  stopAllBotProcesses,
} from '../support/bot-processes';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { appIdOf, cardText, freshDataDir, PersonalChat, startTestApp } from '../support/test-app';
import { openTestStore, testStoreEnv } from '../support/test-store';

const person = (i: number) => ({
  id: `29:g${i}`,
  aadObjectId: `00000000-0000-4000-8000-${String(900 + i).padStart(12, '0')}`,
  name: `Person ${i}`,
});
const regNoIn = (card: unknown): string | undefined => /PK \d{4}\/\d{4}/.exec(cardText(card))?.[0];
const YEAR = DateTime.now().setZone('Europe/Stockholm').year;

describe('registration numbers are taken only by the write that submits', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await stopAllBotProcesses();
    await connector.stop();
  });

  it('when people double-click submit, then every click gets the same number and no number is burned', async () => {
    const app: App = await startTestApp();
    try {
      const now = new Date();
      const chats = Array.from(
        { length: 12 },
        (_, i) => new PersonalChat(app.url, connector.url, person(i)),
      );
      for (const [i, chat] of chats.entries()) {
        await app.services.applications.insert(
          completeDraft(`gapless-${i}`, chat.user as { aadObjectId: string; name: string }, now),
        );
      }
      // Eight double-clicks and four single clicks, all at once.
      const clicks = chats.flatMap((chat, i) => {
        const one = () => chat.click('application.submit', { appId: `gapless-${i}` });
        return i < 8 ? [one(), one()] : [one()];
      });
      const results = await Promise.all(clicks);
      expect(results.every((r) => r.status === 200)).toBe(true);
      const numbers = results.map((r) => regNoIn(r.card));
      expect(numbers.every((n) => n !== undefined)).toBe(true);
      // Both clicks of a double-click show the same number.
      for (let i = 0; i < 8; i++) expect(numbers[2 * i]).toBe(numbers[2 * i + 1]);
      const stored = await app.services.applications.find({ status: 'submitted' });
      const seqs = stored.map((a) => a.regSeq!).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      // One audit entry per submission, whoever clicked first.
      for (const a of stored) {
        const entries = (await app.services.audit.forEntity(a._id)).filter(
          (e) => e.action === 'application.submitted',
        );
        expect(entries.map((e) => (e.after as { regNo: string }).regNo)).toEqual([a.regNo]);
      }
      // The next submit takes 13: nothing was burned by the losing clicks.
      await app.services.applications.insert(completeDraft('gapless-next', person(20), now));
      const next = await new PersonalChat(app.url, connector.url, person(20)).click(
        'application.submit',
        { appId: 'gapless-next' },
      );
      expect(regNoIn(next.card)).toBe(formatRegistrationNumber(YEAR, 13));
    } finally {
      await app.close();
    }
  });

  it('when two instances handle the two clicks of a double-click at the same moment, then the loser takes no number', async () => {
    const app: App = await startTestApp();
    try {
      const s = app.services;
      const now = new Date();
      const actors = Array.from({ length: 10 }, (_, i) => ({
        ...person(40 + i),
        locale: 'sv' as const,
      }));
      for (const [i, actor] of actors.entries())
        await s.applications.insert(completeDraft(`race-${i}`, actor, now));
      // No per-conversation turn order here: each pair races as it would on two instances.
      const results = await Promise.all(
        actors.flatMap((actor, i) => [
          submitApplication(s, actor, `race-${i}`),
          submitApplication(s, actor, `race-${i}`),
        ]),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.filter((r) => r.ok && !r.alreadySubmitted)).toHaveLength(10);
      const stored = await s.applications.find({ status: 'submitted' });
      expect(stored.map((a) => a.regSeq).sort((x, y) => x! - y!)).toEqual(
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      const late = { ...person(60), locale: 'sv' as const };
      await s.applications.insert(completeDraft('race-next', late, now));
      const next = await submitApplication(s, late, 'race-next');
      expect(next.ok && next.app.regNo).toBe(formatRegistrationNumber(YEAR, 11));
    } finally {
      await app.close();
    }
  });

  it('when the process is killed with SIGKILL right before or right after the number is written, then no number is lost and a retry gets its own', async () => {
    const dataDir = freshDataDir('pk-regno-crash-');
    const env = { DATA_DIR: dataDir, OUTBOX_POLL_MS: '100', ...testStoreEnv(dataDir) };
    let bot: BotProcess = await startBotProcess(env);
    const port = bot.port;
    const [a, b, c] = [0, 1, 2].map((i) => new PersonalChat(bot.url, connector.url, person(i)));
    const ids: string[] = [];
    for (const chat of [a, b, c]) {
      const { card } = await chat.click('application.new');
      const appId = appIdOf(card);
      for (let step = 0; step < VALID_STEPS.length; step++) {
        await chat.click('application.next', { appId, step, ...VALID_STEPS[step] });
      }
      ids.push(appId);
    }
    await bot.stop();

    const killedAt = async (point: string, chat: PersonalChat, appId: string) => {
      bot = await startBotProcess({ ...env, PK_CRASH_AT: point }, port);
      await expect(chat.click('application.submit', { appId })).rejects.toThrow();
      expect((await bot.exited).signal).toBe('SIGKILL');
    };
    // A: killed after its number was written, before anything else (counter, audit, notices).
    await killedAt('submit.after-number', a, ids[0]);
    // B: killed after validation, right before the write that would take a number.
    await killedAt('submit.before-number', b, ids[1]);

    bot = await startBotProcess(env, port);
    const cSubmit = await c.click('application.submit', { appId: ids[2] });
    expect(regNoIn(cSubmit.card)).toBe(formatRegistrationNumber(YEAR, 2));
    const bSubmit = await b.click('application.submit', { appId: ids[1] });
    expect(regNoIn(bSubmit.card)).toBe(formatRegistrationNumber(YEAR, 3));
    const aRetry = await a.click('application.submit', { appId: ids[0] });
    expect(regNoIn(aRetry.card)).toBe(formatRegistrationNumber(YEAR, 1));
    await bot.stop();

    const store = await openTestStore(dataDir);
    const apps = await store.collection<ApplicationDoc>('applications').find({ _id: { $in: ids } });
    expect(apps.map((x) => [x._id, x.status, x.regSeq]).sort()).toEqual(
      [
        [ids[0], 'submitted', 1],
        [ids[1], 'submitted', 2 + 1],
        [ids[2], 'submitted', 2],
      ].sort(),
    );
    expect(apps.map((x) => parseRegistrationNumber(x.regNo!)!.seq).sort()).toEqual([1, 2, 3]);
    const audit = await store
      .collection<AuditEntry>('audit')
      .find({ action: 'application.submitted' });
    // A's audit entry, lost with the process, was written by its retry: one per application.
    expect(audit.map((e) => e.entityId).sort()).toEqual([...ids].sort());
    await store.close();
  });
});
