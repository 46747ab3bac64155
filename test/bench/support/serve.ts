import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../../bot/app';
import { loadConfig } from '../../../services/config/config';
import { createLogger } from '../../../services/logging/logger';
import { startEchoBot } from './echo-bot';

/**
 * Child-process entry for benchmarks: `node serve.js app|echo` starts one server and prints
 * `READY <url>` so the load generator can run in another process (2 cores: one each).
 */
async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind === 'echo') {
    const echo = await startEchoBot();
    process.stdout.write(`READY ${echo.url}\n`);
    return;
  }
  const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'pk-bench-'));
  const env = {
    LOCAL_MODE: 'true',
    DATA_DIR: dataDir,
    SEED_FILE: path.join(__dirname, '..', '..', '..', '..', 'deployment', 'seed', 'demo-seed.json'),
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  const app = await createApp({ config, env, port: 0, host: '127.0.0.1', log: createLogger('silent') });
  // The review benchmark's members vote as the review group (only reviewers and chairs vote).
  for (const id of (process.env.BENCH_REVIEWERS ?? '').split(',').filter((x) => x))
    await app.services.users.setRoles(id, ['reviewer'], new Date());
  process.stdout.write(`READY ${app.url}/api/messages\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

void main();
