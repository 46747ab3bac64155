import { randomUUID } from 'node:crypto';
import { VALID_STEPS } from '../support/application-fixture';
import { startChildServer } from './support/child-server';
import { formatResult, LoadResult, measureCpu, postJson, runLoad } from './support/load';
import http from 'node:http';

const TENANT = '00000000-0000-0000-0000-0000000000aa';
const SERVICE_URL = 'http://127.0.0.1:9/'; // never called: invokes answer in the HTTP body

interface Draft {
  appId: string;
  user: { id: string; aadObjectId: string; name: string };
  conversationId: string;
}

function invoke(
  draft: Pick<Draft, 'user' | 'conversationId'>,
  verb: string,
  data: Record<string, unknown>,
): unknown {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    timestamp: new Date().toISOString(),
    locale: 'sv-SE',
    from: draft.user,
    recipient: { id: '28:bot', name: 'Projektkontoret' },
    conversation: { id: draft.conversationId, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** Opens `n` real drafts, one per user, through the bot's own `application.new` verb. */
async function openDrafts(url: string, n: number): Promise<Draft[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const target = new URL(url);
  const drafts: Draft[] = [];
  const queue = Array.from({ length: n }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (;;) {
        const i = queue.shift();
        if (i === undefined) return;
        const aad = randomUUID();
        const d = {
          user: { id: `29:${aad}`, aadObjectId: aad, name: `Bench ${i}` },
          conversationId: `a:${aad}`,
        };
        const res = await postJson(agent, target, invoke(d, 'application.new', {}));
        const m = /"appId":"([0-9a-f-]{36})"/.exec(res.body);
        if (!m) throw new Error(`no draft created: ${res.status} ${res.body.slice(0, 200)}`);
        drafts.push({ ...d, appId: m[1] });
      }
    }),
  );
  agent.destroy();
  return drafts;
}

/** Request i is step (i div drafts) of draft (i mod drafts): every invoke is a real step of a real draft. */
function stepRequests(drafts: Draft[]) {
  return (i: number) => {
    const draft = drafts[i % drafts.length];
    const step = Math.floor(i / drafts.length) % VALID_STEPS.length;
    const verb = step === VALID_STEPS.length - 1 ? 'application.review' : 'application.next';
    return {
      body: invoke(draft, verb, { appId: draft.appId, step, ...VALID_STEPS[step] }),
      check: (_s: number, body: string) =>
        body.includes('"statusCode":200') && !body.includes('Något gick fel'),
    };
  };
}

function echoRequests() {
  const user = { id: '29:echo', aadObjectId: randomUUID(), name: 'Echo' };
  return () => ({
    body: invoke({ user, conversationId: 'a:echo' }, 'application.next', {
      step: 1,
      ...VALID_STEPS[1],
    }),
  });
}

export interface WizardBenchResult {
  app: { c10: LoadResult; c50: LoadResult };
  echo: { c10: LoadResult; c50: LoadResult };
  /** CPU time (user + system) the serving process spent per request, ms: steadier than req/s here. */
  cpuPerRequestMs: { app: { c10: number; c50: number }; echo: { c10: number; c50: number } };
  throughputRatioAt50: number;
  p99RatioAt10: number;
}

/** Runs one load phase and notes the server's CPU time per request in it. */
async function measured(
  server: { cpuMs(): number },
  into: { c10: number; c50: number },
  phase: 'c10' | 'c50',
  run: () => Promise<LoadResult>,
): Promise<LoadResult> {
  const { result, cpuPerRequestMs } = await measureCpu(server, run);
  into[phase] = cpuPerRequestMs;
  return result;
}

/** Foundation benchmark: 2,000 wizard-step invokes at 10 and 50 concurrent vs a bare echo bot. */
export async function runWizardBench(requests = 2000): Promise<WizardBenchResult> {
  if (process.env.BENCH_ONLY_APP) return runAppOnly(requests);
  const echoServer = await startChildServer('echo');
  let echo: WizardBenchResult['echo'];
  const echoCpu = { c10: 0, c50: 0 };
  try {
    await runLoad(echoServer.url, 500, 10, echoRequests());
    echo = {
      c10: await measured(echoServer, echoCpu, 'c10', () =>
        runLoad(echoServer.url, requests, 10, echoRequests()),
      ),
      c50: await measured(echoServer, echoCpu, 'c50', () =>
        runLoad(echoServer.url, requests, 50, echoRequests()),
      ),
    };
  } finally {
    await echoServer.stop();
  }
  const appServer = await startChildServer('app');
  let app: WizardBenchResult['app'];
  const appCpu = { c10: 0, c50: 0 };
  try {
    const drafts = Math.ceil(requests / VALID_STEPS.length);
    const warm = await openDrafts(appServer.url, 100);
    await runLoad(appServer.url, 500, 10, stepRequests(warm));
    const d10 = await openDrafts(appServer.url, drafts);
    const c10 = await measured(appServer, appCpu, 'c10', () =>
      runLoad(appServer.url, requests, 10, stepRequests(d10)),
    );
    const d50 = await openDrafts(appServer.url, drafts);
    const c50 = await measured(appServer, appCpu, 'c50', () =>
      runLoad(appServer.url, requests, 50, stepRequests(d50)),
    );
    app = { c10, c50 };
  } finally {
    await appServer.stop();
  }
  return {
    app,
    echo,
    cpuPerRequestMs: { app: appCpu, echo: echoCpu },
    throughputRatioAt50: app.c50.throughput / echo.c50.throughput,
    p99RatioAt10: app.c10.p99Ms / echo.c10.p99Ms,
  };
}

if (require.main === module) {
  runWizardBench()
    .then((r) => {
      console.log('Wizard-step invokes vs bare botbuilder echo bot (same run, same machine)');
      console.log(formatResult('echo bot', r.echo.c10));
      console.log(formatResult('echo bot', r.echo.c50));
      console.log(formatResult('projektkontoret wizard', r.app.c10));
      console.log(formatResult('projektkontoret wizard', r.app.c50));
      console.log(
        `throughput at 50 concurrent: ${(r.throughputRatioAt50 * 100).toFixed(0)} % of echo (target ≥ 60 %)`,
      );
      console.log(`p99 at 10 concurrent: ${r.p99RatioAt10.toFixed(2)}× echo (target ≤ 3×)`);
      const cpu = r.cpuPerRequestMs;
      console.log(
        `CPU of the serving process per request (ms): echo ${cpu.echo.c10.toFixed(2)} (c=10), ${cpu.echo.c50.toFixed(2)} (c=50); wizard ${cpu.app.c10.toFixed(2)} (c=10), ${cpu.app.c50.toFixed(2)} (c=50)`,
      );
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

async function runAppOnly(requests: number): Promise<never> {
  const appServer = await startChildServer('app');
  const drafts = await openDrafts(appServer.url, Math.ceil(requests / VALID_STEPS.length));
  console.log(
    formatResult('app only', await runLoad(appServer.url, requests, 50, stepRequests(drafts))),
  );
  await appServer.stop();
  process.exit(0);
}
