import { randomUUID } from 'node:crypto';
import { AppError } from '../../../server/errors';
import { loadConfig } from '../../../server/config';
import {
  CAPACITY_LINK_TTL_SECONDS,
  signCapacityLink,
  verifyCapacityLink,
  type CapacityLinkAction,
} from '../../../server/features/directory';

const SECRET = 's'.repeat(32);
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const serviceId = randomUUID();

/** The error a verify throws, for asserting on its status and code. */
function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the link to be refused');
}

const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const withPayload = (token: string, payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${token.split('.')[1]}`;

describe('capacity link signer', () => {
  it.each<CapacityLinkAction>(['accepting', 'waitlist', 'not_accepting', 'confirm'])(
    'when a %s link is signed and verified with the same secret, then the payload comes back',
    (action) => {
      const token = signCapacityLink({ secret: SECRET, serviceId, action, now: NOW });
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      const payload = verifyCapacityLink({ secret: SECRET, token, now: NOW + 1000 });
      expect(payload).toMatchObject({ serviceId, action, exp: NOW / 1000 + CAPACITY_LINK_TTL_SECONDS });
      expect(payload.nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
    },
  );

  it('when two links are signed for the same service and action, then they differ (nonce)', () => {
    const a = signCapacityLink({ secret: SECRET, serviceId, action: 'confirm', now: NOW });
    const b = signCapacityLink({ secret: SECRET, serviceId, action: 'confirm', now: NOW });
    expect(a).not.toBe(b);
  });

  it('when the link is used one second before it expires it works, and at expiry it is 410 link_expired', () => {
    const token = signCapacityLink({ secret: SECRET, serviceId, action: 'waitlist', now: NOW });
    const exp = NOW + CAPACITY_LINK_TTL_SECONDS * 1000;
    expect(verifyCapacityLink({ secret: SECRET, token, now: exp - 1000 }).action).toBe('waitlist');
    const err = failure(() => verifyCapacityLink({ secret: SECRET, token, now: exp }));
    expect(err).toMatchObject({ status: 410, code: 'link_expired' });
    expect(err.message).toMatch(/expired/);
  });

  it('when the service id is swapped without re-signing, then it is refused as invalid', () => {
    const token = signCapacityLink({ secret: SECRET, serviceId, action: 'accepting', now: NOW });
    const forged = withPayload(token, { ...payloadOf(token), serviceId: randomUUID() });
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token: forged, now: NOW }))).toMatchObject({
      status: 400,
      code: 'invalid_link',
    });
  });

  it('when the expiry is extended without re-signing, then it is refused as invalid (not as expired)', () => {
    const token = signCapacityLink({ secret: SECRET, serviceId, action: 'accepting', now: NOW, ttlSeconds: -10 });
    const forged = withPayload(token, { ...payloadOf(token), exp: NOW / 1000 + 3600 });
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token: forged, now: NOW }))).toMatchObject({
      code: 'invalid_link',
    });
  });

  it('when the link was signed with another secret, then it is refused', () => {
    const token = signCapacityLink({ secret: 'o'.repeat(32), serviceId, action: 'accepting', now: NOW });
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token, now: NOW })).code).toBe('invalid_link');
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['short signature', 'eyJ9.abc'],
    ['non-base64 signature', `eyJ9.${'!'.repeat(43)}`],
  ])('when the token is malformed (%s), then it is refused as invalid', (_name, token) => {
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token, now: NOW })).code).toBe('invalid_link');
  });

  it('when the signature is flipped by one character, then it is refused', () => {
    const token = signCapacityLink({ secret: SECRET, serviceId, action: 'confirm', now: NOW });
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token: tampered, now: NOW })).code).toBe('invalid_link');
  });

  it('when a correctly signed payload has an unknown action or extra fields, then it is refused', () => {
    // Only reachable with the key; checks the payload schema is strict all the same.
    const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const key = crypto.createHmac('sha256', SECRET).update('signpost:capacity-link:v1').digest();
    const sign = (p: object) => {
      const encoded = Buffer.from(JSON.stringify(p)).toString('base64url');
      return `${encoded}.${crypto.createHmac('sha256', key).update(encoded).digest('base64url')}`;
    };
    const base = { serviceId, action: 'accepting', exp: NOW / 1000 + 60, nonce: 'abcdefghijkl' };
    expect(verifyCapacityLink({ secret: SECRET, token: sign(base), now: NOW }).serviceId).toBe(serviceId);
    expect(
      failure(() => verifyCapacityLink({ secret: SECRET, token: sign({ ...base, action: 'limited' }) })).code,
    ).toBe('invalid_link');
    expect(failure(() => verifyCapacityLink({ secret: SECRET, token: sign({ ...base, admin: true }) })).code).toBe(
      'invalid_link',
    );
  });
});

describe('nudge configuration', () => {
  it('when NUDGES and NUDGE_LEAD_DAYS are unset, then nudges are off with a 3-day lead', () => {
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ nudges: 'off', nudgeLeadDays: 3 });
  });

  it('when NUDGES=on and NUDGE_LEAD_DAYS=5, then both are read', () => {
    expect(loadConfig({ NUDGES: 'on', NUDGE_LEAD_DAYS: '5' })).toMatchObject({ nudges: 'on', nudgeLeadDays: 5 });
  });

  it('when NUDGES is not on/off, then configuration names it', () => {
    expect(() => loadConfig({ NUDGES: 'yes' })).toThrow(/NUDGES: must be on or off/);
  });
});
