import { createRequire } from 'node:module';
import path from 'node:path';
import type * as CompletenessModule from '../../../services/review/completeness';
import type * as LoggerModule from '../../../services/logging/logger';
import type * as OpenStoreModule from '../../../services/store/open-store';
import type * as ReviewActionsModule from '../../../services/review/review-actions';
import type * as SaveStepModule from '../../../services/applications/save-step';
import type * as SeedModule from '../../../services/seed/apply-seed';
import type * as ServicesModule from '../../../services/services';
import type * as StartModule from '../../../services/applications/start-application';
import type * as SubmitModule from '../../../services/applications/submit-application';
import type { Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import {
  AppSpec,
  BJORN,
  DAVID,
  HTTP_APPS,
  otherSpecs,
  Person,
  PLAN_NOW,
  probeSpecs,
  REVIEW,
  REVIEWERS,
  TENANT,
  wizardInputs,
} from './scale-plan';

/**
 * The scale benchmark's data maker, a child process: `node scale-data.js '<json>'` writes the
 * plan's applications through the project's own use cases and repositories, in process, with the
 * same store code the server uses, loaded from `root`'s build (so an older checkout's code writes
 * its own format). Prints one JSON line: what was made, and the probes awaiting "Komplett".
 *
 * Each application: startApplication, saveStep for each wizard step, submitApplication (audit,
 * registration number, the office's completeness card in the outbox), the idempotency records of
 * its turns; older ones "Komplett" (confirmComplete: review item, card in the outbox), the review
 * group's declarations and votes (one vote document and audit entry each, a reminder claimed and
 * sent per vote) and, older still, the chair's closeReview. The double-counting search is left
 * out of the in-process "Komplett" (it reads every application: the store would take hours to
 * make at 50,000); the measured clicks over HTTP run it.
 */

export interface ScaleDataConfig {
  root: string;
  dataDir?: string;
  mongoUri?: string;
  mongoDb?: string;
  /** Ordinary applications in the store (besides the probes); those below HTTP_APPS exist already. */
  others: number;
}

export interface ScaleDataResult {
  made: number;
  failed: Record<string, number>;
  pending: { appId: string; submittedAt: string }[];
  seconds: number;
}

interface Modules {
  openStore: typeof OpenStoreModule.openStore;
  createServices: typeof ServicesModule.createServices;
  applySeed: typeof SeedModule.applySeed;
  readSeed: typeof SeedModule.readSeed;
  startApplication: typeof StartModule.startApplication;
  saveStep: typeof SaveStepModule.saveStep;
  submitApplication: typeof SubmitModule.submitApplication;
  confirmComplete: typeof CompletenessModule.confirmComplete;
  closeReview: typeof ReviewActionsModule.closeReview;
  createLogger: typeof LoggerModule.createLogger;
}

/** The use cases from `root`'s build (dist/), whatever checkout that is. */
function loadModules(root: string): Modules {
  const load = createRequire(path.join(root, 'dist', 'index.js'));
  const mod = <T>(rel: string): T => load(path.join(root, 'dist', rel)) as T;
  return {
    openStore: mod<typeof OpenStoreModule>('services/store/open-store.js').openStore,
    createServices: mod<typeof ServicesModule>('services/services.js').createServices,
    applySeed: mod<typeof SeedModule>('services/seed/apply-seed.js').applySeed,
    readSeed: mod<typeof SeedModule>('services/seed/apply-seed.js').readSeed,
    startApplication: mod<typeof StartModule>('services/applications/start-application.js')
      .startApplication,
    saveStep: mod<typeof SaveStepModule>('services/applications/save-step.js').saveStep,
    submitApplication: mod<typeof SubmitModule>('services/applications/submit-application.js')
      .submitApplication,
    confirmComplete: mod<typeof CompletenessModule>('services/review/completeness.js')
      .confirmComplete,
    closeReview: mod<typeof ReviewActionsModule>('services/review/review-actions.js').closeReview,
    createLogger: mod<typeof LoggerModule>('services/logging/logger.js').createLogger,
  };
}

const actorOf = (p: Person): Actor => ({
  aadObjectId: p.aadObjectId,
  name: p.name,
  tenantId: TENANT,
  locale: 'sv',
});
const CRITERIA = [
  'citizenBenefit',
  'organisationBenefit',
  'goalFit',
  'costEffectiveness',
  'feasibility',
  'reuse',
];
const DAY = 86_400_000;

export async function makeScaleData(cfg: ScaleDataConfig): Promise<ScaleDataResult> {
  const started = Date.now();
  const m = loadModules(cfg.root);
  let now = PLAN_NOW;
  const store = await m.openStore({
    mongoUri: cfg.mongoUri,
    mongoDb: cfg.mongoDb ?? 'projektkontoret',
    dataDir: cfg.dataDir ?? null,
    // A failed run is made again from scratch: no fsync per write (the server measured on the
    // data later runs with every commit synced).
    embeddedSyncEachCommit: false,
  });
  const s = await m.createServices(store, {
    clock: () => new Date(now),
    log: m.createLogger('silent'),
    admins: [],
  });
  await m.applySeed(
    s,
    await m.readSeed(path.join(cfg.root, 'deployment', 'seed', 'demo-seed.json')),
  );
  // The review group as Teams' roster lists it; the search for double counting is left out (see above).
  const roster = REVIEWERS.map((r) => ({ id: r.id, aadObjectId: r.aadObjectId, name: r.name }));
  const dir = { membersOf: async () => roster };
  const quietApps = Object.assign(Object.create(s.applications) as Services['applications'], {
    find: async () => [],
    findReadonly: async () => [],
  });
  const quiet: Services = { ...s, applications: quietApps };

  const specs = [...probeSpecs(), ...otherSpecs(HTTP_APPS, cfg.others, cfg.others)].sort(
    (a, b) => a.at - b.at,
  );
  const failed: Record<string, number> = {};
  const fail = (why: string) => (failed[why] = (failed[why] ?? 0) + 1);
  const pending: ScaleDataResult['pending'] = [];
  let made = 0;
  let turn = 0;
  const activity = (p: Person) => `a:${p.aadObjectId}|scale-${turn++}`;
  // A year of history has been delivered: each application's messages are marked sent once it is
  // made (the server starts idle), one by _id (a filter on status over the year's ~60,000
  // messages took the nedb engine of b16c61a about 0.1 s per message).
  const enqueued: string[] = [];
  const enqueue = s.outbox.enqueue.bind(s.outbox);
  s.outbox.enqueue = (id, ...rest) => {
    enqueued.push(id);
    return enqueue(id, ...rest);
  };
  const outbox = s.store.collection<{ _id: string; status: string }>('outbox');
  // The applications made through the wizard over HTTP queued their completeness cards to the
  // office's channel, and the server stopped long before one channel's rate (about one message a
  // second) had let it send 200: those months-old cards were delivered too. (Left pending, the
  // measured server spent its first minutes sending them, which no other store's server did.)
  for (const { _id } of await outbox.find({ status: 'pending' }))
    await outbox.findOneAndUpdate(
      { _id, status: 'pending' },
      { $set: { status: 'sent', sentAt: new Date(now).toISOString() } },
    );
  for (const [n, spec] of specs.entries()) {
    now = spec.at;
    const app = await makeOne(m, s, spec, n, activity, fail);
    if (!app) continue;
    made++;
    if (spec.key.startsWith('probe:pending:'))
      pending.push({ appId: app._id, submittedAt: app.submittedAt });
    if (spec.stage !== 'submitted')
      await review(
        m,
        s,
        quiet,
        dir,
        spec,
        app._id,
        app.submittedAt,
        (t) => (now = t),
        activity,
        fail,
      );
    for (const id of enqueued.splice(0))
      await outbox.findOneAndUpdate(
        { _id: id },
        { $set: { status: 'sent', sentAt: new Date(now).toISOString() } },
      );
    if (made % 1000 === 0)
      process.stderr.write(
        `  data: ${made}/${specs.length} applications, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      );
  }
  await store.close();
  return { made, failed, pending, seconds: (Date.now() - started) / 1000 };
}

/** One application through the wizard's use cases and submitted; null when a step refused it. */
async function makeOne(
  m: Modules,
  s: Services,
  spec: AppSpec,
  n: number,
  activity: (p: Person) => string,
  fail: (why: string) => void,
): Promise<{ _id: string; submittedAt: string } | null> {
  const actor = actorOf(spec.owner);
  const keys: string[] = [];
  const act = () => {
    keys.push(activity(spec.owner));
    return keys[keys.length - 1];
  };
  const app = await m.startApplication(
    s,
    actor,
    { organisation: spec.organisation, contactName: spec.owner.name },
    act(),
  );
  const steps = wizardInputs(spec, n);
  for (const [i, values] of steps.entries()) {
    const r = await m.saveStep(
      s,
      actor,
      app._id,
      i,
      values,
      i === steps.length - 1 ? 'summary' : 'next',
      act(),
    );
    if (!r.moved && i < steps.length - 1) {
      fail(`step ${i} refused`);
      return null;
    }
  }
  const sub = await m.submitApplication(s, actor, app._id, act());
  if (!sub.ok || !sub.app.submittedAt) {
    fail('submit refused');
    return null;
  }
  // The idempotency records the server keeps of each of these turns.
  // (Feature detection: a checkout whose repositories differ writes what it can.)
  for (const key of typeof s.processed?.claim === 'function' ? keys : []) {
    await s.processed.claim(key, new Date(spec.at));
    await s.processed.complete(key);
  }
  return { _id: sub.app._id, submittedAt: sub.app.submittedAt };
}

/** "Komplett", the group's votes (with their reminders) and, for older items, the chair's close. */
async function review(
  m: Modules,
  s: Services,
  quiet: Services,
  dir: { membersOf(): Promise<{ id: string; aadObjectId: string; name: string }[]> },
  spec: AppSpec,
  appId: string,
  submittedAt: string,
  setNow: (t: number) => void,
  activity: (p: Person) => string,
  fail: (why: string) => void,
): Promise<void> {
  setNow(spec.at + 2 * DAY);
  try {
    await m.confirmComplete(quiet, dir, actorOf(BJORN), appId, submittedAt, activity(BJORN));
  } catch (err) {
    fail(`komplett: ${(err as Error).message}`);
    return;
  }
  for (let v = 0; v < spec.votes; v++) {
    const member = REVIEWERS[v];
    const at = new Date(spec.at + (4 + v) * DAY).toISOString();
    setNow(Date.parse(at));
    const scores = Object.fromEntries(
      CRITERIA.map((c, j) => [c, ((appId.charCodeAt(j) + v + j) % 5) + 1]),
    );
    const vote = (appId.charCodeAt(0) + v) % 4 === 0 ? 'reject' : 'approve';
    await s.review.upsertVote(appId, member.aadObjectId, {
      $set: {
        memberName: member.name,
        conflict: 'none',
        declaredAt: at,
        vote,
        scores,
        comment: `Bedömning ${v + 1}.`,
        votedAt: at,
        updatedAt: at,
      },
    });
    for (const action of ['review.no_conflict_declared', 'review.voted'])
      await s.audit.append({
        at,
        actorId: member.aadObjectId,
        actorName: member.name,
        action,
        entityType: 'application',
        entityId: appId,
        after: { vote },
        activityId: activity(member),
      });
    const key = `vote:${appId}:${member.aadObjectId}`;
    if (typeof s.reminders?.ledger?.claim === 'function')
      await s.reminders.ledger.claim(
        member.aadObjectId,
        { key, kind: 'vote', dueAt: at, params: { regNo: appId }, mandatory: false },
        `digest:${key}`,
        new Date(at),
      );
    await s.outbox.enqueue(
      `reminder-digest:${key}`,
      { kind: 'user', aadObjectId: member.aadObjectId },
      { card: { template: 'reminder-digest', model: { key } } },
      new Date(at),
    );
  }
  if (spec.stage !== 'closed') return;
  setNow(spec.at + 20 * DAY);
  try {
    const rec = appId.charCodeAt(1) % 3 === 0 ? 'not_recommended' : 'recommended';
    await m.closeReview(
      s,
      dir,
      actorOf(DAVID),
      appId,
      { channelId: REVIEW },
      rec,
      'Beredningsgruppens bedömning.',
      activity(DAVID),
    );
  } catch (err) {
    fail(`close: ${(err as Error).message}`);
  }
}

if (require.main === module) {
  makeScaleData(JSON.parse(process.argv[2]) as ScaleDataConfig)
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `scale data maker failed: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
      process.exit(1);
    });
}
