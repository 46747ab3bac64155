import { createReadStream, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** One change to one document in the journal of the embedded store before version 0.2 (nedb). */
export type LegacyRecord =
  { c: string; op: 'put'; doc: Record<string, unknown> } | { c: string; op: 'del'; id: string };

const FILES = ['store.snapshot.jsonl', 'store.journal.jsonl'];

/** The old store's files in `dir` that have not been migrated yet, oldest first. */
export function legacyFiles(dir: string): string[] {
  return FILES.map((f) => path.join(dir, f)).filter((f) => existsSync(f));
}

/**
 * Every record of the old store, in order, read line by line (the old start-up read the whole
 * file as one string and failed past 512 MB). A torn last line, the write a crash interrupted,
 * is skipped as the old store did; any other bad line stops the migration.
 */
export async function* readLegacy(files: string[]): AsyncGenerator<LegacyRecord> {
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let pending: { line: string; n: number } | null = null;
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line) continue;
      if (pending) yield parse(pending.line, file, pending.n);
      pending = { line, n };
    }
    if (pending) {
      try {
        yield JSON.parse(pending.line) as LegacyRecord;
      } catch {
        // The write a crash interrupted: the old store ignored it too.
      }
    }
  }
}

function parse(line: string, file: string, n: number): LegacyRecord {
  try {
    return JSON.parse(line) as LegacyRecord;
  } catch (err) {
    throw new Error(`${file} line ${n} is corrupt: ${(err as Error).message}`);
  }
}

/** Keeps the old files beside the new database, renamed, so a migration can be checked or undone. */
export function setAsideLegacy(files: string[]): string[] {
  return files.map((f) => {
    const to = `${f}.migrated`;
    renameSync(f, to);
    return to;
  });
}
