/** Rules of accounts: sign-in with lockout, sessions, password change and reset, invites and user administration. Plain data in and out. */
import { isUniqueViolation, type Db } from '../../db';
import { AppError, badField, conflict, notFound, validationError, type FieldProblem } from '../../errors';
import { passwordProblem, type InviteBody, type UpdateUserBody } from '../../../shared/schemas/accounts';
import type { Role } from '../../../shared/roles';
import { sendEmail, type Mailer } from '../email';
import { requireActor, requireRole, type Actor } from './actor';
import { createSession, hashToken, newToken, revokeSession, revokeUserSessions } from './session';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password';
import { recordAudit } from './audit';
import { auditSnapshot, presentAdminUser, presentUser, type AdminUserDto, type UserDto } from './presenter';
import * as repo from './repository';

/** How long a password-reset link works: 1 hour, in milliseconds. */
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
/** How long an invite link works: 7 days, in milliseconds. */
export const INVITE_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The one answer to every failed sign-in, so it does not reveal whether the account exists. */
export const SIGN_IN_FAILED_MESSAGE = 'The email or password is wrong.';

const signInFailed = () => new AppError(401, 'sign_in_failed', SIGN_IN_FAILED_MESSAGE);
const invalidToken = () => badField('token', 'is invalid, already used or expired: ask for a new link');

/** A new session: the cookie token, its CSRF token and when it expires. */
export interface NewSession {
  /** Opaque cookie value (only its hash is stored). */
  token: string;
  /** CSRF token the client sends in X-CSRF-Token. */
  csrfToken: string;
  /** Expiry time. */
  expiresAt: Date;
}

/**
 * Signs in with email and password. Failures are counted on the account (shown to admins) but never lock it: an
 * attacker who knows an email could otherwise lock its owner out. Guessing is throttled by the sign-in route instead
 * (per address, per address-and-email pair, and a capped slow-down per email: ./throttle.ts).
 */
export async function signIn({
  db,
  email,
  password,
  previousToken,
}: {
  db: Db;
  email: string;
  password: string;
  /** The session cookie already on the request, revoked on success (no session fixation). */
  previousToken?: string;
}): Promise<{ user: UserDto; session: NewSession }> {
  const user = await repo.findUserByEmail(db, email);
  if (!user || !user.passwordHash) {
    // Same work as a real check, so response time does not reveal which emails have accounts.
    await verifyDummyPassword(password);
    throw signInFailed();
  }
  const isCorrect = await verifyPassword(user.passwordHash, password);
  if (user.status !== 'active') throw signInFailed();
  if (!isCorrect) {
    await repo.recordFailedSignIn(db, user.id);
    throw signInFailed();
  }
  // Also clears a lock left by versions that locked accounts.
  if (user.failedSignIns > 0 || user.lockedUntil) await repo.clearFailedSignIns(db, user.id);
  if (previousToken) await revokeSession(db, previousToken);
  const session = await createSession(db, user.id);
  const withOrgs = (await repo.findUserWithOrgs(db, user.id))!;
  return { user: presentUser(withOrgs), session };
}

/** Signs out: deletes the session. */
export async function signOut({ db, token }: { db: Db; token: string | undefined }): Promise<void> {
  if (token) await revokeSession(db, token);
}

/** The signed-in user, or null when anonymous. */
export async function getCurrentUser({ db, actor }: { db: Db; actor: Actor | undefined }): Promise<UserDto | null> {
  if (!actor) return null;
  const user = await repo.findUserWithOrgs(db, actor.userId);
  return user ? presentUser(user) : null;
}

function checkPassword(field: string, password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw badField(field, problem);
}

