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
import { formatResult, LoadRequest, LoadResult, measureCpu, postJson, runLoad } from './support/load';

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
const BJORN: TeamsUser = {
  id: '29:bjorn',
  aadObjectId: '00000000-0000-0000-0000-000000000002',
  name: 'Björn Berg',
};
const DAVID: TeamsUser = {
  id: '29:david',
  aadObjectId: '00000000-0000-0000-0000-000000000004',
  name: 'David Dahl',
};

const ITEMS = 20;
const MEMBERS = 200;
const VOTES_PER_MEMBER = 5;
const CONCURRENCY = 50;
const CRITERIA = [
  'citizenBenefit',
  'organisationBenefit',
  'goalFit',
  'costEffectiveness',
  'feasibility',
  'reuse',
];

interface Item {
  appId: string;
  rootId: string;
}

function channelInvoke(
  url: string,
  from: TeamsUser,
  verb: string,
  data: Record<string, unknown>,
  channelId: string,
  rootId: string,
  id?: string,
) {
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
  return actionExecute({
    serviceUrl: url,
    tenantId: TENANT,
    from,
    verb,
    data,
    conversationId: `a:${from.aadObjectId}`,
  });
}

const cardJson = (call: { activity?: { attachments?: { content?: unknown }[] } }): string =>
  JSON.stringify(call.activity?.attachments?.[0]?.content ?? {});

/** 20 applications written, submitted and marked complete through the bot itself. */
async function openItems(botUrl: string, connector: FakeConnector): Promise<Item[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const target = new URL(botUrl);
  const post = async (body: unknown): Promise<string> => {
    const res = await postJson(agent, target, body);
    if (res.status !== 200)
      throw new Error(`setup request failed: ${res.status} ${res.body.slice(0, 300)}`);
    return res.body;
  };
  const items: Item[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const applicant: TeamsUser = {
      id: `29:applicant-${i}`,
      aadObjectId: randomUUID(),
      name: `Sökande ${i}`,
    };
    const started = await post(personalInvoke(connector.url, applicant, 'application.new', {}));
    const appId = /"appId":"([0-9a-f-]{36})"/.exec(started)![1];
    for (let step = 0; step < VALID_STEPS.length; step++) {
      const verb = step === VALID_STEPS.length - 1 ? 'application.review' : 'application.next';
      const values =
        step === 0
          ? {
              ...VALID_STEPS[0],
              title: `Benchprojekt ${i}: ${['e-tjänst', 'analys', 'utbildning', 'samverkan'][i % 4]}`,
            }
          : VALID_STEPS[step];
      await post(personalInvoke(connector.url, applicant, verb, { appId, step, ...values }));
    }
    await post(personalInvoke(connector.url, applicant, 'application.submit', { appId }));
    const check = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === GENERAL && cardJson(c).includes(appId),
      20_000,
    );
    const submittedAt = /"submittedAt":"([^"]+)"/.exec(cardJson(check))![1];
    const done = await post(
      channelInvoke(
        connector.url,
        BJORN,
        'completeness.complete',
        { appId, submittedAt },
        GENERAL,
        check.assignedId!,
      ),
    );
    if (!done.includes('Markerad som komplett'))
      throw new Error(`not marked complete: ${done.slice(0, 300)}`);
    const card = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === REVIEW && cardJson(c).includes(appId),
      20_000,
    );
    items.push({ appId, rootId: card.assignedId! });
  }
  agent.destroy();
  return items;
}

