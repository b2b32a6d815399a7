/** The signed-in person acting on a request, and the authorisation checks every domain write uses. */
import type { Role } from '../../../shared/roles';
import { forbidden, unauthenticated } from '../../errors';

/** Who is acting: a signed-in user with their role and scope. Anonymous requests have no actor. */
export interface Actor {
  /** User id (UUID). */
  userId: string;
  /** The user's role. */
  role: Role;
  /** Organisations a vcse_editor may edit (empty for other roles). */
  organizationIds: string[];
  /** The PCN of a link worker. */
  pcnCode: string | null;
  /** The ICB of a commissioner. */
  icbCode: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in actor, set by the session middleware; undefined when anonymous. */
    actor?: Actor;
    /** The session's CSRF token, when signed in. */
    csrfToken?: string;
  }
}

/** Throws 401 unless someone is signed in; returns the actor. */
export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

/** Throws 401/403 unless the actor has one of the roles. */
export function requireRole(actor: Actor | undefined, ...roles: Role[]): Actor {
  const a = requireActor(actor);
  if (!roles.includes(a.role)) throw forbidden(`This needs one of these roles: ${roles.join(', ')}`);
  return a;
}

/** Throws 401/403 unless the actor is an admin or an editor of the organisation. */
export function requireOrganizationEditor(actor: Actor | undefined, organizationId: string): Actor {
  const a = requireActor(actor);
  if (a.role === 'admin') return a;
  if (a.role === 'vcse_editor' && a.organizationIds.includes(organizationId)) return a;
  throw forbidden('You can only change your own organisation');
}