/** Changes the signed-in user's password after checking the current one; revokes every other session. */
export async function changePassword({
  db,
  actor,
  currentPassword,
  newPassword,
  sessionToken,
  now = new Date(),
}: {
  db: Db;
  actor: Actor | undefined;
  currentPassword: string;
  newPassword: string;
  /** The session making the request, which stays signed in. */
  sessionToken: string;
  now?: Date;
}): Promise<void> {
  const a = requireActor(actor);
  const user = await repo.findUserById(db, a.userId);
  if (!user) throw notFound('Your account');
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw badField('currentPassword', 'is wrong');
  }
  checkPassword('newPassword', newPassword, user.email);
  if (newPassword === currentPassword) throw badField('newPassword', 'must differ from your current password');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await repo.updateUser(tx, user.id, { passwordHash, passwordChangedAt: now });
    await repo.deleteOtherSessions(tx, user.id, hashToken(sessionToken));
    await repo.retireEmailTokens(tx, user.id, 'reset', now);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'user.password_change',
      entityType: 'user',
      entityId: user.id,
      before: { passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null },
      after: { passwordChangedAt: now.toISOString(), otherSessionsRevoked: true },
    });
  });
}

/**
 * Emails a single-use password-reset link valid for RESET_TOKEN_TTL_MS if an active account has this email;
 * does nothing otherwise. Callers answer the same either way (no account enumeration).
 */
export async function requestPasswordReset({
  db,
  mailer,
  publicBaseUrl,
  email,
  now = new Date(),
}: {
  db: Db;
  mailer: Mailer;
  publicBaseUrl: string;
  email: string;
  now?: Date;
}): Promise<void> {
  const user = await repo.findUserByEmail(db, email);
  if (!user || user.status !== 'active') return;
  const token = newToken();
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_MS);
  await db.transaction(async (tx) => {
    // Only the newest link works.
    await repo.retireEmailTokens(tx, user.id, 'reset', now);
    await repo.insertEmailToken(tx, {
      tokenHash: hashToken(token),
      purpose: 'reset',
      userId: user.id,
      createdBy: null,
      expiresAt,
    });
    await recordAudit(tx, {
      actorUserId: null,
      action: 'user.password_reset_request',
      entityType: 'user',
      entityId: user.id,
      after: { expiresAt: expiresAt.toISOString() },
    });
  });
  // The token travels in the fragment, which browsers never send to servers or put in logs.
  const link = `${publicBaseUrl}/reset-password#token=${token}`;
  await sendEmail({
    db,
    mailer,
    message: {
      to: user.email,
      subject: 'Reset your Signpost password',
      text:
        `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset the password of your Signpost account.\n` +
        `Choose a new password here within the next hour:\n\n${link}\n\n` +
        `The link works once. If you did not ask for this, ignore this email: your password stays the same.\n`,
    },
  });
}

async function userForToken(db: Db, token: string, purpose: 'invite' | 'reset', now: Date) {
  const userId = await repo.findValidEmailToken(db, hashToken(token), purpose, now);
  const user = userId ? await repo.findUserById(db, userId) : undefined;
  if (!user || user.status !== 'active') throw invalidToken();
  return user;
}

/** Sets a new password with an emailed reset token (single use); clears any lockout and revokes every session. */
export async function completePasswordReset({
  db,
  token,
  password,
  now = new Date(),
}: {
  db: Db;
  token: string;
  password: string;
  now?: Date;
}): Promise<void> {
  const user = await userForToken(db, token, 'reset', now);
  checkPassword('password', password, user.email);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    if (!(await repo.consumeEmailToken(tx, hashToken(token), 'reset', now))) throw invalidToken();
    await repo.updateUser(tx, user.id, { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null });
    await revokeUserSessions(tx, user.id);
    await recordAudit(tx, {
      actorUserId: null,
      action: 'user.password_reset',
      entityType: 'user',
      entityId: user.id,
      before: { passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null },
      after: { passwordChangedAt: now.toISOString(), sessionsRevoked: true },
    });
  });
}

/** The scope fields of a role after a change: exactly the ones the role uses, each checked to exist. */
interface Scope {
  organizationIds: string[];
  pcnCode: string | null;
  icbCode: string | null;
}

