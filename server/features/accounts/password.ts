/** Password hashing with argon2id. The parameters are encoded in each hash, so hashes made with other parameters still verify. */
import argon2 from 'argon2';

/**
 * Production argon2id parameters: OWASP Password Storage Cheat Sheet's m=19 MiB, t=2, p=1
 * (about 50 ms on one core here; raise memoryCost when hardware allows).
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id (PHC string with salt and parameters). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Whether a password matches a hash; false (never throws) for a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Verifies against a throwaway hash so that an unknown email costs as much time as a wrong password. Always false. */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword('signpost-timing-equaliser-not-a-password');
  await verifyPassword(await dummyHash, password);
  return false;
}
