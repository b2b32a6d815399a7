/**
 * Jest projects: unit (pure), api+db on each engine (PGlite always; PostgreSQL when TEST_DATABASE_URL is set),
 * and e2e in headless Chromium when /usr/bin/chromium (or CHROMIUM_PATH) exists.
 * SIGNPOST_TEST_STRICT=1 (set by .ci/run) turns a skipped engine or browser leg into a failure.
 */
const fs = require('node:fs');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const hasChromium = fs.existsSync(chromium);
const strict = process.env.SIGNPOST_TEST_STRICT === '1';

const missing = [];
if (!hasPostgres) missing.push('the PostgreSQL leg (TEST_DATABASE_URL is not set)');
if (!hasChromium) missing.push(`the browser leg (no Chromium at ${chromium})`);
if (missing.length && strict) {
  throw new Error(`SIGNPOST_TEST_STRICT=1 but these legs would be skipped: ${missing.join('; ')}`);
}
if (missing.length) {
  // Visible on every non-strict run so nobody mistakes a partial run for a full one.
  process.stderr.write(`\n[signpost tests] skipping ${missing.join('; ')}\n\n`);
}

const shared = {
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@shared/(.*)$': '<rootDir>/shared/$1',
    '^@server/(.*)$': '<rootDir>/server/$1',
    '^@client/(.*)$': '<rootDir>/client/$1',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};

const engineProject = (engine) => ({
  ...shared,
  displayName: engine,
  testMatch: ['<rootDir>/tests/{api,db,scripts}/**/*.test.ts'],
  setupFiles: [`<rootDir>/tests/helpers/engine-${engine}.js`],
});

module.exports = {
  globalSetup: '<rootDir>/tests/helpers/globalSetup.ts',
  // A safety net, not a measure: set-up on the embedded engine can take over a minute on a loaded 2-core machine.
  testTimeout: 180_000,
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  reporters: ['default', '<rootDir>/tests/helpers/summaryReporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/tests/{unit,process}/**/*.test.ts?(x)'] },
    engineProject('pglite'),
    ...(hasPostgres ? [engineProject('postgres')] : []),
    ...(hasChromium
      ? [
          {
            ...shared,
            displayName: 'e2e',
            testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
            setupFiles: ['<rootDir>/tests/helpers/engine-pglite.js'],
            setupFilesAfterEnv: ['<rootDir>/tests/helpers/e2eRetry.js'],
          },
        ]
      : []),
  ],
};