async function resolveScope(
  db: Db,
  role: Role,
  given: { organizationIds?: string[]; pcnCode?: string | null; icbCode?: string | null },
  current: Scope,
  roleChanged: boolean,
): Promise<Scope> {
  const problems: FieldProblem[] = [];
  const keep = <T>(value: T | undefined, old: T, empty: T): T =>
    value !== undefined ? value : roleChanged ? empty : old;
  const organizationIds =
    role === 'vcse_editor' ? [...new Set(keep(given.organizationIds, current.organizationIds, []))] : [];
  const pcnCode = role === 'link_worker' ? keep(given.pcnCode, current.pcnCode, null) : null;
  const icbCode = role === 'icb_commissioner' ? keep(given.icbCode, current.icbCode, null) : null;
  if (role !== 'vcse_editor' && given.organizationIds?.length)
    problems.push({ field: 'organizationIds', message: 'is only for the vcse_editor role' });
  if (role !== 'link_worker' && given.pcnCode)
    problems.push({ field: 'pcnCode', message: 'is only for the link_worker role' });
  if (role !== 'icb_commissioner' && given.icbCode)
    problems.push({ field: 'icbCode', message: 'is only for the icb_commissioner role' });
  if (role === 'link_worker' && !pcnCode) problems.push({ field: 'pcnCode', message: 'is required for a link_worker' });
  if (role === 'icb_commissioner' && !icbCode)
    problems.push({ field: 'icbCode', message: 'is required for an icb_commissioner' });
  if (problems.length) throw validationError(problems);

  const existing = await repo.existingOrganizationIds(db, organizationIds);
  organizationIds.forEach((id, i) => {
    if (!existing.has(id)) problems.push({ field: `organizationIds.${i}`, message: 'is not an existing organisation' });
  });
  if (pcnCode && !(await repo.pcnExists(db, pcnCode)))
    problems.push({ field: 'pcnCode', message: 'is not a known PCN' });
  if (icbCode && !(await repo.icbExists(db, icbCode)))
    problems.push({ field: 'icbCode', message: 'is not a known ICB' });
  if (problems.length) throw validationError(problems);
  return { organizationIds, pcnCode, icbCode };
}

/** Invites someone (admin only): creates the user without a password and emails a link valid for INVITE_TOKEN_TTL_MS. */
export async function inviteUser({
  db,
  mailer,
  publicBaseUrl,
  actor,
  input,
  now = new Date(),
}: {
  db: Db;
  mailer: Mailer;
  publicBaseUrl: string;
  actor: Actor | undefined;
  input: InviteBody;
  now?: Date;
}): Promise<{ user: AdminUserDto; emailStatus: 'sent' | 'failed' }> {
  const admin = requireRole(actor, 'admin');
  const scope = await resolveScope(db, input.role, input, { organizationIds: [], pcnCode: null, icbCode: null }, true);
  if (await repo.findUserByEmail(db, input.email))
    throw conflict('Someone with this email already has an account', 'email_taken');
  const token = newToken();
  let userId: string;
  try {
    userId = await db.transaction(async (tx) => {
      const user = await repo.insertUser(tx, {
        email: input.email,
        name: input.name,
        role: input.role,
        pcnCode: scope.pcnCode,
        icbCode: scope.icbCode,
      });
      await repo.replaceMemberships(tx, user.id, scope.organizationIds);
      await repo.insertEmailToken(tx, {
        tokenHash: hashToken(token),
        purpose: 'invite',
        userId: user.id,
        createdBy: admin.userId,
        expiresAt: new Date(now.getTime() + INVITE_TOKEN_TTL_MS),
      });
      await recordAudit(tx, {
        actorUserId: admin.userId,
        action: 'user.invite',
        entityType: 'user',
        entityId: user.id,
        before: null,
        after: auditSnapshot({ ...user, organizationIds: scope.organizationIds }),
      });
      return user.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('Someone with this email already has an account', 'email_taken');
    throw err;
  }
  const link = `${publicBaseUrl}/accept-invite#token=${token}`;
  const { status } = await sendEmail({
    db,
    mailer,
    message: {
      to: input.email,
      subject: 'You have been invited to Signpost',
      text:
        `Hello ${input.name},\n\nYou have been invited to Signpost, the shared map of social prescribing services.\n` +
        `Choose your password and sign in here within 7 days:\n\n${link}\n\n` +
        `The link works once. If you were not expecting this, ignore this email.\n`,
    },
  });
  return { user: presentAdminUser((await repo.findUserWithOrgs(db, userId))!), emailStatus: status };
}

/** Accepts an invite with its emailed token (single use): sets the password and signs in. */
export async function acceptInvite({
  db,
  token,
  password,
  now = new Date(),
}: {
  db: Db;
  token: string;
  password: string;
  now?: Date;
}): Promise<{ user: UserDto; session: NewSession }> {
  const user = await userForToken(db, token, 'invite', now);
  checkPassword('password', password, user.email);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    if (!(await repo.consumeEmailToken(tx, hashToken(token), 'invite', now))) throw invalidToken();
    await repo.retireEmailTokens(tx, user.id, 'invite', now);
    await repo.updateUser(tx, user.id, { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null });
    await recordAudit(tx, {
      actorUserId: user.id,
      action: 'user.accept_invite',
      entityType: 'user',
      entityId: user.id,
      before: { hasPassword: user.passwordHash !== null },
      after: { hasPassword: true, passwordChangedAt: now.toISOString() },
    });
  });
  const session = await createSession(db, user.id);
  return { user: presentUser((await repo.findUserWithOrgs(db, user.id))!), session };
}

