/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-after-env.ts'],
  maxWorkers: 2,
};
