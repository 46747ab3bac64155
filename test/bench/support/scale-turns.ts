import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { actionExecute, personalMessage, TeamsUser } from '../../support/activities';
import { FakeConnector } from '../../support/fake-connector';
import { postJson } from './load';
import {
  ANNA,
  BJORN,
  GENERAL,
  OFFICE,
  otherSpecs,
  Person,
  REVIEW,
  REVIEWERS,
  TEAM,
  TENANT,
  wizardInputs,
} from './scale-plan';

/**
 * The scale benchmark's turns over HTTP against the real server: the first applications through
 * the wizard (8 turns each), and the measured turns (`mina ansökningar`, `portföljer 2027`,
 * "Komplett", a review vote), each timed from POST to answer (a message's answer includes the
 * bot's reply to the fake Bot Connector).
 */

const user = (p: Person): TeamsUser => ({ id: p.id, aadObjectId: p.aadObjectId, name: p.name });

export interface Timing {
  medianMs: number;
  p95Ms: number;
  n: number;
  failures: number;
}

function timing(ms: number[], failures: number): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { medianMs: at(0.5), p95Ms: at(0.95), n: ms.length, failures };
}

/** The texts of a card answer, for a message about a refused turn. */
const textsOf = (body: string): string =>
  [...body.matchAll(/"text":"([^"]*)"/g)]
    .map((m) => m[1])
    .join(' | ')
    .slice(0, 600);

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly target: URL;
  constructor(url: string) {
    this.target = new URL(`${url}/api/messages`);
  }
  async post(body: unknown): Promise<{ status: number; body: string; ms: number }> {
    const t0 = process.hrtime.bigint();
    const res = await postJson(this.agent, this.target, body);
    return { ...res, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  }
  close(): void {
    this.agent.destroy();
  }
}

