import type { Locale } from '../services/shared/actor';

/**
 * A database that cannot be reached (MongoDB down, network gone, failover without a primary)
 * is an outage, not a bug: turns tell the user to try again shortly, /readyz goes red, and the
 * driver reconnects by itself when the server returns.
 */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // The embedded store's file cannot be written (disk full, read-only DATA_DIR, I/O error).
  'EmbeddedStoreUnavailableError',
]);

/** True when `err` (or an error it wraps) says the database cannot be reached right now. */
export function isStoreUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && UNAVAILABLE.has(name)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const OUTAGE_TEXT: Record<Locale, string> = {
  sv: 'Projektkontoret når inte sin databas just nu, så inget nytt kunde sparas. Det du redan sparat finns kvar – försök igen om en stund.',
  en: 'Projektkontoret cannot reach its database right now, so nothing new could be saved. What you already saved is kept – please try again shortly.',
};

/** What the user is told when their turn met a database outage. */
export function storeOutageText(locale: Locale): string {
  return OUTAGE_TEXT[locale];
}

/** A start-up failure with a message for the operator (no stack trace, no credentials). */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The MongoDB URI without user name or password, for messages. */
export function redactedUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1').replace(/\?.*$/, '');
}

/** Explains a database that could not be used at start, naming the server but no secret. */
export function storeUnreachableAtStart(uri: string, err: unknown): StartupError {
  const safe = redactedUri(uri);
  const reason = (err instanceof Error ? err.message : String(err))
    .split('\n')[0]
    .slice(0, 300)
    .split(uri)
    .join(safe);
  return new StartupError(
    `Cannot use the database: ${reason}\n` +
      `Check that the MongoDB server in MONGODB_URI (${safe}) is running and reachable from here. ` +
      'The bot starts only with a working database, so it never acknowledges what it cannot save.',
  );
}

/**
 * Explains an embedded store that could not be opened (DATA_DIR read-only, disk full, held by
 * another process, an old store that could not be migrated); any other error is passed on.
 */
export function embeddedStoreUnusableAtStart(dataDir: string | null, err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name !== 'EmbeddedStoreUnavailableError' && err.name !== 'EmbeddedStoreStartError')
    return err;
  return new StartupError(
    `Cannot use the embedded store in DATA_DIR (${dataDir ?? 'memory'}): ${err.message.split('\n')[0].slice(0, 400)}\n` +
      'Give the bot a writable DATA_DIR with free space (or set MONGODB_URI). ' +
      'The bot starts only with a working database, so it never acknowledges what it cannot save.',
  );
}
