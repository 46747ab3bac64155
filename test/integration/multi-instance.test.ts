/**
 * Three real bot processes (`node dist/bot/index.js`) on one MongoDB database, traffic spread
 * over all three, one fake Bot Connector for them all (enforcing Teams' limits). Runs wherever
 * MONGODB_URI is set (CI: the FerretDB wire server); needs `npm run build`.
 * Figures are printed at the end (PK_FIGURES lines) for the closing note.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { outboxIdOf } from '../../bot/outbox-delivery';
import { ApplicationDoc } from '../../services/applications/application';
import { personalKey } from '../../services/conversations/conversation-repository';
import { GRANT_TTL_MS } from '../../services/review/eligibility';
import { completeDraft, stopAllBotProcesses } from '../support/bot-processes';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import {
  Cluster,
  countedByConversation,
  maxInWindow,
  startCluster,
} from '../support/multi-instance';
import { cardText, DEMO_USERS, PersonalChat } from '../support/test-app';
import { freshMongoDatabase } from '../support/test-store';
import {
  cardAfter,
  dataOf,
  FREDRIK,
  lastSeq,
  MAJA,
  ownerAnswers,
  reviewedApplication,
} from './allocation-support';
import { Channel, GENERAL, openReviewItem, REVIEW_CHANNEL, scores } from './review-support';

jest.setTimeout(600_000);

const uri = process.env.MONGODB_URI;
const describeOnMongo = uri ? describe : describe.skip;
const figures: Record<string, unknown> = {};
const YEAR = DateTime.now().setZone('Europe/Stockholm').year;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`not in time: ${what}`);
}

const person = (prefix: string, i: number) => ({
  id: `29:${prefix}${i}`,
  aadObjectId: `00000000-0000-4000-8${prefix.charCodeAt(0).toString(16).padStart(3, '0')}-${String(i).padStart(12, '0')}`,
  name: `${prefix.toUpperCase()} Person ${i}`,
});

describeOnMongo('three instances on one database', () => {
  let connector: FakeConnector;
  let cluster: Cluster;

  beforeAll(async () => {
    // Teams' front ends keep idle connections open for minutes (Node's default is 5 s): see the report.
    connector = await startFakeConnector({ enforceTeamsLimits: true, keepAliveTimeoutMs: 240_000 });
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva, MAJA, FREDRIK]);
    cluster = await startCluster(uri!, freshMongoDatabase('pk_multi_'), 3, {
      OUTBOX_POLL_MS: '100',
      SCHEDULER_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    console.log(`PK_FIGURES ${JSON.stringify(figures)}`);
    // PK_MULTI_LOGS=<dir> keeps each instance's log (for looking into a failure).
    if (process.env.PK_MULTI_LOGS && cluster) {
      cluster.bots.forEach((b, i) =>
        writeFileSync(path.join(process.env.PK_MULTI_LOGS!, `instance-${i + 1}.log`), b.output()),
      );
    }
    await cluster?.close();
    await stopAllBotProcesses();
    await connector?.stop();
  });

  it('when two decision makers confirm the same round on different instances, then one set of decisions is recorded, the frame holds and the loser is told who decided', async () => {
    const app = cluster.roundRobin;
    const s = cluster.services;
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.david, DEMO_USERS.bjorn])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
    const general = new Channel(app, connector, GENERAL);
    const from = lastSeq(connector);
    await general.say(DEMO_USERS.bjorn, 'roller bjorn.berg@stad.example +beslutsfattare');
    await cardAfter(connector, GENERAL, from, /[Bb]eslutsfattare/);
    await s.allocation.ledgers.create(
      'p1',
      2027,
      { amount: 2_000_000, shares: { innovation: 0, improvement: 100, maintenance: 0 } },
      new Date(),
      'test',
    );
    const apps = [];
    for (const [title, score] of [
      ['Ett', 4],
      ['Två', 3],
      ['Tre', 5],
    ] as const) {
      apps.push(await reviewedApplication(app, connector, { title, devCost: '1 500 000', score }));
    }
    const david = new PersonalChat(cluster.bots[0].url, connector.url, DEMO_USERS.david);
    const asked = lastSeq(connector);
    await david.say('fördela 1 2027');
    await cardAfter(connector, david.conversationId, asked, 'Fördelning: 1.');
    for (const x of apps) await ownerAnswers(app, connector, DEMO_USERS.eva, x.regNo, true);
    const opened = lastSeq(connector);
    await david.say('fördela 1 2027');
    const { card } = await cardAfter(connector, david.conversationId, opened, 'Fördelning: 1.');
    const roundId = dataOf(card, 'roundId');
    const digest = dataOf(card, 'digest');
    // David confirms on instance 1, Björn on instance 2, at the same moment.
    const bjorn = new PersonalChat(cluster.bots[1].url, connector.url, DEMO_USERS.bjorn);
    const [r1, r2] = await Promise.all([
      david.click('allocation.confirm', {
        roundId,
        digest,
        delegation: 'KS delegationsordning 2026 p. 4.2',
      }),
      bjorn.click('allocation.confirm', {
        roundId,
        digest,
        delegation: 'KS delegationsordning 2026 p. 4.3',
      }),
    ]);
    const texts = [cardText(r1.card), cardText(r2.card)];
    expect(texts.filter((t) => t.includes('Beslutet är registrerat: 3 beslut'))).toHaveLength(1);
    expect(
      texts.filter((t) =>
        /Omgången är redan beslutad av (David Dahl|Björn Berg)|håller på att bekräftas av/.test(t),
      ),
    ).toHaveLength(1);
    const ledger = (await s.allocation.ledgers.get('p1', 2027))!;
    const decisions = await s.allocation.decisions.all();
    const granted = decisions
      .filter((d) => d.outcome === 'approved')
      .reduce((a, d) => a + d.amount, 0);
    expect(granted).toBeLessThanOrEqual(ledger.budgets.improvement);
    expect(ledger.used.improvement).toBe(granted);
    expect(decisions.map((d) => d.applicationId).sort()).toEqual(apps.map((x) => x.appId).sort());
    expect(new Set(decisions.map((d) => d.roundId)).size).toBe(1);
    expect(
      (await s.audit.forEntity(roundId)).filter((e) => e.action === 'allocation.confirmed'),
    ).toHaveLength(1);
    figures.decision = {
      confirmed: 1,
      granted,
      frame: ledger.budgets.improvement,
      loser: texts.find((t) => !t.includes('registrerat'))?.split('\n')[0],
    };
  });

  it('when a reviewer grant is revoked on one instance, then the other instances refuse the person within the documented bound', async () => {
    const app = cluster.roundRobin;
    const item = await openReviewItem(app, connector, DEMO_USERS.anna);
    const general = new Channel(cluster.on(0), connector, GENERAL);
    const cecilia = DEMO_USERS.cecilia; // not in the review channel: a member only by the grant
    await general.say(DEMO_USERS.bjorn, 'roller cecilia.carlsson@stad.example +ledamot');
    await until(
      () => cluster.services.users.hasRole(cecilia.aadObjectId, 'reviewer'),
      10_000,
      'grant',
    );
    const on = (i: number) => new Channel(cluster.on(i), connector, REVIEW_CHANNEL);
    const vote = (i: number, score: number) =>
      on(i).click(
        cecilia,
        'review.vote',
        { itemId: item.itemId, vote: 'approve', ...scores(score) },
        item.rootId,
      );
    // A grant reaches the other instances within the same bound as a revocation: an instance
    // that read the grant list just before it keeps that copy for up to GRANT_TTL_MS.
    await sleep(GRANT_TTL_MS);
    await on(1).click(cecilia, 'review.noConflict', { itemId: item.itemId }, item.rootId);
    // Both other instances have read the grant (and hold it in their cache).
    expect((await vote(1, 4)).text).toContain('Din röst är sparad');
    expect((await vote(2, 5)).text).toContain('Din röst är sparad');

    await general.say(DEMO_USERS.bjorn, 'roller cecilia.carlsson@stad.example -ledamot');
    const revokedAt = Date.now();
    expect(await cluster.services.users.hasRole(cecilia.aadObjectId, 'reviewer')).toBe(false);
    const refusedAfter: Record<number, number> = {};
    const acceptedAfterRefusal: number[] = [];
    let attempt = 0;
    while (Object.keys(refusedAfter).length < 2 && Date.now() - revokedAt < GRANT_TTL_MS + 5_000) {
      for (const i of [1, 2]) {
        const r = await vote(i, 1 + (attempt++ % 5));
        const refused = r.text.includes('Du är inte ledamot');
        if (refused && refusedAfter[i] === undefined) refusedAfter[i] = Date.now() - revokedAt;
        if (!refused && refusedAfter[i] !== undefined) acceptedAfterRefusal.push(i);
        if (!refused) expect(r.text).toContain('Din röst är sparad');
      }
      await sleep(100);
    }
    figures.roleRevocation = { boundMs: GRANT_TTL_MS, refusedAfterMs: refusedAfter };
    expect(acceptedAfterRefusal).toEqual([]);
    // The bound, plus the time one request takes on a shared two-core machine.
    expect(refusedAfter[1]).toBeLessThanOrEqual(GRANT_TTL_MS + 1_000);
    expect(refusedAfter[2]).toBeLessThanOrEqual(GRANT_TTL_MS + 1_000);
  });

  it('when a user was marked unreachable and then writes to any instance, then messages reach them again', async () => {
    const s = cluster.services;
    const ulla = person('r', 1);
    const conv = `a:personal-${ulla.aadObjectId}`;
    const chats = cluster.bots.map((b) => new PersonalChat(b.url, connector.url, ulla));
    const toUlla = (c: RecordedCall) =>
      c.conversationId === conv && outboxIdOf(c.activity) !== undefined;
    const statusOf = async (id: string) => (await s.outbox.get(id))?.status;
    const rounds: string[] = [];
    for (let k = 0; k < 3; k++) {
      // Ulla writes to every instance (each has her reference), then Teams answers 403 once.
      for (const chat of chats) expect(await chat.say('hej')).toBe(200);
      connector.failNext(toUlla, { status: 403 });
      const lost = `unreachable-${k}-a`;
      await s.outbox.enqueue(
        lost,
        { kind: 'user', aadObjectId: ulla.aadObjectId },
        { text: `Påminnelse ${k}a` },
        new Date(),
      );
      await until(async () => (await statusOf(lost)) === 'failed', 20_000, `${lost} failed`);
      expect(
        (await s.conversations.get(personalKey(ulla.aadObjectId)))?.unreachableSince,
      ).toBeDefined();
      // She writes again, to instance k only: every instance may reach her again.
      expect(await chats[k].say('hej igen')).toBe(200);
      expect(
        (await s.conversations.get(personalKey(ulla.aadObjectId)))?.unreachableSince,
      ).toBeUndefined();
      const ids = [0, 1, 2].map((j) => `unreachable-${k}-b${j}`);
      for (const id of ids)
        await s.outbox.enqueue(
          id,
          { kind: 'user', aadObjectId: ulla.aadObjectId },
          { text: id },
          new Date(),
        );
      await until(
        async () => (await Promise.all(ids.map(statusOf))).every((x) => x === 'sent'),
        20_000,
        `round ${k} sent`,
      );
      const owners = await Promise.all(ids.map(async (id) => (await s.outbox.get(id))?.leaseOwner));
      rounds.push(
        `after writing to instance ${k + 1}: ${ids.length} delivered by ${new Set(owners).size} instance(s)`,
      );
    }
    const delivered = connector.calls.filter((c) => toUlla(c) && c.status >= 200 && c.status < 300);
    expect(delivered.map((c) => outboxIdOf(c.activity)).sort()).toEqual(
      [0, 1, 2].flatMap((k) => [0, 1, 2].map((j) => `unreachable-${k}-b${j}`)).sort(),
    );
    figures.unreachable = rounds;
  });

  it('when 100 people submit at once and 50 of them double-click on another instance, then the numbers run on with no gap and no duplicate', async () => {
    const s = cluster.services;
    const before = (await s.applications.find({ regYear: YEAR })).length;
    const now = new Date();
    const users = Array.from({ length: 100 }, (_, i) => person('u', i));
    const ids = users.map(() => randomUUID());
    for (const [i, u] of users.entries())
      await s.applications.insert(completeDraft(ids[i], u, now));
    const click = (i: number, bot: number) =>
      new PersonalChat(cluster.bots[bot].url, connector.url, users[i]).click('application.submit', {
        appId: ids[i],
      });
    const started = Date.now();
    const results = await Promise.all(
      users.flatMap((_, i) =>
        i < 50 ? [click(i, i % 3), click(i, (i + 1) % 3)] : [click(i, i % 3)],
      ),
    );
    const tookMs = Date.now() - started;
    expect(results.every((r) => r.status === 200)).toBe(true);
    const shown = results.map((r) => /PK \d{4}\/\d{4}/.exec(cardText(r.card))?.[0]);
    expect(shown.every((n) => n !== undefined)).toBe(true);
    for (let i = 0; i < 50; i++) expect(shown[2 * i]).toBe(shown[2 * i + 1]);
    const mine = (await s.applications.find({ _id: { $in: ids } })) as ApplicationDoc[];
    expect(mine.every((a) => a.status === 'submitted')).toBe(true);
    expect(mine.map((a) => a.regSeq).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 100 }, (_, i) => before + i + 1),
    );
    // Every number of the year, from 1, is held by exactly one application.
    const all = await s.applications.find({ regYear: YEAR });
    expect(all.map((a) => a.regSeq).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: before + 100 }, (_, i) => i + 1),
    );
    const audited = await cluster.store
      .collection('audit')
      .find({ action: 'application.submitted', entityId: { $in: ids } });
    expect(audited).toHaveLength(100);
    figures.submits = {
      submits: 100,
      doubleClicks: 50,
      requests: 150,
      tookMs,
      numbers: `${before + 1}..${before + 100}`,
      earlier: before,
    };
  });

  it('when a reminder burst is sent by three instances, then each message arrives once and Teams limits hold for every request, 429s included', async () => {
    const s = cluster.services;
    const now = new Date();
    const from = lastSeq(connector);
    const heavy = [0, 1].map((i) => person('h', i));
    const light = Array.from({ length: 40 }, (_, i) => person('l', i));
    const reference = (u: { id: string; aadObjectId: string; name: string }) => ({
      _id: personalKey(u.aadObjectId),
      kind: 'personal' as const,
      aadObjectId: u.aadObjectId.toLowerCase(),
      reference: {
        serviceUrl: connector.url,
        channelId: 'msteams',
        conversation: { id: `a:burst-${u.aadObjectId}`, conversationType: 'personal' },
        bot: { id: '28:projektkontoret', name: 'Projektkontoret' },
        user: { id: u.id, aadObjectId: u.aadObjectId, name: u.name },
      },
    });
    for (const u of [...heavy, ...light]) await s.conversations.save(reference(u), now);
    // Teams also answers some requests 429 with Retry-After on its own account.
    connector.failNext(
      (c) => c.conversationId === `a:burst-${heavy[0].aadObjectId}` && c.kind === 'send',
      {
        status: 429,
        retryAfterSeconds: 2,
        times: 2,
      },
    );
    connector.failNext(
      (c) => c.conversationId === `a:burst-${light[7].aadObjectId}` && c.kind === 'send',
      {
        status: 429,
        retryAfterSeconds: 1,
        times: 1,
      },
    );
    const ids: string[] = [];
    for (const u of heavy) for (let n = 0; n < 40; n++) ids.push(`burst-${u.aadObjectId}-${n}`);
    for (const u of light) ids.push(`burst-${u.aadObjectId}-0`);
    const started = Date.now();
    await Promise.all(
      ids.map((id) => {
        const aad = id.slice('burst-'.length, 'burst-'.length + 36);
        return s.outbox.enqueue(
          id,
          { kind: 'user', aadObjectId: aad },
          { text: `Påminnelse ${id}` },
          now,
          now,
          { bulk: true },
        );
      }),
    );
    const done = await until(
      async () => (await s.outbox.col.count({ _id: { $in: ids }, status: 'sent' })) === ids.length,
      240_000,
      'the burst delivered',
    ).then(
      () => true,
      () => false,
    );
    const tookMs = Date.now() - started;
    const calls = connector.calls.filter((c) => c.seq > from);
    // Exactly once: one accepted request per message, none left over.
    const accepted = calls.filter(
      (c) => c.status >= 200 && c.status < 300 && outboxIdOf(c.activity) !== undefined,
    );
    const perId = new Map<string, number>();
    for (const c of accepted)
      perId.set(outboxIdOf(c.activity)!, (perId.get(outboxIdOf(c.activity)!) ?? 0) + 1);
    // Teams' limits over every request received (answered 429 or not), per conversation and app-wide.
    const byConversation = countedByConversation(calls);
    let max1s = 0;
    let max2s = 0;
    let max30s = 0;
    for (const times of byConversation.values()) {
      max1s = Math.max(max1s, maxInWindow(times, 1_000));
      max2s = Math.max(max2s, maxInWindow(times, 2_000));
      max30s = Math.max(max30s, maxInWindow(times, 30_000));
    }
    const appWide = maxInWindow(
      calls
        .filter((c) => ['send', 'reply', 'update', 'delete', 'createConversation'].includes(c.kind))
        .map((c) => c.at),
      1_000,
    );
    const owners = await s.outbox.col.find({ _id: { $in: ids } });
    figures.burst = {
      messages: ids.length,
      requests: calls.length,
      answered429: calls.filter((c) => c.status === 429).length,
      violations: connector.violations,
      perConversationMax: { '1s': max1s, '2s': max2s, '30s': max30s },
      appWideMaxPerSecond: appWide,
      instancesSending: new Set(owners.map((m) => m.leaseOwner)).size,
      tookMs,
      leftPending: await s.outbox.col.count({ status: 'pending' }),
      heavyConversations: heavy.map((u) => {
        const mine = calls.filter((c) => c.conversationId === `a:burst-${u.aadObjectId}`);
        return {
          requests: mine.length,
          seconds: mine.length ? Math.round((mine[mine.length - 1].at - mine[0].at) / 1000) : 0,
        };
      }),
    };
    if (!done) {
      const stuck = await s.outbox.col.find({ _id: { $in: ids }, status: { $ne: 'sent' } });
      const windows = await cluster.store
        .collection('outbox_windows')
        .find({ _id: { $in: heavy.map((u) => `c:user:${u.aadObjectId}`) } });
      figures.burstStuck = { stuck: stuck.slice(0, 5), windows };
    }
    expect(done).toBe(true);
    for (const id of ids) expect([id, perId.get(id)]).toEqual([id, 1]);
    expect(max1s).toBeLessThanOrEqual(7);
    expect(max2s).toBeLessThanOrEqual(8);
    expect(max30s).toBeLessThanOrEqual(60);
    expect(appWide).toBeLessThanOrEqual(50);
    expect(connector.violations).toBe(0);
  });
});
