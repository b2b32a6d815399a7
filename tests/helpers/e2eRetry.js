/**
 * Browser tests run on shared, noisy machines: a test that fails is run once more, and its first failure is printed
 * (so a flaky test stays visible). A real defect fails both times and fails the run.
 */
/* global jest */
jest.retryTimes(1, { logErrorsBeforeRetry: true });
