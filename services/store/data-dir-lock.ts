import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { EmbeddedStoreStartError, EmbeddedStoreUnavailableError } from './embedded-unavailable';

/**
 * The pid file that tells an operator which process owns a DATA_DIR. The embedded store serves
 * one process; SQLite's exclusive locking mode is the real guard, this file gives the message a
 * name (and a stale file from a killed process is taken over).
 */
export class DataDirLock {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = path.join(dir, 'store.lock');
  }

  take(): void {
    try {
      const fd = openSync(this.file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      // Held (or stale: see below); anything else is a DATA_DIR this process cannot write.
      if ((err as { code?: string }).code !== 'EEXIST')
        throw EmbeddedStoreUnavailableError.fromFs(err, this.dir);
    }
    const pid = Number(readFileSync(this.file, 'utf8'));
    let alive = false;
    try {
      if (pid && pid !== process.pid) {
        process.kill(pid, 0);
        alive = true;
      }
    } catch {
      alive = false;
    }
    if (alive) {
      throw new EmbeddedStoreStartError(
        `DATA_DIR ${this.dir} is in use by process ${pid}: the embedded store serves one process; use MongoDB to run several`,
      );
    }
    writeFileSync(this.file, String(process.pid));
  }

  release(): void {
    try {
      if (existsSync(this.file) && readFileSync(this.file, 'utf8') === String(process.pid))
        unlinkSync(this.file);
    } catch {
      /* best effort */
    }
  }
}
