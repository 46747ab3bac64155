/**
 * The database file cannot be written or read right now (disk full, read-only file system, I/O
 * error): an outage, not a bug. The operation's transaction was rolled back, so nothing of it is
 * stored; turns tell the user that nothing new was saved (bot/store-outage.ts).
 */
export class EmbeddedStoreUnavailableError extends Error {
  override name = 'EmbeddedStoreUnavailableError';
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${EmbeddedStoreUnavailableError.explain(code)} (${code}: ${detail})`);
  }

  /** The error for a file-system refusal in DATA_DIR (read-only, no permission, full), or the error itself. */
  static fromFs(err: unknown, dir: string): unknown {
    const code = (err as { code?: string })?.code;
    const map: Record<string, string> = {
      EROFS: 'SQLITE_READONLY',
      EACCES: 'SQLITE_READONLY',
      EPERM: 'SQLITE_READONLY',
      ENOSPC: 'SQLITE_FULL',
    };
    if (!code || !map[code]) return err;
    return new EmbeddedStoreUnavailableError(map[code], `${dir}: ${(err as Error).message}`);
  }

  static explain(code: string): string {
    if (code === 'SQLITE_FULL') return 'the disk holding DATA_DIR is full';
    if (code.startsWith('SQLITE_READONLY'))
      return 'DATA_DIR is read-only or not writable by this process';
    if (code.startsWith('SQLITE_CANTOPEN')) return 'the database file in DATA_DIR cannot be opened';
    if (code.startsWith('SQLITE_BUSY'))
      return 'another process holds the database file in DATA_DIR';
    return 'the database file in DATA_DIR cannot be read or written';
  }
}

/** The embedded store cannot start here for a reason the operator must fix (DATA_DIR held by another process, an old store that could not be migrated). */
export class EmbeddedStoreStartError extends Error {
  override name = 'EmbeddedStoreStartError';
}
