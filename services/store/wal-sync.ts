import { promises as fsp } from 'node:fs';
import path from 'node:path';

/**
 * The fsync of the embedded store's write-ahead log, off the event loop.
 *
 * SQLite commits with `synchronous = NORMAL`: a COMMIT appends the transaction's frames, commit
 * frame last, to `store.sqlite-wal` and returns without waiting for the disk. The store then
 * asks this syncer for an fsync of that file (libuv's thread pool), and whatever tells anybody
 * that a write was saved (a turn's answer, a message sent) waits until it is done
 * (EmbeddedStore.durable). A transaction in WAL mode is durable once its frames are on stable
 * storage (recovery replays the log up to the last valid commit frame), so an acknowledged write
 * survives power loss exactly as with `synchronous = FULL`, which makes the same one fsync of the
 * log per commit — but inside COMMIT, on the event loop, where every other person's turn waits
 * for the disk.
 *
 * fsync flushes the file (the inode), whichever descriptor wrote it; SQLite keeps the log file
 * while it holds the database in exclusive mode (a checkpoint rewrites it in place), so one
 * descriptor opened after the first commit serves until the store closes. The directory is
 * fsync'd once too, so that the log's name survives a crash as well as its contents.
 *
 * Calls made while an fsync runs share the next one: it starts when the running one ends, so each
 * caller waits for an fsync that began after everything it committed was written.
 */
export class WalSync {
  private file: fsp.FileHandle | null = null;
  private running = false;
  private next: {
    promise: Promise<void>;
    resolve: () => void;
    reject: (e: unknown) => void;
  } | null = null;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly walPath: string) {}

  /** Resolves once everything written to the log before this call is on disk. */
  sync(): Promise<void> {
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    const waiting = this.next.promise;
    if (!this.running) this.idle = this.run();
    return waiting;
  }

  /** Waits for the fsyncs asked for so far (before the store closes). */
  async drain(): Promise<void> {
    while (this.running) await this.idle;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.file?.close().catch(() => undefined);
    this.file = null;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.next) {
        const batch = this.next;
        this.next = null;
        try {
          if (!this.file) {
            this.file = await fsp.open(this.walPath, 'r');
            const dir = await fsp.open(path.dirname(this.walPath), 'r');
            try {
              await dir.sync();
            } finally {
              await dir.close();
            }
          }
          await this.file.sync();
          batch.resolve();
        } catch (err) {
          batch.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
