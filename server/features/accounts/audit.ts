/** The audit log: who did what to which record, with before and after. Callers pass snapshots without secrets. */
import { schema, type Db } from '../../db';

/** One audit entry. */
export interface AuditEntry {
  /** Acting user id; null for the system or an anonymous person (e.g. a lockout, a reset by emailed token). */
  actorUserId: string | null;
  /** Dotted verb, e.g. user.invite, user.update, user.password_change. */
  action: string;
  /** Kind of record, e.g. user, service. */
  entityType: string;
  /** Record id. */
  entityId: string;
  /** State before (null when created). Never include password hashes or tokens. */
  before?: Record<string, unknown> | null;
  /** State after (null when deleted). Never include password hashes or tokens. */
  after?: Record<string, unknown> | null;
}

const SECRET_KEYS = /(hash|token|secret)$|^password$/i;

/** Removes any key that looks secret, as a last line of defence for the audit log. */
function scrub(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_KEYS.test(k)));
}

/** Appends one entry to the audit log (inside the caller's transaction when given one). */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(schema.auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: scrub(entry.before),
    after: scrub(entry.after),
  });
}
