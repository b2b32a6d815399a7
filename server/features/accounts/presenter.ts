/** Presenters of accounts: user rows → the public DTOs (never the password hash). */
import type { Role } from '../../../shared/roles';
import type { UserWithOrgs } from './repository';

/** The signed-in user as the client sees it. */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Organisations a vcse_editor may edit. */
  organizationIds: string[];
  /** PCN of a link worker. */
  pcnCode: string | null;
  /** ICB of a commissioner. */
  icbCode: string | null;
}

/** A user as an admin sees it. */
export interface AdminUserDto extends UserDto {
  /** active or disabled. */
  status: 'active' | 'disabled';
  /** Whether the invite has been accepted (a password is set). */
  hasPassword: boolean;
  /** Consecutive failed sign-ins since the last success or lockout. */
  failedSignIns: number;
  /** ISO time the lockout ends, or null. */
  lockedUntil: string | null;
  /** ISO time the account was created. */
  createdAt: string;
}

/** Presents a user to themselves. */
export function presentUser(u: UserWithOrgs): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    organizationIds: u.organizationIds,
    pcnCode: u.pcnCode,
    icbCode: u.icbCode,
  };
}

/** Presents a user to an admin. */
export function presentAdminUser(u: UserWithOrgs): AdminUserDto {
  return {
    ...presentUser(u),
    status: u.status as 'active' | 'disabled',
    hasPassword: u.passwordHash !== null,
    failedSignIns: u.failedSignIns,
    lockedUntil: u.lockedUntil ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** The audit snapshot of a user: what matters for "who changed what", never secrets. */
export function auditSnapshot(u: UserWithOrgs): Record<string, unknown> {
  return {
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.status,
    organizationIds: u.organizationIds,
    pcnCode: u.pcnCode,
    icbCode: u.icbCode,
  };
}
