import { rmSync } from 'node:fs';
import { CREATED_DATA_DIRS } from './temp-dirs';

// Each test file's embedded stores go when the file is done, so runs do not pile up data in /tmp.
afterAll(() => {
  for (const dir of CREATED_DATA_DIRS.splice(0)) rmSync(dir, { recursive: true, force: true });
});
