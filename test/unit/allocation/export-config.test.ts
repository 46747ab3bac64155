import { ConfigError, loadConfig } from '../../../services/config/config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ LOCAL_MODE: 'true', ...env });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('export link configuration', () => {
  it('when EXPORT_SIGNING_SECRET is unset, then each process signs with its own random secret and says so', () => {
    const a = loadConfig({ LOCAL_MODE: 'true' });
    const b = loadConfig({ LOCAL_MODE: 'true' });
    expect(a.exportSecretGenerated).toBe(true);
    expect(a.exportSigningSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.exportSigningSecret).not.toBe(b.exportSigningSecret);
    expect(a.publicBaseUrl).toBe('http://localhost:3978');
  });

  it('when a shared secret and a public address are set, then links use them', () => {
    const c = loadConfig({
      LOCAL_MODE: 'true',
      EXPORT_SIGNING_SECRET: 'k'.repeat(48),
      PUBLIC_BASE_URL: 'https://pk.kommun.se/',
    });
    expect(c.exportSecretGenerated).toBe(false);
    expect(c.exportSigningSecret).toBe('k'.repeat(48));
    expect(c.publicBaseUrl).toBe('https://pk.kommun.se');
  });

  it('when the secret is short or the address is not a URL, then start is refused naming the variable, never the value', () => {
    const short = problemsOf({ EXPORT_SIGNING_SECRET: 'tooshort-secret-value' });
    expect(short).toEqual([
      'EXPORT_SIGNING_SECRET: must be 32–256 printable characters without spaces',
    ]);
    expect(short.join()).not.toContain('tooshort-secret-value');
    expect(problemsOf({ PUBLIC_BASE_URL: 'ftp://x' })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: must be an http\(s\) URL/),
    ]);
  });
});
