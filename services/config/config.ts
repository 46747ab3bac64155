import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OutboxSettings, readOutboxSettings } from '../outbox/outbox-settings';
import { readReminderSettings, ReminderSettings } from '../reminders/reminder-settings';

/** Runtime configuration, read only from the environment and validated once at start. */
export interface AppConfig {
  port: number;
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  appTenantId?: string;
  localMode: boolean;
  production: boolean;
  mongoUri?: string;
  mongoDb: string;
  dataDir: string;
  /** The embedded database refuses writes past this size (MB), as on a full disk; unset: no cap. */
  embeddedMaxMb?: number;
  allowedTenants: string[];
  botAdmins: string[];
  seedFile?: string;
  logLevel: string;
  serviceUrlAllowList: string[];
  officeHours: { start: string; end: string };
  outboxPollMs: number;
  graphEnabled: boolean;
  /** Reply language for everyone who has not chosen one (overrides the client's locale). */
  localeOverride?: 'sv' | 'en';
  /** Working hours (office hours on Swedish working days) a coach question may wait before a reminder. */
  coachSlaHours: number;
  /** `GET /metrics` (Prometheus text) is served; default true. */
  metricsEnabled: boolean;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Outbox sender: Teams' app-wide rate, retries, leases, timeouts (OUTBOX_*). */
  outbox: OutboxSettings;
  /** Reminder scheduler: kinds on/off, lead times, dry run (REMINDER_*, REMINDERS_*, SCHEDULER_*). */
  reminders: ReminderSettings;
  /** HMAC secret of the short-lived export links (EXPORT_SIGNING_SECRET); random per process when unset. */
  exportSigningSecret: string;
  /** True when EXPORT_SIGNING_SECRET was unset: links then work only on the instance that made them. */
  exportSecretGenerated: boolean;
  /** The bot's public base URL (PUBLIC_BASE_URL) for links on cards; default http://localhost:PORT. */
  publicBaseUrl: string;
}

const csv = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''], {
    message: 'must be true or false',
  })
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Like `bool`, but an unset variable means true. */
const boolDefaultTrue = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .optional()
  .transform((v) => v === undefined || v === 'true' || v === '1' || v === 'yes');

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Teams' Bot Connector hosts: only these may receive the bot's outbound token. */
export const DEFAULT_SERVICE_URL_ALLOW_LIST = [
  'https://smba.trafficmanager.net/',
  'https://smba.infra.gcc.teams.microsoft.com/',
  'https://smba.infra.gov.teams.microsoft.us/',
  'https://smba.infra.dod.teams.microsoft.us/',
];

const schema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3978),
    MicrosoftAppId: z
      .string()
      .optional()
      .refine((v) => !v || guid.test(v), 'must be a GUID (the app registration\'s client id)'),
    MicrosoftAppPassword: z.string().optional(),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z
      .string()
      .optional()
      .refine((v) => !v || guid.test(v), 'must be a GUID (the tenant id)'),
    LOCAL_MODE: bool,
    NODE_ENV: z.string().optional(),
    MONGODB_URI: z
      .string()
      .optional()
      .refine((v) => !v || /^mongodb(\+srv)?:\/\//.test(v), 'must start with mongodb:// or mongodb+srv://'),
    MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only').default('projektkontoret'),
    DATA_DIR: z.string().min(1).default('./data'),
    EMBEDDED_MAX_MB: z.coerce.number().int().positive().optional(),
    ALLOWED_TENANTS: z.string().optional(),
    BOT_ADMINS: z.string().optional(),
    SEED_FILE: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SERVICE_URL_ALLOW_LIST: z.string().optional(),
    OFFICE_HOURS: z
      .string()
      .regex(/^\d\d:\d\d-\d\d:\d\d$/, 'must look like 09:00-16:00')
      .default('09:00-16:00'),
    OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
    GRAPH_ENABLED: bool,
    LOCALE_OVERRIDE: z.enum(['sv', 'en'], { message: 'must be sv or en' }).optional(),
    COACH_SLA_HOURS: z
      .string()
      .regex(/^\d+([.,]\d+)?$/, 'must be a number of working hours, e.g. 8 (counted in OFFICE_HOURS on Swedish working days)')
      .transform((v) => Number(v.replace(',', '.')))
      .refine((n) => n >= 0.5 && n <= 200, 'must be between 0.5 and 200 working hours')
      .optional(),
    METRICS_ENABLED: boolDefaultTrue,
    METRICS_TOKEN: z
      .string()
      .optional()
      .refine((v) => !v || /^[\x21-\x7e]{16,256}$/.test(v), 'must be 16–256 printable characters without spaces'),
    EXPORT_SIGNING_SECRET: z
      .string()
      .optional()
      .refine((v) => !v || /^[\x21-\x7e]{32,256}$/.test(v), 'must be 32–256 printable characters without spaces'),
    PUBLIC_BASE_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), 'must be an http(s) URL such as https://projektkontoret.kommun.se'),
  })
  .superRefine((env, ctx) => {
    if (env.MicrosoftAppId && env.LOCAL_MODE) {
      ctx.addIssue({ code: 'custom', path: ['LOCAL_MODE'], message: 'cannot be true when MicrosoftAppId is set' });
    }
    if (env.MicrosoftAppId && !env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required with MicrosoftAppId' });
    }
    if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppId && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required for SingleTenant' });
    }
    if (!env.MicrosoftAppId && !env.LOCAL_MODE) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppId'],
        message: 'is not set: set the app registration (MicrosoftAppId, MicrosoftAppPassword) or LOCAL_MODE=true for local use',
      });
    }
    if (env.LOCAL_MODE && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['LOCAL_MODE'], message: 'is refused when NODE_ENV=production' });
    }
    const [start, end] = env.OFFICE_HOURS.split('-');
    // A malformed value already has its own message; this checks the times of a well-formed one.
    if (/^\d\d:\d\d-\d\d:\d\d$/.test(env.OFFICE_HOURS) && (!hhmm.test(start) || !hhmm.test(end) || start >= end)) {
      ctx.addIssue({ code: 'custom', path: ['OFFICE_HOURS'], message: 'must be two times HH:MM-HH:MM, start before end' });
    }
    for (const id of csv(env.BOT_ADMINS)) {
      if (!guid.test(id)) {
        ctx.addIssue({ code: 'custom', path: ['BOT_ADMINS'], message: `"${id}" is not an AAD object id (GUID)` });
      }
    }
  });

