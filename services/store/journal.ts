import {
  closeSync,
  existsSync,
  fdatasyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import path from 'node:path';

/** One change to one document: its full new state, or its removal. */
export type JournalRecord = { c: string; op: 'put'; doc: Record<string, unknown> } | { c: string; op: 'del'; id: string };

/**
 * The embedded store's durability: an append-only journal with group commit (every write waits
 * until its line is in the file, and lines written at the same moment share one write call),
 * compacted into a snapshot at start and when it grows.
 */
export class Journal {
  private handle: FileHandle | null = null;
  private queue: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private bytes = 0;
  private readonly journalFile: string;
  private readonly snapshotFile: string;
  private readonly lockFile: string;

  constructor(
    private readonly dir: string,
    private readonly opts: { fsync: boolean; compactAtBytes: number },
  ) {
    this.journalFile = path.join(dir, 'store.journal.jsonl');
    this.snapshotFile = path.join(dir, 'store.snapshot.jsonl');
    this.lockFile = path.join(dir, 'store.lock');
  }

  /** Takes the directory's lock: two processes writing one embedded store would corrupt it. */
  lock(): void {
    try {
      const fd = openSync(this.lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    } catch {
      const pid = Number(readFileSync(this.lockFile, 'utf8'));
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
        throw new Error(`DATA_DIR ${this.dir} is in use by process ${pid}: the embedded store serves one process; use MongoDB to run several`);
      }
      writeFileSync(this.lockFile, String(process.pid));
    }
  }

  unlock(): void {
    try {
      if (existsSync(this.lockFile) && readFileSync(this.lockFile, 'utf8') === String(process.pid)) unlinkSync(this.lockFile);
    } catch {
      /* best effort */
    }
  }

  /** Everything stored, in order: the snapshot, then the journal (a torn last line is ignored). */
  readAll(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const file of [this.snapshotFile, this.journalFile]) {
      if (!existsSync(file)) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line) continue;
        try {
          out.push(JSON.parse(line) as JournalRecord);
        } catch (err) {
          if (i >= lines.length - 2) break; // the write a crash interrupted
          throw new Error(`${file} line ${i + 1} is corrupt: ${(err as Error).message}`);
        }
      }
    }
    return out;
  }

  /** Replaces snapshot + journal by one snapshot of the given documents (atomic rename). */
  async compact(docs: Iterable<JournalRecord>): Promise<void> {
    await this.drain();
    if (this.handle) {
      await this.handle.close();
      this.handle = null;
    }
    const tmp = `${this.snapshotFile}.tmp`;
    const fd = openSync(tmp, 'w');
    let buf = '';
    for (const rec of docs) {
      buf += `${JSON.stringify(rec)}\n`;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf) writeSync(fd, buf);
    closeSync(fd);
    renameSync(tmp, this.snapshotFile);
    writeFileSync(this.journalFile, '');
    this.bytes = 0;
    this.handle = await open(this.journalFile, 'a');
  }

  async openForAppend(): Promise<void> {
    this.handle = await open(this.journalFile, 'a');
  }

  get size(): number {
    return this.bytes;
  }

  get compactAtBytes(): number {
    return this.opts.compactAtBytes;
  }

  /** Appends a record; resolves once it is written (and fsynced when configured). */
  append(rec: JournalRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(rec)}\n`, resolve, reject });
      if (!this.flushing) {
        this.flushing = new Promise((done) => {
          // Everything appended in this turn of the event loop goes out in one write.
          setImmediate(() => {
            this.flush();
            this.flushing = null;
            done();
          });
        });
      }
    });
  }

  /**
   * Writes the queued lines with one synchronous append: to the page cache this costs a few
   * microseconds, less than a round trip through libuv's thread pool, and keeps the order.
   */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const data = batch.map((b) => b.line).join('');
    try {
      if (!this.handle) throw new Error('journal is closed');
      const buf = Buffer.from(data, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(this.handle.fd, buf, off, buf.length - off);
      if (this.opts.fsync) fdatasyncSync(this.handle.fd);
      this.bytes += buf.length;
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.handle?.close();
    this.handle = null;
  }
}
