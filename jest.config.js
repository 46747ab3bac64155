/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  // The MongoDB engine on FerretDB is several times slower than the in-memory store (each
  // operation is a PostgreSQL round trip; updates take per-document locks): more time per test.
  testTimeout: process.env.TEST_STORE === 'mongodb' ? 180000 : 60000,
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-after-env.ts'],
  maxWorkers: 2,
};