/** Lists users (admin only). */
export async function listUsers({
  db,
  actor,
  role,
  status,
}: {
  db: Db;
  actor: Actor | undefined;
  role?: Role;
  status?: 'active' | 'disabled';
}): Promise<{ users: AdminUserDto[] }> {
  requireRole(actor, 'admin');
  return { users: (await repo.listUsers(db, { role, status })).map(presentAdminUser) };
}

/** Changes a user (admin only): name, role and scope, disable/enable (disabling revokes sessions), unlock. */
export async function updateUser({
  db,
  actor,
  id,
  changes,
}: {
  db: Db;
  actor: Actor | undefined;
  id: string;
  changes: UpdateUserBody;
}): Promise<AdminUserDto> {
  const admin = requireRole(actor, 'admin');
  const current = await repo.findUserWithOrgs(db, id);
  if (!current) throw notFound('The user');
  if (id === admin.userId && (changes.status === 'disabled' || (changes.role && changes.role !== 'admin'))) {
    throw conflict('You cannot disable or demote your own account: ask another admin', 'self_lockout');
  }
  const role = changes.role ?? (current.role as Role);
  const scope = await resolveScope(db, role, changes, current, role !== current.role);
  const status = changes.status ?? current.status;
  const before = { ...auditSnapshot(current), lockedUntil: current.lockedUntil?.toISOString() ?? null };
  await db.transaction(async (tx) => {
    await repo.updateUser(tx, id, {
      name: changes.name ?? current.name,
      role,
      status,
      pcnCode: scope.pcnCode,
      icbCode: scope.icbCode,
      ...(changes.unlock ? { failedSignIns: 0, lockedUntil: null } : {}),
    });
    if (scope.organizationIds.join() !== current.organizationIds.join()) {
      await repo.replaceMemberships(tx, id, scope.organizationIds);
    }
    if (status === 'disabled') await revokeUserSessions(tx, id);
    const after = (await repo.findUserWithOrgs(tx, id))!;
    await recordAudit(tx, {
      actorUserId: admin.userId,
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      before,
      after: { ...auditSnapshot(after), lockedUntil: after.lockedUntil?.toISOString() ?? null },
    });
  });
  return presentAdminUser((await repo.findUserWithOrgs(db, id))!);
}
