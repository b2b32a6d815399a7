/** Front door of the accounts feature: actors and authorisation, sessions and CSRF, passwords, the audit log and the accounts API. */
export { requireActor, requireRole, requireOrganizationEditor, type Actor } from './actor';
export {
  sessionMiddleware,
  csrfProtection,
  createSession,
  revokeSession,
  revokeUserSessions,
  hashToken,
  readCookie,
  SESSION_TTL_MS,
  newToken,
  SESSION_COOKIE,
  CSRF_HEADER,
} from './session';
export { hashPassword, verifyPassword, ARGON2_OPTIONS } from './password';
export { recordAudit, type AuditEntry } from './audit';
export { accountsRouter } from './routes';
export { RESET_TOKEN_TTL_MS, INVITE_TOKEN_TTL_MS, SIGN_IN_FAILED_MESSAGE } from './domain';
export * as signInThrottle from './throttle';
export type { UserDto, AdminUserDto } from './presenter';
export { presentUser } from './presenter';
export { findUserWithOrgs } from './repository';
