import { createApp } from './app';
import { ConfigError, loadConfig } from '../services/config/config';
import { createLogger, Logger } from '../services/logging/logger';
import { isOffered } from '../services/portfolios/portfolio-repository';
import { Services } from '../services/services';
import { StartupError } from './store-outage';

/**
 * A fresh production install has no portfolio, and applicants could not apply: say so at start,
 * with the two ways to fix it.
 */
export async function warnWhenNothingOpen(s: Pick<Services, 'portfolios'>, log: Logger): Promise<void> {
  const portfolios = await s.portfolios.all();
  if (portfolios.some(isOffered)) return;
  log.warn(
    { portfolios: portfolios.length },
    portfolios.length === 0
      ? 'No portfolio exists, so nobody can apply yet. Load the production seed (SEED_FILE=deployment/seed/production-seed.json) or type "hantera portföljer" (manage portfolios) to the bot as an admin (BOT_ADMINS) and create one.'
      : 'No portfolio is open, so nobody can apply. Type "hantera portföljer" (manage portfolios) to the bot as an admin and open one.',
  );
}

/** `npm run serve`: the bot alone, configured only from the environment, as a container runs it. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Projektkontoret cannot start.\n${err.message}\nSee .env.example for every variable.\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log });
  await warnWhenNothingOpen(app.services, log);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof StartupError) {
      process.stderr.write(`Projektkontoret cannot start.\n${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Projektkontoret failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