/** Vote i: the items in turn, each item's 50 votes together (so 50 members vote on one item at once). */
function votePlan(
  members: TeamsUser[],
  items: Item[],
): { member: TeamsUser; item: Item; index: number }[] {
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

/** The benchmark's figures and its checks of the store. */
export interface ReviewBenchResult {
  /** The echo bot, run right before each round of votes (the machine is shared: load drifts). */
  echo: LoadResult[];
  /** The same app answering a trivial card verb (help): what the bot costs before review work. */
  floor: LoadResult;
  declarations: LoadResult;
  /** Round 1: the 1,000 first votes; later rounds: every member changes every vote. */
  votes: LoadResult[];
  redelivered: LoadResult;
  /** Vote throughput over the echo run next to it, per round. */
  ratios: number[];
  /** CPU time the serving process used per request (ms): the echo bot's and the app's per vote, per round. */
  echoCpuMs: number[];
  voteCpuMs: number[];
  /** The same for the trivial verb (help): what a turn of the app costs before any review work. */
  floorCpuMs: number;
  storedVotes: number;
  lost: number;
  duplicated: number;
  /** Stored votes that are not the member's last one (a lost update). */
  stale: number;
  itemsWithExactTally: number;
  itemsClosedWithAllVotes: number;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs the review benchmark and checks the store afterwards. */
export async function runReviewBench(): Promise<ReviewBenchResult> {
  const members: TeamsUser[] = Array.from({ length: MEMBERS }, (_, i) => ({
    id: `29:member-${i}`,
    aadObjectId: randomUUID(),
    name: `Ledamot ${i}`,
  }));
  const connector = await startFakeConnector();
  const roster: RosterMember[] = [...members, DAVID].map((m) => ({
    id: m.id,
    aadObjectId: m.aadObjectId,
    name: m.name,
  }));
  connector.setRoster(REVIEW, roster);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pk-review-bench-'));
  // Both servers run in their own process; only one is under load at a time.
  const echoServer = await startChildServer('echo');
  const app = await startChildServer('app', {
    BENCH_DATA_DIR: dataDir,
    BENCH_REVIEWERS: members.map((m) => m.aadObjectId).join(','),
  });
  const echo: LoadResult[] = [];
  const votes: LoadResult[] = [];
  const echoCpuMs: number[] = [];
  const voteCpuMs: number[] = [];
  const floorCpuMs: number[] = [];
  /** Runs a load and records the serving process's CPU time per request. */
  const measured = async (
    server: { cpuMs(): number },
    into: number[],
    run: () => Promise<LoadResult>,
  ): Promise<LoadResult> => {
    const { result, cpuPerRequestMs } = await measureCpu(server, run);
    into.push(cpuPerRequestMs);
    return result;
  };
  let floor: LoadResult;
  let declarations: LoadResult;
  let redelivered: LoadResult;
  let itemsWithExactTally = 0;
  let itemsClosedWithAllVotes = 0;
  const plan: { member: TeamsUser; item: Item; index: number }[] = [];
  const choiceOf = (i: number, round: number): string =>
    (i + round) % 4 === 0 ? 'reject' : round === 2 && i % 7 === 0 ? 'abstain' : 'approve';
  try {
    const items = await openItems(app.url, connector);
    plan.push(...votePlan(members, items));
    const ok = (text: string) => (_s: number, body: string) => body.includes(text);
    const echoBody = (n: number): LoadRequest => {
      const i = n % plan.length;
      return {
        body: channelInvoke(
          'http://127.0.0.1:9/',
          plan[i].member,
          'review.vote',
          { itemId: plan[i].item.appId, vote: 'approve', ...scoresFor(i) },
          REVIEW,
          plan[i].item.rootId,
        ),
      };
    };
    // The echo bot gets as much warm-up as the app has had by the first round (setup, floor and
    // declarations: about 2,200 requests), so neither is compared while its JIT is still cold.
    await runLoad(echoServer.url, 2000, CONCURRENCY, echoBody);
    floor = await measured(app, floorCpuMs, () =>
      runLoad(app.url, plan.length, CONCURRENCY, (i) => ({
        body: channelInvoke(
          connector.url,
          plan[i].member,
          'help.show',
          {},
          REVIEW,
          plan[i].item.rootId,
        ),
      })),
    );
    // Every member first declares "inget jäv" on their items.
    declarations = await runLoad(app.url, plan.length, CONCURRENCY, (i) => ({
      body: channelInvoke(
        connector.url,
        plan[i].member,
        'review.noConflict',
        { itemId: plan[i].item.appId },
        REVIEW,
        plan[i].item.rootId,
      ),
      check: ok('Nu kan du rösta'),
    }));
    const voteBody = (i: number, round: number) =>
      channelInvoke(
        connector.url,
        plan[i].member,
        'review.vote',
        {
          itemId: plan[i].item.appId,
          vote: choiceOf(i, round),
          ...scoresFor(i + round),
          comment: `Röst ${i}, omgång ${round + 1}`,
        },
        REVIEW,
        plan[i].item.rootId,
        `bench-vote-${round}-${i}`,
      );
    for (let round = 0; round < ROUNDS; round++) {
      echo.push(
        await measured(echoServer, echoCpuMs, () =>
          runLoad(echoServer.url, plan.length, CONCURRENCY, echoBody),
        ),
      );
      votes.push(
        await measured(app, voteCpuMs, () =>
          runLoad(app.url, plan.length, CONCURRENCY, (i) => ({
            body: voteBody(i, round),
            check: ok('Din röst är sparad'),
          })),
        ),
      );
    }
    // Teams redelivers 100 of the last round's votes (same activity ids): the stored answers, no second effect.
    redelivered = await runLoad(app.url, 100, CONCURRENCY, (i) => ({
      body: voteBody(i * 10, ROUNDS - 1),
      check: ok('Din röst är sparad'),
    }));

    // The shared card of every item is updated in place to the exact tally.
    const perItem = (MEMBERS * VOTES_PER_MEMBER) / ITEMS;
    const exact = new RegExp(`\\*\\*${perItem}\\*\\* av \\d+ har röstat`);
    const deadline = Date.now() + 60_000;
    for (const item of items) {
      for (;;) {
        const ups = connector.updates().filter((c) => c.activityId === item.rootId);
        if (ups.length > 0 && exact.test(cardJson(ups[ups.length - 1]))) {
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
      const res = await postJson(
        agent,
        new URL(app.url),
        channelInvoke(
          connector.url,
          DAVID,
          'review.close',
          { itemId: item.appId, close_recommendation: 'recommended', close_motivation: 'Bänk.' },
          REVIEW,
          item.rootId,
        ),
      );
      const m = /Röster: (\d+) tillstyrker, (\d+) avstyrker, (\d+) avstår/.exec(res.body);
      if (m && Number(m[1]) + Number(m[2]) + Number(m[3]) === perItem) itemsClosedWithAllVotes++;
    }
    agent.destroy();
  } finally {
    await app.stop();
    await echoServer.stop();
    await connector.stop();
  }

  // Count in the store what was written: every member's last vote on every item, once.
  const store = await EmbeddedStore.open(dataDir);
  const s = await createServices(store, {
    clock: () => new Date(),
    log: createLogger('silent'),
    admins: [],
  });
  const stored = (await s.review.votes.find({})).filter((v) => v.vote);
  const expected = new Map(
    plan.map((p, i) => [`${p.item.appId}|${p.member.aadObjectId}`, choiceOf(i, ROUNDS - 1)]),
  );
  const seen = new Map<string, number>();
  let stale = 0;
  for (const v of stored) {
    const key = `${v.itemId}|${v.memberId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (expected.get(key) !== v.vote || !v.comment?.endsWith(`omgång ${ROUNDS}`)) stale++;
  }
  const lost = [...expected.keys()].filter((k) => !seen.has(k)).length;
  const duplicated =
    [...seen.values()].reduce((n, c) => n + (c - 1), 0) +
    [...seen.keys()].filter((k) => !expected.has(k)).length;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    echo,
    floor,
    declarations,
    votes,
    redelivered,
    ratios: votes.map((v, i) => v.throughput / echo[i].throughput),
    echoCpuMs,
    voteCpuMs,
    floorCpuMs: floorCpuMs[0],
    storedVotes: stored.length,
    lost,
    duplicated,
    stale,
    itemsWithExactTally,
    itemsClosedWithAllVotes,
  };
}

if (require.main === module) {
  runReviewBench()
    .then((r) => {
      console.log(
        `Review votes: ${MEMBERS * VOTES_PER_MEMBER} votes, ${MEMBERS} members, ${ITEMS} items, ${CONCURRENCY} concurrent (same run, same machine)`,
      );
      console.log(formatResult('app floor (help card)', r.floor));
      console.log(formatResult('declarations (inget jäv)', r.declarations));
      r.votes.forEach((v, i) => {
        console.log(formatResult(`echo bot, before round ${i + 1}`, r.echo[i]));
        console.log(
          formatResult(i === 0 ? 'votes, round 1 (first)' : `votes, round ${i + 1} (changed)`, v),
        );
      });
      console.log(formatResult('redelivered votes', r.redelivered));
      const sorted = [...r.ratios].sort((a, b) => a - b);
      console.log(
        `vote throughput vs echo per round: ${r.ratios.map((x) => `${(x * 100).toFixed(0)} %`).join(', ')}; median ${(sorted[Math.floor(sorted.length / 2)] * 100).toFixed(0)} % (target ≥ 50 %)`,
      );
      const cpu = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
      console.log(
        `CPU of the serving process per request (ms): echo ${cpu(r.echoCpuMs)}; votes ${cpu(r.voteCpuMs)}; app floor ${r.floorCpuMs.toFixed(2)}`,
      );
      console.log(
        `stored votes ${r.storedVotes}, lost ${r.lost}, duplicated ${r.duplicated}, not the member's last vote ${r.stale}`,
      );
      console.log(
        `items whose shared card shows the exact tally: ${r.itemsWithExactTally}/${ITEMS}; closed with all votes counted: ${r.itemsClosedWithAllVotes}/${ITEMS}`,
      );
      const failed =
        r.lost > 0 ||
        r.duplicated > 0 ||
        r.stale > 0 ||
        r.votes.some((v) => v.failures > 0) ||
        r.redelivered.failures > 0;
      process.exit(failed ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
