import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Directories made for this test file; test/support/jest-after-env.ts removes them afterwards. */
export const CREATED_DATA_DIRS: string[] = [];

/** A new, empty DATA_DIR that is removed when the test file ends. */
export function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-data-'));
  CREATED_DATA_DIRS.push(dir);
  return dir;
}
