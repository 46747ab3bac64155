import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Directories made for this test file; test/support/jest-after-env.ts removes them afterwards. */
export const CREATED_DATA_DIRS: string[] = [];

/** A new, empty directory (a DATA_DIR by default) that is removed when the test file ends. */
export function freshDataDir(prefix = 'pk-data-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  CREATED_DATA_DIRS.push(dir);
  return dir;
}