/** Makes `count` ordinary applications through the wizard over HTTP (8 turns each, 8 at a time). */
export async function wizardOverHttp(
  url: string,
  connector: FakeConnector,
  count: number,
  others: number,
): Promise<number> {
  const client = new Client(url);
  const specs = otherSpecs(0, count, others);
  let next = 0;
  let submitted = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= specs.length) return;
      const spec = specs[n];
      const from = user(spec.owner);
      const inv = (verb: string, data: Record<string, unknown>) =>
        actionExecute({
          serviceUrl: connector.url,
          tenantId: TENANT,
          from,
          verb,
          data,
          conversationId: `a:${from.aadObjectId}`,
        });
      const started = await client.post(inv('application.new', {}));
      const appId = /"appId":"([0-9a-f-]{36})"/.exec(started.body)?.[1];
      if (!appId)
        throw new Error(`wizard: no draft (${started.status} ${started.body.slice(0, 200)})`);
      const steps = wizardInputs(spec, n);
      for (const [step, values] of steps.entries()) {
        const verb = step === steps.length - 1 ? 'application.review' : 'application.next';
        await client.post(inv(verb, { appId, step, ...values }));
      }
      const done = await client.post(inv('application.submit', { appId }));
      if (done.status === 200 && done.body.includes('Ansökan är inskickad')) submitted++;
      else process.stderr.write(`  wizard submit: ${done.status} ${done.body.slice(0, 300)}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  client.close();
  return submitted;
}

export interface TurnFigures {
  myAnna: Timing;
  myOffice: Timing;
  portfolios: Timing;
  complete: Timing;
  vote: Timing;
}

const cardJson = (c: { activity?: { attachments?: { content?: unknown }[] } }) =>
  JSON.stringify(c.activity?.attachments?.[0]?.content ?? {});

/** One running server to measure, with the newest submitted applications of its store. */
export interface TurnTarget {
  url: string;
  pending: { appId: string; submittedAt: string }[];
}

/**
 * Runs each measured turn one at a time, after warm-up turns that are not counted, on every
 * target in turn: round i sends the same kind of turn to each server, starting with a different
 * one each round. The servers' medians then come from the same minutes of the same machine, so a
 * ratio between them does not carry whatever else the shared cores did in between.
 */
export async function measureTurns(
  targets: TurnTarget[],
  connector: FakeConnector,
  reps: number,
): Promise<TurnFigures[]> {
  const clients = targets.map((t) => new Client(t.url));
  const personal = (p: Person, text: string) =>
    personalMessage({
      serviceUrl: connector.url,
      tenantId: TENANT,
      from: user(p),
      text,
      conversationId: `a:${p.aadObjectId}`,
    });
  const series = async (
    n: number,
    warm: number,
    body: (target: number, i: number) => unknown,
    ok: (b: string) => boolean,
  ): Promise<Timing[]> => {
    const ms = targets.map(() => [] as number[]);
    const failures = targets.map(() => 0);
    for (let i = 0; i < warm + n; i++)
      for (let j = 0; j < targets.length; j++) {
        const k = (i + j) % targets.length;
        const res = await clients[k].post(body(k, i));
        if (i < warm) continue;
        ms[k].push(res.ms);
        if (res.status < 200 || res.status >= 300 || !ok(res.body)) {
          if (failures[k]++ === 0)
            process.stderr.write(`  a measured turn failed: ${res.status} ${textsOf(res.body)}\n`);
        }
      }
    return ms.map((m, k) => timing(m, failures[k]));
  };
  const always = () => true;
  const myAnna = await series(reps, 5, () => personal(ANNA, 'mina ansökningar'), always);
  const myOffice = await series(
    Math.max(5, reps / 2),
    2,
    () => personal(OFFICE, 'mina ansökningar'),
    always,
  );
  const portfolios = await series(reps, 5, () => personal(BJORN, 'portföljer 2027'), always);

  // "Komplett" on the newest submitted applications: each opens its review and posts the card.
  const pendingCount = Math.min(...targets.map((t) => t.pending.length));
  const complete = await series(
    pendingCount - 3,
    3,
    (k, i) =>
      actionExecute({
        serviceUrl: connector.url,
        tenantId: TENANT,
        from: user(BJORN),
        verb: 'completeness.complete',
        data: targets[k].pending[i],
        cardActivityId: `1:${randomUUID()}`,
        channel: { teamId: TEAM, channelId: GENERAL },
      }),
    (b) => b.includes('Markerad som komplett'),
  );

  // The review group declares "inget jäv" on those items (not timed), then each member votes (timed).
  const inChannel = (p: Person, verb: string, data: Record<string, unknown>, rootId: string) =>
    actionExecute({
      serviceUrl: connector.url,
      tenantId: TENANT,
      from: user(p),
      verb,
      data,
      cardActivityId: rootId,
      channel: { teamId: TEAM, channelId: REVIEW, threadRootId: rootId },
    });
  const plans: { item: { appId: string; rootId: string }; m: Person }[][] = [];
  for (const [k, target] of targets.entries()) {
    const items: { appId: string; rootId: string }[] = [];
    for (const { appId } of target.pending.slice(0, pendingCount)) {
      const card = await connector
        .waitFor(
          (c) =>
            c.kind === 'send' &&
            c.conversationId === REVIEW &&
            cardJson(c).includes(`"itemId":"${appId}"`),
          30_000,
        )
        .catch(() => null);
      if (card?.assignedId) items.push({ appId, rootId: card.assignedId });
    }
    for (const item of items)
      for (const m of REVIEWERS)
        await clients[k].post(
          inChannel(
            m,
            'review.noConflict',
            { itemId: item.appId, nojav_motivation: 'Ingen koppling till ärendet.' },
            item.rootId,
          ),
        );
    plans.push(items.flatMap((item) => REVIEWERS.map((m) => ({ item, m }))));
  }
  const scores = (i: number) =>
    Object.fromEntries(
      [
        'citizenBenefit',
        'organisationBenefit',
        'goalFit',
        'costEffectiveness',
        'feasibility',
        'reuse',
      ].map((c, j) => [`s_${c}`, String(((i + j) % 5) + 1)]),
    );
  const votes = Math.min(...plans.map((p) => p.length));
  const vote =
    votes < 4
      ? targets.map(() => timing([], 0))
      : await series(
          votes - 3,
          3,
          (k, i) =>
            inChannel(
              plans[k][i].m,
              'review.vote',
              {
                itemId: plans[k][i].item.appId,
                vote: i % 4 === 0 ? 'reject' : 'approve',
                ...scores(i),
                comment: `Röst ${i}`,
              },
              plans[k][i].item.rootId,
            ),
          (b) => b.includes('Din röst är sparad'),
        );
  for (const c of clients) c.close();
  return targets.map((_, k) => ({
    myAnna: myAnna[k],
    myOffice: myOffice[k],
    portfolios: portfolios[k],
    complete: complete[k],
    vote: vote[k],
  }));
}
