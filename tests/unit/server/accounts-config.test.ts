import argon2 from 'argon2';
import { loadConfig, ConfigError } from '../../../server/config';
import { hashPassword, verifyPassword } from '../../../server/features/accounts';

describe('accounts and email configuration', () => {
  it('when nothing is set, then email is record-only and the documented rate limits apply', () => {
    const config = loadConfig({});
    expect(config.smtpUrl).toBeUndefined();
    expect(config.emailFrom).toMatch(/Signpost/);
    expect(config.rateLimitApiPerMinute).toBe(600);
    expect(config.rateLimitAuthPerMinute).toBe(10);
    expect(loadConfig({ NODE_ENV: 'test' }).rateLimitApiPerMinute).toBe(0);
  });

  it('when limits and SMTP are set, then they are used', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://u:p@mail.example.org:587',
      RATE_LIMIT_API_PER_MINUTE: '0',
      RATE_LIMIT_AUTH_PER_MINUTE: '5',
    });
    expect(config).toMatchObject({
      smtpUrl: 'smtp://u:p@mail.example.org:587',
      rateLimitApiPerMinute: 0,
      rateLimitAuthPerMinute: 5,
    });
  });

  it.each([
    ['SMTP_URL', 'http://mail.example.org'],
    ['RATE_LIMIT_API_PER_MINUTE', 'lots'],
    ['RATE_LIMIT_AUTH_PER_MINUTE', '-1'],
  ])('when %s=%s, then it refuses naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});

describe('password hashing', () => {
  it('when hashed with production parameters, then it is argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('a long enough password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,/);
    expect(await verifyPassword(hash, 'a long enough password')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough passwore')).toBe(false);
  });

  it('when a hash was made with cheaper parameters, then it still verifies (parameters live in the hash)', async () => {
    const cheap = await argon2.hash('another password', { type: argon2.argon2id, memoryCost: 4096, timeCost: 2 });
    expect(await verifyPassword(cheap, 'another password')).toBe(true);
  });

  it('when the stored hash is malformed, then verification is false rather than an error', async () => {
    expect(await verifyPassword('not-a-hash', 'anything at all')).toBe(false);
  });
});
