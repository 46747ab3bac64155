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
];

/** The structured JSON logger used everywhere (pino), with secrets redacted. */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'projektkontoret' } },
    destination,
  );
}
