import { ConfigError, loadConfig } from '../../../server/config';
import { signInThrottle } from '../../../server/features/accounts';

describe('TRUST_PROXY', () => {
  it('when unset, then no proxy is trusted', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    ['192.0.2.10,linklocal,uniquelocal,::1', ['192.0.2.10', 'linklocal', 'uniquelocal', '::1']],
  ])('when %s, then it is %p', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['true', 'yes', '-1', '1.5', '10.0.0.0/33', '10.1', '10.0.0.0/8,', 'loopback,nowhere', '300.1.1.1'])(
    'when %s, then it refuses naming TRUST_PROXY',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: must be false, a whole number/);
    },
  );
});

describe('sign-in slow-down', () => {
  it('when an email has failed, then the wait is 0 for 5 failures, then doubles from 0.5 s to at most 4 s', () => {
    expect([0, 4, 5, 6, 7, 8, 9, 50, 10_000].map(signInThrottle.signInDelayMs)).toEqual([
      0, 0, 500, 1000, 2000, 4000, 4000, 4000, 4000,
    ]);
  });

  it('when emails differ only in case and spaces, then they share one key', () => {
    expect(signInThrottle.emailKey('  Someone@Example.ORG ')).toBe(signInThrottle.emailKey('someone@example.org'));
    expect(signInThrottle.emailKey('a@example.org')).not.toBe(signInThrottle.emailKey('b@example.org'));
    expect(signInThrottle.emailKey(undefined)).toHaveLength(43);
  });
});
