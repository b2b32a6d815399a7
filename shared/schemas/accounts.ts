/** Request schemas and limits of the accounts API: sign-in, passwords, invites and user administration (shared by client and server). */
import { z } from 'zod';
import { ROLES } from '../roles';
import { IcbCode, multiLine, PcnCode, recordId, singleLine } from './common';

/** Shortest password accepted, in characters. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest password accepted, in characters (bounds the hashing work an attacker can ask for). */
export const PASSWORD_MAX_LENGTH = 200;
/** Longest email address accepted, in characters (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;
/** Longest display name accepted, in characters. */
export const NAME_MAX_LENGTH = 120;
/** Longest emailed token accepted, in characters (ours are 43). */
export const TOKEN_MAX_LENGTH = 100;

/**
 * Why a password is unacceptable for an account with this email, or undefined when it is fine.
 * Pure, so the client form and the server domain apply the same policy.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'must not be your email address';
  return undefined;
}

/** An email address, trimmed and lower-cased. */
export const Email = singleLine({ error: 'is required' })
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email({ error: 'must be an email address' }));

/** A new password (length only; "not the email" is checked where the email is known). */
export const NewPassword = singleLine({ error: 'is required' })
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

/** A password being checked (any length up to the maximum, so old short passwords still get a clear answer). */
const GivenPassword = multiLine({ error: 'is required' })
  .min(1, 'is required')
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

/** An emailed single-use token. */
const EmailedToken = singleLine({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(TOKEN_MAX_LENGTH, 'is invalid or has expired');

/** A role name. */
export const RoleName = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

/** POST /api/auth/sign-in */
export const SignInBody = z.object({ email: Email, password: GivenPassword });
/** Parsed sign-in body. */
export type SignInBody = z.infer<typeof SignInBody>;

/** POST /api/auth/password (change while signed in). */
export const ChangePasswordBody = z.object({ currentPassword: GivenPassword, newPassword: NewPassword });
/** Parsed change-password body. */
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** POST /api/auth/password-reset/request */
export const PasswordResetRequestBody = z.object({ email: Email });

/** POST /api/auth/password-reset/complete and POST /api/auth/invite/accept */
export const TokenPasswordBody = z.object({ token: EmailedToken, password: NewPassword });
/** Parsed token + password body. */
export type TokenPasswordBody = z.infer<typeof TokenPasswordBody>;

const Name = singleLine({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(NAME_MAX_LENGTH, `must be at most ${NAME_MAX_LENGTH} characters`);

const OrganizationIds = z.array(recordId('an organisation id')).max(50, 'must list at most 50 organisations');

/** POST /api/admin/invites. Scope fields must match the role (checked in the domain, which knows the database). */
export const InviteBody = z.object({
  email: Email,
  name: Name,
  role: RoleName,
  organizationIds: OrganizationIds.optional(),
  pcnCode: PcnCode.optional(),
  icbCode: IcbCode.optional(),
});
/** Parsed invite body. */
export type InviteBody = z.infer<typeof InviteBody>;

/** GET /api/admin/users?role=&status= */
export const AdminUserListQuery = z.object({
  role: RoleName.optional(),
  status: z.enum(['active', 'disabled'], { error: 'must be active or disabled' }).optional(),
});

/** :id of /api/admin/users/:id */
export const UserParams = z.object({ id: recordId('a user id') });

/** PATCH /api/admin/users/:id: any subset; null clears a scope field. */
export const UpdateUserBody = z
  .strictObject({
    name: Name.optional(),
    role: RoleName.optional(),
    status: z.enum(['active', 'disabled'], { error: 'must be active or disabled' }).optional(),
    organizationIds: OrganizationIds.optional(),
    pcnCode: PcnCode.nullable().optional(),
    icbCode: IcbCode.nullable().optional(),
    /** true clears a sign-in lockout and the failed-attempt count. */
    unlock: z.literal(true, { error: 'must be true when given' }).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' });
/** Parsed user update. */
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;
