import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../services/logging/logger';
import { createServices } from '../../services/services';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { actionExecute, TeamsUser } from '../support/activities';
import { VALID_STEPS } from '../support/application-fixture';
import { FakeConnector, RosterMember, startFakeConnector } from '../support/fake-connector';
import { startChildServer } from './support/child-server';
import { formatResult, LoadRequest, LoadResult, postJson, runLoad } from './support/load';

/**
 * Review benchmark: 1,000 votes from 200 members over 20 items at 50 concurrent (the 50 votes of
 * one item arrive together), against the real app in a child process with the embedded store,
 * the Bot Connector faked in this process (roster, card posts, in-place tally updates). Compared
 * with a bare botbuilder echo bot answering the same invokes with a small card, in the same run.
 * Afterwards every vote is checked in the store: none lost, none duplicated.
 */

const TENANT = '00000000-0000-0000-0000-0000000000aa';
const TEAM = '19:demo-team-general@thread.tacv2';
const GENERAL = TEAM;
const REVIEW = '19:demo-beredning@thread.tacv2';
const BJORN: TeamsUser = { id: '29:bjorn', aadObjectId: '00000000-0000-0000-0000-000000000002', name: 'Björn Berg' };
const DAVID: TeamsUser = { id: '29:david', aadObjectId: '00000000-0000-0000-0000-000000000004', name: 'David Dahl' };

const ITEMS = 20;
const MEMBERS = 200;
const VOTES_PER_MEMBER = 5;
const CONCURRENCY = 50;
const CRITERIA = ['citizenBenefit', 'organisationBenefit', 'goalFit', 'costEffectiveness', 'feasibility', 'reuse'];

interface Item {
  appId: string;
  rootId: string;
}

function channelInvoke(url: string, from: TeamsUser, verb: string, data: Record<string, unknown>, channelId: string, rootId: string, id?: string) {
  return actionExecute({
    serviceUrl: url,
    tenantId: TENANT,
    from,
    verb,
    data,
    cardActivityId: rootId,
    channel: { teamId: TEAM, channelId, threadRootId: rootId },
    id,
  });
}

function personalInvoke(url: string, from: TeamsUser, verb: string, data: Record<string, unknown>) {
  return actionExecute({ serviceUrl: url, tenantId: TENANT, from, verb, data, conversationId: `a:${from.aadObjectId}` });
}

const cardJson = (call: { activity?: { attachments?: { content?: unknown }[] } }): string => JSON.stringify(call.activity?.attachments?.[0]?.content ?? {});

/** 20 applications written, submitted and marked complete through the bot itself. */
async function openItems(botUrl: string, connector: FakeConnector): Promise<Item[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const target = new URL(botUrl);
  const post = async (body: unknown): Promise<string> => {
    const res = await postJson(agent, target, body);
    if (res.status !== 200) throw new Error(`setup request failed: ${res.status} ${res.body.slice(0, 300)}`);
    return res.body;
  };
  const items: Item[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const applicant: TeamsUser = { id: `29:applicant-${i}`, aadObjectId: randomUUID(), name: `Sökande ${i}` };
    const started = await post(personalInvoke(connector.url, applicant, 'application.new', {}));
    const appId = /"appId":"([0-9a-f-]{36})"/.exec(started)![1];
    for (let step = 0; step < VALID_STEPS.length; step++) {
      const verb = step === VALID_STEPS.length - 1 ? 'application.review' : 'application.next';
      const values = step === 0 ? { ...VALID_STEPS[0], title: `Benchprojekt ${i}: ${['e-tjänst', 'analys', 'utbildning', 'samverkan'][i % 4]}` } : VALID_STEPS[step];
      await post(personalInvoke(connector.url, applicant, verb, { appId, step, ...values }));
    }
    await post(personalInvoke(connector.url, applicant, 'application.submit', { appId }));
    const check = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === GENERAL && cardJson(c).includes(appId), 20_000);
    const submittedAt = /"submittedAt":"([^"]+)"/.exec(cardJson(check))![1];
    const done = await post(channelInvoke(connector.url, BJORN, 'completeness.complete', { appId, submittedAt }, GENERAL, check.assignedId!));
    if (!done.includes('Markerad som komplett')) throw new Error(`not marked complete: ${done.slice(0, 300)}`);
    const card = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === REVIEW && cardJson(c).includes(appId), 20_000);
    items.push({ appId, rootId: card.assignedId! });
  }
  agent.destroy();
  return items;
}

