import { AddressInfo } from 'node:net';
import restify from 'restify';
import { AppConfig } from '../services/config/config';
import { createGraphProfileLookup } from '../services/graph/graph-profile';
import { createLogger, Logger } from '../services/logging/logger';
import { OutboxSender } from '../services/outbox/outbox-sender';
import { applySeed, readSeed } from '../services/seed/apply-seed';
import { createServices, Services } from '../services/services';
import { Clock, systemClock } from '../services/shared/clock';
import { openStore } from '../services/store/open-store';
import { BotAdapter, createAuthentication } from './adapter';
import { createOutboxDelivery } from './outbox-delivery';
import { createProfileLookup } from './profile';
import { ProjektkontoretBot } from './projektkontoret-bot';
import { createServer } from './server';

export interface App {
  server: restify.Server;
  services: Services;
  sender: OutboxSender;
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
}

/** The composition root: config → store → services → adapter → bot → server → sender. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const store = await openStore({ mongoUri: config.mongoUri, mongoDb: config.mongoDb, dataDir: config.dataDir });
  const services = await createServices(store, { clock, log, admins: config.botAdmins });
  if (config.seedFile) {
    const changes = await applySeed(services, await readSeed(config.seedFile));
    log.info({ seed: config.seedFile, changes }, 'seed applied');
  }

  const auth = createAuthentication(config, opts.env);
  const adapter = new BotAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, activityType: context.activity.type }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity('Något gick fel. Det du sparat finns kvar – försök igen. / Something went wrong; what you saved is kept.').catch(() => undefined);
    }
  };
  const graph =
    config.graphEnabled && config.appId && config.appPassword && config.appTenantId
      ? createGraphProfileLookup({ tenantId: config.appTenantId, clientId: config.appId, clientSecret: config.appPassword })
      : null;
  const bot = new ProjektkontoretBot({ services, config, lookupProfile: createProfileLookup(services, graph, log) });
  const sender = new OutboxSender(services.outbox, createOutboxDelivery(adapter, services, config), clock, log, {
    pollMs: config.outboxPollMs,
  });
  services.outbox.onEnqueue = () => sender.kick();
  const server = createServer({ config, services, adapter, auth, bot, log, senderRunning: () => sender.isRunning });

  const port = opts.port ?? config.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  if (opts.startSender !== false) sender.start();
  if (config.localMode) {
    log.warn('LOCAL MODE: Bot Connector authentication is OFF. Use only on your own machine, never in production.');
  }
  log.info({ port: address.port, store: store.kind }, 'Projektkontoret is listening');

  let closed = false;
  return {
    server,
    services,
    sender,
    config,
    log,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sender.stop();
      await store.close();
    },
  };
}
