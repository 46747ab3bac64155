import {
  ConfigError,
  DEFAULT_SERVICE_URL_ALLOW_LIST,
  isAllowedServiceUrl,
  loadConfig,
} from '../../../services/config/config';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '66666666-7777-4888-9999-000000000000';
const CREDENTIALS = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret-value-123' };

/** The problems a ConfigError lists; fails the test when the env is accepted. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('when nothing is set, then it refuses to start and says to set MicrosoftAppId or LOCAL_MODE', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MicrosoftAppId: is not set/);
    expect(problems[0]).toContain('LOCAL_MODE=true');
  });

  it('when LOCAL_MODE=true and nothing else, then it starts in local mode with the documented defaults', () => {
    const c = loadConfig({ LOCAL_MODE: 'true' });
    expect(c).toMatchObject({
      port: 3978,
      localMode: true,
      production: false,
      appType: 'MultiTenant',
      mongoDb: 'projektkontoret',
      dataDir: './data',
      allowedTenants: [],
      botAdmins: [],
      logLevel: 'info',
      officeHours: { start: '09:00', end: '16:00' },
      outboxPollMs: 1000,
      graphEnabled: false,
      metricsEnabled: true,
    });
    expect(c.appId).toBeUndefined();
    expect(c.mongoUri).toBeUndefined();
    expect(c.metricsToken).toBeUndefined();
    expect(c.serviceUrlAllowList).toEqual(DEFAULT_SERVICE_URL_ALLOW_LIST);
  });

  it('when the app registration is complete, then auth is on and local mode off', () => {
    const c = loadConfig({ ...CREDENTIALS, NODE_ENV: 'production' });
    expect(c.appId).toBe(APP_ID);
    expect(c.localMode).toBe(false);
    expect(c.production).toBe(true);
  });

  it('when LOCAL_MODE is combined with MicrosoftAppId, then it is refused', () => {
    expect(problemsOf({ ...CREDENTIALS, LOCAL_MODE: 'true' })).toEqual([
      'LOCAL_MODE: cannot be true when MicrosoftAppId is set',
    ]);
  });

  it('when LOCAL_MODE is asked for with NODE_ENV=production, then it is refused', () => {
    expect(problemsOf({ LOCAL_MODE: 'true', NODE_ENV: 'production' })).toEqual([
      'LOCAL_MODE: is refused when NODE_ENV=production',
    ]);
  });

  it('when NODE_ENV=production has no credentials, then it refuses to start', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).toMatch(/^MicrosoftAppId: is not set/);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'MicrosoftAppId is not a GUID',
      { MicrosoftAppId: 'my-bot', MicrosoftAppPassword: 'x' },
      /^MicrosoftAppId: must be a GUID/,
    ],
    [
      'the password is missing',
      { MicrosoftAppId: APP_ID },
      /^MicrosoftAppPassword: is required with MicrosoftAppId$/,
    ],
    [
      'SingleTenant has no tenant',
      { ...CREDENTIALS, MicrosoftAppType: 'SingleTenant' },
      /^MicrosoftAppTenantId: is required for SingleTenant$/,
    ],
    [
      'the tenant id is not a GUID',
      { ...CREDENTIALS, MicrosoftAppTenantId: 'contoso' },
      /^MicrosoftAppTenantId: must be a GUID/,
    ],
    [
      'the app type is unknown',
      { ...CREDENTIALS, MicrosoftAppType: 'Personal' },
      /^MicrosoftAppType: /,
    ],
    ['LOCAL_MODE is not a boolean', { LOCAL_MODE: 'maybe' }, /^LOCAL_MODE: must be true or false$/],
    ['PORT is not a number', { LOCAL_MODE: 'true', PORT: 'http' }, /^PORT: /],
    ['PORT is out of range', { LOCAL_MODE: 'true', PORT: '70000' }, /^PORT: /],
    [
      'MONGODB_URI is not a MongoDB URL',
      { LOCAL_MODE: 'true', MONGODB_URI: 'postgres://u:pw@db/x' },
      /^MONGODB_URI: must start with mongodb:\/\/ or mongodb\+srv:\/\/$/,
    ],
    [
      'MONGODB_DB has odd characters',
      { LOCAL_MODE: 'true', MONGODB_DB: 'pk db' },
      /^MONGODB_DB: letters, digits, _ and - only$/,
    ],
    ['LOG_LEVEL is unknown', { LOCAL_MODE: 'true', LOG_LEVEL: 'verbose' }, /^LOG_LEVEL: /],
    [
      'OFFICE_HOURS is malformed',
      { LOCAL_MODE: 'true', OFFICE_HOURS: '9-16' },
      /^OFFICE_HOURS: must look like 09:00-16:00$/,
    ],
    [
      'OFFICE_HOURS ends before it starts',
      { LOCAL_MODE: 'true', OFFICE_HOURS: '16:00-09:00' },
      /^OFFICE_HOURS: must be two times HH:MM-HH:MM, start before end$/,
    ],
    [
      'OUTBOX_POLL_MS is too small',
      { LOCAL_MODE: 'true', OUTBOX_POLL_MS: '1' },
      /^OUTBOX_POLL_MS: /,
    ],
    [
      'BOT_ADMINS holds a name',
      { LOCAL_MODE: 'true', BOT_ADMINS: `${APP_ID}, anna@kommun.se` },
      /^BOT_ADMINS: "anna@kommun.se" is not an AAD object id \(GUID\)$/,
    ],
    [
      'GRAPH_ENABLED is not a boolean',
      { LOCAL_MODE: 'true', GRAPH_ENABLED: 'on' },
      /^GRAPH_ENABLED: must be true or false$/,
    ],
    [
      'METRICS_ENABLED is not a boolean',
      { LOCAL_MODE: 'true', METRICS_ENABLED: 'sometimes' },
      /^METRICS_ENABLED: must be true or false$/,
    ],
    [
      'METRICS_TOKEN is too short',
      { LOCAL_MODE: 'true', METRICS_TOKEN: 'abc' },
      /^METRICS_TOKEN: must be 16–256 printable characters without spaces$/,
    ],
  ])('when %s, then the message names that variable and what is wrong', (_what, env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('when several variables are wrong, then every one is listed on its own line', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ LOCAL_MODE: 'true', PORT: 'x', LOG_LEVEL: 'loud', MONGODB_DB: '$' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LOG_LEVEL',
      'MONGODB_DB',
      'PORT',
    ]);
    expect(error!.message.split('\n')).toHaveLength(4);
    expect(error!.message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('when a secret is malformed, then the message never repeats its value', () => {
    const uri = 'postgres://admin:Hemligt123@db.example/x';
    const token = 'tooshort!';
    const problems = problemsOf({ LOCAL_MODE: 'true', MONGODB_URI: uri, METRICS_TOKEN: token });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('Hemligt123');
    expect(problems.join('\n')).not.toContain(token);
  });

  it('when UserAssignedMSI is used, then no password is needed', () => {
    const c = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
    });
    expect(c.appPassword).toBeUndefined();
    expect(c.appType).toBe('UserAssignedMSI');
  });

  it('when lists and switches are given, then they are parsed, trimmed and normalised', () => {
    const admin = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
    const c = loadConfig({
      ...CREDENTIALS,
      MicrosoftAppTenantId: TENANT,
      ALLOWED_TENANTS: ` ${TENANT} , other-tenant ,,`,
      BOT_ADMINS: admin,
      SERVICE_URL_ALLOW_LIST: 'https://smba.trafficmanager.net/emea/, http://127.0.0.1:9999/',
      GRAPH_ENABLED: 'yes',
      METRICS_ENABLED: 'false',
      METRICS_TOKEN: 'a-long-enough-metrics-token',
      OFFICE_HOURS: '08:30-17:00',
      PORT: '8080',
    });
    expect(c.allowedTenants).toEqual([TENANT, 'other-tenant']);
    expect(c.botAdmins).toEqual([admin.toLowerCase()]);
    expect(c.serviceUrlAllowList).toEqual([
      'https://smba.trafficmanager.net/emea/',
      'http://127.0.0.1:9999/',
    ]);
    expect(c.graphEnabled).toBe(true);
    expect(c.metricsEnabled).toBe(false);
    expect(c.metricsToken).toBe('a-long-enough-metrics-token');
    expect(c.officeHours).toEqual({ start: '08:30', end: '17:00' });
    expect(c.port).toBe(8080);
  });

  it('when a variable is set to the empty string, then it counts as unset', () => {
    const c = loadConfig({
      LOCAL_MODE: 'true',
      MicrosoftAppId: '',
      PORT: '',
      MONGODB_URI: '',
      METRICS_ENABLED: '',
    });
    expect(c.appId).toBeUndefined();
    expect(c.port).toBe(3978);
    expect(c.mongoUri).toBeUndefined();
    expect(c.metricsEnabled).toBe(true);
  });

  it('when Graph is asked for in local mode, then it stays off (Graph needs the app registration)', () => {
    expect(loadConfig({ LOCAL_MODE: 'true', GRAPH_ENABLED: 'true' }).graphEnabled).toBe(false);
  });
});

describe('isAllowedServiceUrl', () => {
  it.each([
    ['https://smba.trafficmanager.net/emea/', true],
    ['HTTPS://SMBA.TRAFFICMANAGER.NET/amer/', true],
    ['https://smba.infra.gcc.teams.microsoft.com/x/', true],
    ['https://smba.trafficmanager.net.evil.example/emea/', false],
    ['https://evil.example/https://smba.trafficmanager.net/', false],
    ['http://smba.trafficmanager.net/emea/', false],
    ['https://smba.trafficmanager.net@evil.example/', false],
    ['', false],
  ])('when the serviceUrl is %j, then allowed is %s', (url, allowed) => {
    expect(isAllowedServiceUrl(url, DEFAULT_SERVICE_URL_ALLOW_LIST)).toBe(allowed);
  });
});
