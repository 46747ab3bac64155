import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../services/config/config';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (p: string): string => readFileSync(path.join(ROOT, p), 'utf8');

/** Variable names the schema in services/config/config.ts reads (keys of its z.object). */
function configVariables(): string[] {
  const source = read('services/config/config.ts');
  const start = source.indexOf('z\n  .object({');
  const end = source.indexOf('.superRefine', start);
  expect(start).toBeGreaterThan(-1);
  const block = source.slice(start, end);
  return [...block.matchAll(/^ {4}([A-Za-z_][A-Za-z0-9_]*):/gm)].map((m) => m[1]);
}

/** Endpoint overrides bot/adapter.ts passes from the environment to botbuilder. */
function adapterVariables(): string[] {
  const source = read('bot/adapter.ts');
  const list = /AUTH_OVERRIDES = \[([\s\S]*?)\]/.exec(source);
  expect(list).not.toBeNull();
  return [...list![1].matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]);
}

/** Names documented in .env.example, set (`NAME=`) or shown as a default (`# NAME=`). */
function documented(): Set<string> {
  return new Set(
    [...read('.env.example').matchAll(/^#? ?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]),
  );
}

describe('.env.example', () => {
  it('when the configuration schema reads a variable, then .env.example documents it', () => {
    const names = configVariables();
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'MicrosoftAppId',
        'LOCAL_MODE',
        'MONGODB_URI',
        'METRICS_TOKEN',
      ]),
    );
    const missing = names.filter((n) => !documented().has(n));
    expect(missing).toEqual([]);
  });

  it('when the adapter reads a Bot Framework override, then .env.example documents it', () => {
    const names = adapterVariables();
    expect(names.length).toBeGreaterThanOrEqual(8);
    expect(names.filter((n) => !documented().has(n))).toEqual([]);
  });

  it('when a variable has a default, then the documented default matches the one the code uses', () => {
    // Shown as `# NAME=value` lines; compared with what loadConfig returns for an empty env.
    const c = loadConfig({ LOCAL_MODE: 'true' });
    const shown = Object.fromEntries(
      [...read('.env.example').matchAll(/^# ([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    expect(shown.PORT).toBe(String(c.port));
    expect(shown.MONGODB_DB).toBe(c.mongoDb);
    expect(shown.DATA_DIR).toBe(c.dataDir);
    expect(shown.LOG_LEVEL).toBe(c.logLevel);
    expect(shown.OFFICE_HOURS).toBe(`${c.officeHours.start}-${c.officeHours.end}`);
    expect(shown.OUTBOX_POLL_MS).toBe(String(c.outboxPollMs));
    expect(shown.METRICS_ENABLED).toBe(String(c.metricsEnabled));
    expect(shown.MicrosoftAppType).toBe(c.appType);
  });
});
