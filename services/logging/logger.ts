import pino, { Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: secrets, tokens and free text that may hold personal data. */
const REDACT = [
  'MicrosoftAppPassword',
  '*.MicrosoftAppPassword',
  'appPassword',
  '*.appPassword',
  'mongoUri',
  '*.mongoUri',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'METRICS_TOKEN',
  '*.METRICS_TOKEN',
  'metricsToken',
  '*.metricsToken',
  'headers.cookie',
  'req.headers.cookie',
];

/**
 * Errors are logged by name, message, code, status and stack only. pino's default would copy
 * every enumerable property, and HTTP client errors carry the request with its bearer token.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 2000) };
  const e = err as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: e.name,
    message: e.message.slice(0, 2000),
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
    stack: e.stack,
  };
}

/** The structured JSON logger used everywhere (pino), with secrets redacted. */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { app: 'projektkontoret' },
      serializers: { err: serializeError },
    },
    destination,
  );
}
