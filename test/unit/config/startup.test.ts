import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const ENTRY = path.join(ROOT, 'dist', 'bot', 'index.js');

/** Runs the built entry point with exactly `env` (plus PATH) and collects how it ended. */
function runEntry(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bot did not exit within 20 s; stdout: ${stdout.slice(0, 500)}`));
    }, 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('node dist/bot/index.js', () => {
  beforeAll(() => {
    // `npm test` builds before jest; a bare `npx jest` may run before any build.
    if (!existsSync(ENTRY)) {
      try {
        execFileSync(
          process.execPath,
          [
            path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
            '-p',
            'tsconfig.build.json',
          ],
          {
            cwd: ROOT,
            stdio: 'pipe',
          },
        );
      } catch {
        // tsc still emits when some other file has a type error; the check below decides.
      }
    }
    expect(existsSync(ENTRY)).toBe(true);
  }, 120_000);

  it('when started with an empty environment, then it exits non-zero with a clear message', async () => {
    const { code, stderr, stdout } = await runEntry({});
    expect(code).not.toBe(0);
    expect(code).toBe(2);
    expect(stderr).toContain('Projektkontoret cannot start.');
    expect(stderr).toMatch(
      /MicrosoftAppId: is not set: set the app registration \(MicrosoftAppId, MicrosoftAppPassword\) or LOCAL_MODE=true/,
    );
    expect(stderr).toContain('.env.example');
    expect(stdout).not.toMatch(/listening/);
  });

  it('when LOCAL_MODE is asked for in production, then it exits non-zero naming LOCAL_MODE', async () => {
    const { code, stderr } = await runEntry({ LOCAL_MODE: 'true', NODE_ENV: 'production' });
    expect(code).toBe(2);
    expect(stderr).toContain('LOCAL_MODE: is refused when NODE_ENV=production');
  });

  it('when a secret-bearing variable is wrong, then the message names it without echoing the secret', async () => {
    const { code, stderr } = await runEntry({
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'Hemligt-losen-42',
      MONGODB_URI: 'https://user:Hemligt-db-42@db.example',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('MONGODB_URI: must start with mongodb:// or mongodb+srv://');
    expect(stderr).not.toContain('Hemligt');
  });
});