/** Thrown when the environment is wrong; lists one line per variable. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the configuration; throws ConfigError listing every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') clean[k] = v;
  const parsed = schema.safeParse(clean);
  const outbox = readOutboxSettings(clean);
  const hours = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(clean.OFFICE_HOURS ?? '09:00-16:00');
  const reminders = readReminderSettings(clean, { start: hours?.[1] ?? '09:00', end: hours?.[2] ?? '16:00' });
  if (!parsed.success || outbox.problems.length > 0 || reminders.problems.length > 0) {
    throw new ConfigError([
      ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)),
      ...outbox.problems,
      ...reminders.problems,
    ]);
  }
  const e = parsed.data;
  const [start, end] = e.OFFICE_HOURS.split('-');
  const allow = csv(e.SERVICE_URL_ALLOW_LIST);
  return {
    port: e.PORT,
    appId: e.MicrosoftAppId,
    appPassword: e.MicrosoftAppPassword,
    appType: e.MicrosoftAppType,
    appTenantId: e.MicrosoftAppTenantId,
    localMode: e.LOCAL_MODE,
    production: e.NODE_ENV === 'production',
    mongoUri: e.MONGODB_URI,
    mongoDb: e.MONGODB_DB,
    dataDir: e.DATA_DIR,
    embeddedMaxMb: e.EMBEDDED_MAX_MB,
    allowedTenants: csv(e.ALLOWED_TENANTS),
    botAdmins: csv(e.BOT_ADMINS).map((s) => s.toLowerCase()),
    seedFile: e.SEED_FILE,
    logLevel: e.LOG_LEVEL,
    serviceUrlAllowList: allow.length > 0 ? allow : DEFAULT_SERVICE_URL_ALLOW_LIST,
    officeHours: { start, end },
    outboxPollMs: e.OUTBOX_POLL_MS,
    graphEnabled: e.GRAPH_ENABLED && !!e.MicrosoftAppId,
    localeOverride: e.LOCALE_OVERRIDE,
    coachSlaHours: e.COACH_SLA_HOURS ?? 8,
    metricsEnabled: e.METRICS_ENABLED,
    metricsToken: e.METRICS_TOKEN,
    exportSigningSecret: e.EXPORT_SIGNING_SECRET ?? randomBytes(32).toString('base64url'),
    exportSecretGenerated: !e.EXPORT_SIGNING_SECRET,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    outbox: outbox.value,
    reminders: reminders.value,
  };
}

/** True when a serviceUrl may receive the bot's token (prefix match on the allow-list). */
export function isAllowedServiceUrl(serviceUrl: string, allowList: string[]): boolean {
  const url = serviceUrl.toLowerCase();
  return allowList.some((prefix) => url.startsWith(prefix.toLowerCase()));
}
