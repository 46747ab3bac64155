import { rmSync } from 'node:fs';
import { CREATED_DATA_DIRS } from './temp-dirs';
import { dropTestDatabases } from './test-store';

// Each test file's embedded stores go when the file is done, so runs do not pile up data in /tmp;
// under TEST_STORE=mongodb the file's databases are dropped too.
afterAll(async () => {
  for (const dir of CREATED_DATA_DIRS.splice(0)) rmSync(dir, { recursive: true, force: true });
  await dropTestDatabases();
});