/** Vote i: the items in turn, each item's 50 votes together (so 50 members vote on one item at once). */
function votePlan(members: TeamsUser[], items: Item[]): { member: TeamsUser; item: Item; index: number }[] {
  const byItem: { member: TeamsUser; item: Item; index: number }[][] = items.map(() => []);
  let index = 0;
  for (let m = 0; m < members.length; m++) {
    for (let r = 0; r < VOTES_PER_MEMBER; r++) {
      const k = (m * VOTES_PER_MEMBER + r) % items.length;
      byItem[k].push({ member: members[m], item: items[k], index: index++ });
    }
  }
  return byItem.flat();
}

function scoresFor(index: number): Record<string, string> {
  return Object.fromEntries(CRITERIA.map((c, j) => [`s_${c}`, String(((index + j) % 5) + 1)]));
}

export interface ReviewBenchResult {
  echo: LoadResult;
  declarations: LoadResult;
  votes: LoadResult;
  redelivered: LoadResult;
  throughputRatio: number;
  storedVotes: number;
  lost: number;
  duplicated: number;
  itemsWithExactTally: number;
  itemsClosedWithAllVotes: number;
}

/** Runs the review benchmark and checks the store afterwards. */
export async function runReviewBench(): Promise<ReviewBenchResult> {
  const members: TeamsUser[] = Array.from({ length: MEMBERS }, (_, i) => ({ id: `29:member-${i}`, aadObjectId: randomUUID(), name: `Ledamot ${i}` }));

  // Baseline: the same invokes to a bare echo bot.
  const echoServer = await startChildServer('echo');
  let echo: LoadResult;
  try {
    const echoBody = (i: number): LoadRequest => ({
      body: channelInvoke('http://127.0.0.1:9/', members[i % MEMBERS], 'review.vote', { itemId: randomUUID(), vote: 'approve', ...scoresFor(i) }, REVIEW, '1'),
    });
    await runLoad(echoServer.url, 500, CONCURRENCY, echoBody);
    echo = await runLoad(echoServer.url, MEMBERS * VOTES_PER_MEMBER, CONCURRENCY, echoBody);
  } finally {
    await echoServer.stop();
  }

  const connector = await startFakeConnector();
  const roster: RosterMember[] = [...members, DAVID].map((m) => ({ id: m.id, aadObjectId: m.aadObjectId, name: m.name }));
  connector.setRoster(REVIEW, roster);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pk-review-bench-'));
  const app = await startChildServer('app', { BENCH_DATA_DIR: dataDir });
  let declarations: LoadResult;
  let votes: LoadResult;
  let redelivered: LoadResult;
  let itemsWithExactTally = 0;
  let itemsClosedWithAllVotes = 0;
  const plan: { member: TeamsUser; item: Item; index: number }[] = [];
  try {
    const items = await openItems(app.url, connector);
    const fullPlan = votePlan(members, items);
    plan.push(...fullPlan);
    const ok = (text: string) => (_s: number, body: string) => body.includes(text);

    // Every member first declares "inget jäv" on their items (also the warm-up).
    declarations = await runLoad(app.url, fullPlan.length, CONCURRENCY, (i) => ({
      body: channelInvoke(connector.url, fullPlan[i].member, 'review.noConflict', { itemId: fullPlan[i].item.appId }, REVIEW, fullPlan[i].item.rootId),
      check: ok('Nu kan du rösta'),
    }));
    const voteBody = (i: number) =>
      channelInvoke(
        connector.url,
        fullPlan[i].member,
        'review.vote',
        { itemId: fullPlan[i].item.appId, vote: i % 4 === 0 ? 'reject' : 'approve', ...scoresFor(i), comment: `Röst ${i}` },
        REVIEW,
        fullPlan[i].item.rootId,
        `bench-vote-${i}`,
      );
    votes = await runLoad(app.url, fullPlan.length, CONCURRENCY, (i) => ({ body: voteBody(i), check: ok('Din röst är sparad') }));
    // Teams redelivers 100 of the votes (same activity ids): the stored answers, no second effect.
    redelivered = await runLoad(app.url, 100, CONCURRENCY, (i) => ({ body: voteBody(i * 10), check: ok('Din röst är sparad') }));

    // The shared card of every item is updated in place to the exact tally.
    const perItem = (MEMBERS * VOTES_PER_MEMBER) / ITEMS;
    const deadline = Date.now() + 60_000;
    for (const item of items) {
      for (;;) {
        const ups = connector.updates().filter((c) => c.activityId === item.rootId);
        const last = ups.length > 0 ? cardJson(ups[ups.length - 1]) : '';
        if (new RegExp(`\\*\\*${perItem}\\*\\* av \\d+ har röstat`).test(last)) {
          itemsWithExactTally++;
          break;
        }
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // The chair closes every item: the result counts exactly the item's votes.
    const agent = new http.Agent({ keepAlive: true });
    for (const item of items) {
      const res = await postJson(agent, new URL(app.url), channelInvoke(connector.url, DAVID, 'review.close', { itemId: item.appId, close_recommendation: 'recommended' }, REVIEW, item.rootId));
      const m = /Röster: (\d+) tillstyrker, (\d+) avstyrker, (\d+) avstår/.exec(res.body);
      if (m && Number(m[1]) + Number(m[2]) + Number(m[3]) === perItem) itemsClosedWithAllVotes++;
    }
    agent.destroy();
  } finally {
    await app.stop();
    await connector.stop();
  }

  // Count in the store what was written.
  const store = await EmbeddedStore.open(dataDir);
  const s = await createServices(store, { clock: () => new Date(), log: createLogger('silent'), admins: [] });
  const stored = (await s.review.votes.find({})).filter((v) => v.vote);
  const expected = new Set(plan.map((p) => `${p.item.appId}|${p.member.aadObjectId}`));
  const seen = new Map<string, number>();
  for (const v of stored) seen.set(`${v.itemId}|${v.memberId}`, (seen.get(`${v.itemId}|${v.memberId}`) ?? 0) + 1);
  const lost = [...expected].filter((k) => !seen.has(k)).length;
  const duplicated = [...seen.values()].reduce((n, c) => n + (c - 1), 0) + [...seen.keys()].filter((k) => !expected.has(k)).length;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    echo,
    declarations,
    votes,
    redelivered,
    throughputRatio: votes.throughput / echo.throughput,
    storedVotes: stored.length,
    lost,
    duplicated,
    itemsWithExactTally,
    itemsClosedWithAllVotes,
  };
}

if (require.main === module) {
  runReviewBench()
    .then((r) => {
      console.log(`Review votes: ${MEMBERS * VOTES_PER_MEMBER} votes, ${MEMBERS} members, ${ITEMS} items, ${CONCURRENCY} concurrent (same run, same machine)`);
      console.log(formatResult('echo bot (same invokes)', r.echo));
      console.log(formatResult('declarations (inget jäv)', r.declarations));
      console.log(formatResult('votes', r.votes));
      console.log(formatResult('redelivered votes', r.redelivered));
      console.log(`vote throughput: ${(r.throughputRatio * 100).toFixed(0)} % of echo (target ≥ 50 %)`);
      console.log(`stored votes ${r.storedVotes}, lost ${r.lost}, duplicated ${r.duplicated}`);
      console.log(`items whose shared card shows the exact tally: ${r.itemsWithExactTally}/${ITEMS}; closed with all votes counted: ${r.itemsClosedWithAllVotes}/${ITEMS}`);
      const failed = r.lost > 0 || r.duplicated > 0 || r.votes.failures > 0 || r.redelivered.failures > 0;
      process.exit(failed ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
