/** How the outbox sender behaves; read from the environment once at start (see config.ts). */
export interface OutboxSettings {
  /** Teams' app-wide limit per tenant, requests per second (Teams: 50). */
  appRatePerSecond: number;
  /** Safety margin added to every rate window: clock differences between instances (NTP keeps them to a few ms). */
  rateMarginMs: number;
  /** Retryable failures (412/502/503/504, network) before a message is dead-lettered. */
  maxAttempts: number;
  /** How long a claim keeps other instances off a message. */
  leaseMs: number;
  /** Per-request timeout towards Teams. */
  requestTimeoutMs: number;
  /** Requests in flight at once per instance. */
  maxInFlight: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  appRatePerSecond: 50,
  rateMarginMs: 10,
  maxAttempts: 8,
  leaseMs: 30_000,
  requestTimeoutMs: 15_000,
  maxInFlight: 4,
};

type Env = Record<string, string | undefined>;

/** Reads an integer variable within bounds; records a problem instead of throwing. */
export function intFromEnv(
  env: Env,
  name: string,
  min: number,
  max: number,
  fallback: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

/**
 * OUTBOX_APP_RATE_PER_SECOND (50), OUTBOX_RATE_MARGIN_MS (10), OUTBOX_MAX_ATTEMPTS (8),
 * OUTBOX_LEASE_MS (30000), OUTBOX_REQUEST_TIMEOUT_MS (15000), OUTBOX_MAX_IN_FLIGHT (4).
 */
export function readOutboxSettings(env: Env): { value: OutboxSettings; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULT_OUTBOX_SETTINGS;
  const value: OutboxSettings = {
    appRatePerSecond: intFromEnv(
      env,
      'OUTBOX_APP_RATE_PER_SECOND',
      1,
      1000,
      d.appRatePerSecond,
      problems,
    ),
    rateMarginMs: intFromEnv(env, 'OUTBOX_RATE_MARGIN_MS', 0, 1000, d.rateMarginMs, problems),
    maxAttempts: intFromEnv(env, 'OUTBOX_MAX_ATTEMPTS', 1, 100, d.maxAttempts, problems),
    leaseMs: intFromEnv(env, 'OUTBOX_LEASE_MS', 500, 600_000, d.leaseMs, problems),
    requestTimeoutMs: intFromEnv(
      env,
      'OUTBOX_REQUEST_TIMEOUT_MS',
      500,
      120_000,
      d.requestTimeoutMs,
      problems,
    ),
    maxInFlight: intFromEnv(env, 'OUTBOX_MAX_IN_FLIGHT', 1, 64, d.maxInFlight, problems),
  };
  return { value, problems };
}
