import { AddressInfo } from 'node:net';
import restify from 'restify';
import { AppConfig } from '../services/config/config';
import { createGraphProfileLookup } from '../services/graph/graph-profile';
import { createLogger, Logger } from '../services/logging/logger';
import { turnLogOf } from '../services/logging/turn-logger';
import { instrumentDelivery } from '../services/metrics/delivery-metrics';
import { OutboxSender } from '../services/outbox/outbox-sender';
import { teamsRateLimits } from '../services/outbox/rate-limits';
import { ReminderScheduler } from '../services/scheduler/reminder-scheduler';
import { applySeed, readSeed } from '../services/seed/apply-seed';
import { createServices, Services } from '../services/services';
import { Clock, systemClock } from '../services/shared/clock';
import { openStore } from '../services/store/open-store';
import { warmUpLibraries } from '../services/shared/warm-up';
import { precompileTemplates } from '../cards/render';
import { BotAdapter, createAuthentication } from './adapter';
import { durableSends } from './durable-sends';
import { createOutboxDelivery } from './outbox-delivery';
import { createProfileLookup } from './profile';
import { ProjektkontoretBot } from './projektkontoret-bot';
import { registerExportRoutes } from './routes/exports';
import { createServer } from './server';
import {
  embeddedStoreUnusableAtStart,
  isStoreUnavailable,
  storeOutageText,
  storeUnreachableAtStart,
} from './store-outage';
import { localeOf } from '../services/shared/actor';

export interface App {
  server: restify.Server;
  services: Services;
  sender: OutboxSender;
  /** Recomputes reminders from the state periodically (issue 6). */
  scheduler: ReminderScheduler;
  config: AppConfig;
  log: Logger;
  /** http://127.0.0.1:PORT once listening. */
  url: string;
  /** Stops taking requests, lets the sender finish its current message, closes the store. */
  close(): Promise<void>;
}

export interface AppOptions {
  config: AppConfig;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Listen on this port instead of config.port (0 = any free port). */
  port?: number;
  host?: string;
  /** Do not start the outbox sender (tests that drive it by hand). */
  startSender?: boolean;
  /** Start the reminder scheduler (default: when the sender starts and SCHEDULER_ENABLED). */
  startScheduler?: boolean;
}

/** The composition root: config → store → services → adapter → bot → server → sender. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  let services: Services;
  try {
    try {
      store = await openStore({
        mongoUri: config.mongoUri,
        mongoDb: config.mongoDb,
        dataDir: config.dataDir,
        embeddedMaxMb: config.embeddedMaxMb,
      });
    } catch (err) {
      // A database that cannot be reached or refuses us at start is the operator's to fix.
      if (config.mongoUri) throw storeUnreachableAtStart(config.mongoUri, err);
      throw embeddedStoreUnusableAtStart(config.dataDir, err);
    }
    services = await createServices(store, {
      clock,
      log,
      admins: config.botAdmins,
      coaching: { slaHours: config.coachSlaHours, officeHours: config.officeHours },
      reminders: config.reminders,
    });
    if (config.seedFile) {
      const changes = await applySeed(services, await readSeed(config.seedFile));
      log.info({ seed: config.seedFile, changes }, 'seed applied');
    }
    // What the first turns would otherwise load while people wait (a few hundred ms on a busy
    // machine, blocking every other turn): loaded before the server says it is ready.
    warmUpLibraries(clock());
    precompileTemplates();
  } catch (err) {
    await store?.close().catch(() => undefined);
    if (config.mongoUri && isStoreUnavailable(err))
      throw storeUnreachableAtStart(config.mongoUri, err);
    throw err;
  }

  const auth = createAuthentication(config, opts.env);
  const adapter = new BotAdapter(auth);
  adapter.use(durableSends(services.store));
  adapter.onTurnError = async (context, error) => {
    // A proactive turn (the outbox's continueConversation) must see its own error to classify it
    // (403/404 failed, 429 retry); swallowing it here would record a refused send as sent.
    if (context.activity.type === 'event' && context.activity.name === 'ContinueConversation')
      throw error;
    turnLogOf(context, log).error(
      { err: error, activityType: context.activity.type },
      'unhandled turn error',
    );
    if (context.activity.type === 'message') {
      const text = isStoreUnavailable(error)
        ? storeOutageText(localeOf(context.activity.locale))
        : 'Något gick fel. Det du sparat finns kvar – försök igen. / Something went wrong; what you saved is kept.';
      await context.sendActivity(text).catch(() => undefined);
    }
  };
  const graph =
    config.graphEnabled && config.appId && config.appPassword && config.appTenantId
      ? createGraphProfileLookup({
          tenantId: config.appTenantId,
          clientId: config.appId,
          clientSecret: config.appPassword,
        })
      : null;
  const bot = new ProjektkontoretBot({
    services,
    config,
    lookupProfile: createProfileLookup(services, graph, log),
  });
  const delivery = createOutboxDelivery(adapter, services, config, {
    requestTimeoutMs: config.outbox.requestTimeoutMs,
  });
  const sender = new OutboxSender(services.outbox, instrumentDelivery(delivery), clock, log, {
    pollMs: config.outboxPollMs,
    limits: teamsRateLimits(config.outbox.appRatePerSecond, config.outbox.rateMarginMs),
    maxAttempts: config.outbox.maxAttempts,
    leaseMs: config.outbox.leaseMs,
    requestTimeoutMs: config.outbox.requestTimeoutMs,
    maxInFlight: config.outbox.maxInFlight,
    audit: services.audit,
  });
  const scheduler = new ReminderScheduler(services);
  services.outbox.onEnqueue = () => sender.kick();
  const server = createServer({
    config,
    services,
    adapter,
    auth,
    bot,
    log,
    senderRunning: () => sender.isRunning,
  });
  registerExportRoutes(server, { services, config, log });

  const port = opts.port ?? config.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  if (opts.startSender !== false) sender.start();
  if ((opts.startScheduler ?? opts.startSender !== false) && config.reminders.schedulerEnabled)
    scheduler.start();
  if (config.localMode) {
    log.warn(
      'LOCAL MODE: Bot Connector authentication is OFF. Use only on your own machine, never in production.',
    );
  }
  log.info({ port: address.port, store: store.kind }, 'Projektkontoret is listening');

  let closed = false;
  return {
    server,
    services,
    sender,
    scheduler,
    config,
    log,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler.stop();
      await sender.stop();
      await store.close();
    },
  };
}
