/**
 * Rules of the directory: who may see and change organisations, services, capacity, taxonomy, claims and concerns;
 * optimistic concurrency (versions as strong ETags); one transaction and one audit row per write. Plain data in and out.
 */
import type { Db } from '../../db';
import { AppError, badField, conflict, forbidden, notFound, validationError, type FieldProblem } from '../../errors';
import { recordAudit, requireActor, requireOrganizationEditor, requireRole, type Actor } from '../accounts';
import { geocode } from '../areas';
import { markServiceReopened, referralPressure } from '../demand';
import type {
  CapacityBody,
  ConcernBody,
  ConcernMessageBody,
  DecisionBody,
  OrganizationBody,
  OrganizationPatch,
  ServiceBody,
  TaxonomyTermBody,
} from '../../../shared/schemas/directory';
import { ORGANIZATION_SEARCH_LIMIT, languageName } from '../../../shared/schemas/directory';
import type { CapacityStatus } from '../../../shared/capacity';
import { verifyCapacityLink, type CapacityLinkAction } from './capacityLink';
import * as repo from './repository';
import {
  etagOf,
  presentCapacity,
  presentCapacityHistory,
  presentClaim,
  presentClaimWithOrganization,
  presentConcern,
  presentOrganization,
  presentOrganizationMatch,
  presentService,
  presentServiceSummary,
  presentTaxonomyTerm,
  presentTaxonomyTree,
  type FreshnessPolicy,
} from './presenter';

/** What every domain call gets: the database and the acting person (undefined = anonymous). */
interface Ctx {
  db: Db;
  actor: Actor | undefined;
}

/** Ctx plus the freshness window (days) for capacity. */
interface CtxWithFreshness extends Ctx {
  /** CAPACITY_STALE_DAYS. */
  staleDays: number;
}

const policyOf = (staleDays: number): FreshnessPolicy => ({ staleDays, now: new Date() });

const canEdit = (actor: Actor | undefined, organizationId: string) =>
  !!actor &&
  (actor.role === 'admin' || (actor.role === 'vcse_editor' && actor.organizationIds.includes(organizationId)));

const isMemberOrAdmin = (actor: Actor | undefined, organizationId: string) =>
  !!actor && (actor.role === 'admin' || actor.organizationIds.includes(organizationId));

// ---------------------------------------------------------------------------------------------------------------
// Preconditions (If-Match)

/**
 * Parses an If-Match header into the service versions it names. Missing (or `*`, which would allow blind
 * overwrites) → 428; weak or malformed tags name no version and so never match.
 */
export function versionsFromIfMatch(ifMatch: string | undefined): number[] {
  if (!ifMatch || !ifMatch.trim() || ifMatch.trim() === '*')
    throw new AppError(
      428,
      'precondition_required',
      "This change needs an If-Match header with the service's current ETag: read the service first",
    );
  return ifMatch
    .split(',')
    .map((t) => /^"(\d{1,9})"$/.exec(t.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

/** 412 with the current version and representation, so the client can show what changed and retry. */
function staleVersion(current: { version: number }, body: unknown): AppError {
  return new AppError(
    412,
    'stale_version',
    `Someone else changed this service first (it is now version ${current.version}): review and try again`,
    { extra: { currentVersion: current.version, etag: etagOf(current.version), current: body } },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Organisations

async function loadVisibleOrganization(db: Db, actor: Actor | undefined, id: string) {
  const org = await repo.findOrganization(db, id);
  if (!org || (org.status !== 'approved' && !isMemberOrAdmin(actor, org.id))) throw notFound('The organisation');
  return org;
}

/** One organisation with its services: public when approved; members and admins also see pending ones. */
export async function getOrganization({ db, actor, staleDays, id }: CtxWithFreshness & { id: string }) {
  const org = await loadVisibleOrganization(db, actor, id);
  const policy = policyOf(staleDays);
  const all = await repo.listServicesOfOrganizations(db, [org.id]);
  const visible = isMemberOrAdmin(actor, org.id) ? all : all.filter((s) => s.status !== 'defunct');
  const ends = await repo.fundingEndDates(
    db,
    visible.map((s) => s.id),
  );
  const pressure = await referralPressure(
    db,
    visible.map((s) => s.id),
  );
  return {
    ...presentOrganization(org),
    services: visible.map((s) => presentServiceSummary(s, ends.get(s.id) ?? [], policy, pressure.get(s.id) ?? null)),
  };
}

/**
 * Creates an organisation (pending until an admin approves); its creator becomes a member. Only VCSE editors (and
 * admins) may: they are the people who can then edit it (least privilege; a link worker who knows of a missing
 * service records unmet need instead).
 */
export async function createOrganization({ db, actor, body }: Ctx & { body: OrganizationBody }) {
  const a = requireRole(actor, 'vcse_editor', 'admin');
  return db.transaction(async (tx) => {
    const org = await repo.insertOrganization(tx, { ...body, status: 'pending', source: 'self' });
    await repo.addMembership(tx, a.userId, org.id);
    const after = presentOrganization(org);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'organization.create',
      entityType: 'organization',
      entityId: org.id,
      after,
    });
    return after;
  });
}

/** Changes some fields of an organisation (its editors and admins). */
export async function updateOrganization({ db, actor, id, patch }: Ctx & { id: string; patch: OrganizationPatch }) {
  requireActor(actor);
  const org = await repo.findOrganization(db, id);
  if (!org) throw notFound('The organisation');
  const a = requireOrganizationEditor(actor, org.id);
  return db.transaction(async (tx) => {
    const updated = await repo.updateOrganization(tx, id, patch);
    const after = presentOrganization(updated!);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'organization.update',
      entityType: 'organization',
      entityId: id,
      before: presentOrganization(org),
      after,
    });
    return after;
  });
}

/** Admin: approves or rejects an organisation. */
export async function decideOrganization({ db, actor, id, decision }: Ctx & { id: string; decision: DecisionBody }) {
  const a = requireRole(actor, 'admin');
  const org = await repo.findOrganization(db, id);
  if (!org) throw notFound('The organisation');
  const status = decision.decision === 'approve' ? 'approved' : 'rejected';
  return db.transaction(async (tx) => {
    const updated = await repo.updateOrganization(tx, id, { status });
    const after = presentOrganization(updated!);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: `organization.${decision.decision}`,
      entityType: 'organization',
      entityId: id,
      before: { status: org.status },
      after: { status, reason: decision.reason },
    });
    return after;
  });
}

/** Anyone: approved organisations whose name contains `q` (to find one to claim), at most ORGANIZATION_SEARCH_LIMIT. */
export async function searchOrganizations({ db, q }: { db: Db; q: string }) {
  return (await repo.searchApprovedOrganizations(db, q, ORGANIZATION_SEARCH_LIMIT)).map(presentOrganizationMatch);
}

/** Admin: organisations of a status (default pending). */
export async function listOrganizationsForReview({ db, actor, status }: Ctx & { status?: string }) {
  requireRole(actor, 'admin');
  return (await repo.listOrganizations(db, status ?? 'pending')).map(presentOrganization);
}

/** The signed-in person's organisations with their services, capacity badges and funding flags. */
export async function listMyOrganizations({ db, actor, staleDays }: CtxWithFreshness) {
  const a = requireActor(actor);
  const policy = policyOf(staleDays);
  const orgs = await repo.listOrganizationsByIds(db, await repo.membershipOrgIds(db, a.userId));
  const services = await repo.listServicesOfOrganizations(
    db,
    orgs.map((o) => o.id),
  );
  const ends = await repo.fundingEndDates(
    db,
    services.map((s) => s.id),
  );
  const pressure = await referralPressure(
    db,
    services.map((s) => s.id),
  );
  return orgs.map((o) => {
    const mine = services
      .filter((s) => s.organizationId === o.id)
      .map((s) => presentServiceSummary(s, ends.get(s.id) ?? [], policy, pressure.get(s.id) ?? null));
    return {
      ...presentOrganization(o),
      services: mine,
      servicesWithFundingEndingSoon: mine.filter((s) => s.fundingEndingSoon).map((s) => s.id),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Claims

/** A person asks to manage an existing (approved, usually imported) organisation. */
export async function claimOrganization({ db, actor, id, evidence }: Ctx & { id: string; evidence: string }) {
  const a = requireActor(actor);
  if (a.role === 'admin') throw conflict('Admins manage every organisation already', 'already_member');
  // Only a VCSE editor could edit the organisation once the claim is approved.
  requireRole(a, 'vcse_editor');
  const org = await repo.findOrganization(db, id);
  if (!org || org.status !== 'approved') throw notFound('The organisation');
  if (await repo.isMember(db, a.userId, id))
    throw conflict('You are already a member of this organisation', 'already_member');
  if (await repo.findPendingClaim(db, a.userId, id))
    throw conflict('You have already claimed this organisation', 'claim_pending');
  return db.transaction(async (tx) => {
    const claim = await repo.insertClaim(tx, { organizationId: id, userId: a.userId, evidence });
    const after = presentClaim(claim);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'organization.claim',
      entityType: 'organization_claim',
      entityId: claim.id,
      after,
    });
    return after;
  });
}

/** Admin: claims waiting for a decision, with their organisation's name. */
export async function listClaims({ db, actor }: Ctx) {
  requireRole(actor, 'admin');
  return (await repo.listClaimsWithOrganization(db, { status: 'pending' })).map(presentClaimWithOrganization);
}

/** The signed-in person's own claims (any status, newest first), with their organisation's name. */
export async function listMyClaims({ db, actor }: Ctx) {
  const a = requireActor(actor);
  return (await repo.listClaimsWithOrganization(db, { userId: a.userId })).map(presentClaimWithOrganization);
}

/** Admin: approves (the claimant becomes a member) or rejects a pending claim. */
export async function decideClaim({ db, actor, id, decision }: Ctx & { id: string; decision: DecisionBody }) {
  const a = requireRole(actor, 'admin');
  const claim = await repo.findClaim(db, id);
  if (!claim) throw notFound('The claim');
  return db.transaction(async (tx) => {
    const decided = await repo.decideClaim(tx, id, decision.decision === 'approve' ? 'approved' : 'rejected', a.userId);
    if (!decided) throw conflict('This claim has already been decided', 'already_decided');
    if (decided.status === 'approved') await repo.addMembership(tx, decided.userId, decided.organizationId);
    const after = presentClaim(decided);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: `organization_claim.${decision.decision}`,
      entityType: 'organization_claim',
      entityId: id,
      before: presentClaim(claim),
      after: { ...after, reason: decision.reason },
    });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Services

/** Resolves what a service body refers to: postcodes → coordinates, taxonomy codes → terms. 400 names the field. */
async function resolveReferences(db: Db, body: ServiceBody) {
  const problems: FieldProblem[] = [];
  const locations: repo.ResolvedLocation[] = [];
  for (const [i, l] of body.locations.entries()) {
    let found: Awaited<ReturnType<typeof geocode>>;
    try {
      found = await geocode({ db, q: l.postcode });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      // A dragged pin still needs a real postcode: it is what people search and read.
      problems.push({ field: `locations.${i}.postcode`, message: 'is not a known postcode' });
      continue;
    }
    locations.push({
      name: l.name,
      description: l.description,
      address1: l.address1,
      city: l.city,
      region: l.region,
      postcode: found.postcode,
      transportation: l.transportation,
      accessibility: l.accessibility,
      // A dragged pin wins over the postcode centroid.
      lat: l.lat ?? found.lat,
      lng: l.lng ?? found.lng,
    });
  }
  const terms = await repo.findTaxonomyTermsByCodes(db, body.taxonomy);
  const byCode = new Map(terms.map((t) => [t.code, t.id]));
  body.taxonomy.forEach((code, i) => {
    if (!byCode.has(code))
      problems.push({ field: `taxonomy.${i}`, message: `is not a taxonomy code (${code}); see GET /api/taxonomy` });
  });
  if (problems.length) throw validationError(problems);
  const languageNames = Object.fromEntries(body.languages.map((c) => [c, languageName(c) ?? c]));
  return { locations, taxonomyTermIds: body.taxonomy.map((c) => byCode.get(c)!), languageNames };
}

async function loadServiceDto(db: Db, id: string, policy: FreshnessPolicy) {
  const s = await repo.findService(db, id);
  if (!s) throw notFound('The service');
  const org = await repo.findOrganization(db, s.organizationId);
  const pressure = (await referralPressure(db, [id])).get(id) ?? null;
  return presentService(s, org!, await repo.loadServiceChildren(db, id), policy, pressure);
}

/** Loads a service the actor may see: public when active-ish and its organisation approved; members and admins see all. */
async function loadVisibleService(db: Db, actor: Actor | undefined, id: string) {
  const s = await repo.findService(db, id);
  if (!s) throw notFound('The service');
  const org = await repo.findOrganization(db, s.organizationId);
  if (!org) throw notFound('The service');
  if (!isMemberOrAdmin(actor, org.id) && (org.status !== 'approved' || s.status === 'defunct'))
    throw notFound('The service');
  return { service: s, org };
}

/** Loads a service for a write: 401 anonymous, 404 unknown, 403 unless the actor edits its organisation. */
async function loadServiceForWrite(db: Db, actor: Actor | undefined, id: string) {
  requireActor(actor);
  const s = await repo.findService(db, id);
  if (!s) throw notFound('The service');
  const a = requireOrganizationEditor(actor, s.organizationId);
  return { service: s, actor: a };
}

/** One service with everything (public detail), plus its ETag. */
export async function getService({ db, actor, staleDays, id }: CtxWithFreshness & { id: string }) {
  const { service, org } = await loadVisibleService(db, actor, id);
  const pressure = (await referralPressure(db, [id])).get(id) ?? null;
  const dto = presentService(service, org, await repo.loadServiceChildren(db, id), policyOf(staleDays), pressure);
  return { service: dto, etag: etagOf(service.version) };
}

/** Creates a service of an organisation with all its children, in one transaction. */
export async function createService({
  db,
  actor,
  staleDays,
  organizationId,
  body,
}: CtxWithFreshness & { organizationId: string; body: ServiceBody }) {
  requireActor(actor);
  const org = await repo.findOrganization(db, organizationId);
  if (!org) throw notFound('The organisation');
  const a = requireOrganizationEditor(actor, organizationId);
  if (org.status === 'rejected')
    throw conflict('This organisation was rejected: it cannot add services', 'organization_rejected');
  const refs = await resolveReferences(db, body);
  const policy = policyOf(staleDays);
  return db.transaction(async (tx) => {
    const s = await repo.insertService(tx, { organizationId, ...repo.serviceColumns(body) });
    await repo.replaceServiceChildren(tx, { serviceId: s.id, organizationId, body, ...refs });
    const after = presentService(s, org, await repo.loadServiceChildren(tx, s.id), policy);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'service.create',
      entityType: 'service',
      entityId: s.id,
      after,
    });
    return { service: after, etag: etagOf(s.version) };
  });
}

/** Replaces every field of a service (nested arrays too) if If-Match names its current version. */
export async function replaceService({
  db,
  actor,
  staleDays,
  id,
  body,
  ifMatch,
}: CtxWithFreshness & { id: string; body: ServiceBody; ifMatch: string | undefined }) {
  const { service, actor: a } = await loadServiceForWrite(db, actor, id);
  const versions = versionsFromIfMatch(ifMatch);
  const policy = policyOf(staleDays);
  const refs = await resolveReferences(db, body);
  if (service.status === 'defunct') throw conflict('This service has been removed', 'service_defunct');
  return db.transaction(async (tx) => {
    const locked = await repo.lockServiceAtVersion(tx, id, versions);
    if (!locked)
      throw staleVersion(await repo.findService(tx, id).then((s) => s!), await loadServiceDto(tx, id, policy));
    const before = await loadServiceDto(tx, id, policy);
    const updated = await repo.updateServiceAtVersion(tx, id, locked.version, repo.serviceColumns(body));
    if (!updated) throw staleVersion(locked, before);
    await repo.replaceServiceChildren(tx, { serviceId: id, organizationId: updated.organizationId, body, ...refs });
    const after = await loadServiceDto(tx, id, policy);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'service.update',
      entityType: 'service',
      entityId: id,
      before,
      after,
    });
    return { service: after, etag: etagOf(updated.version) };
  });
}

/** Removes a service (soft: status defunct). If-Match is checked when given. */
export async function removeService({ db, actor, id, ifMatch }: Ctx & { id: string; ifMatch: string | undefined }) {
  const { service, actor: a } = await loadServiceForWrite(db, actor, id);
  const versions = ifMatch ? versionsFromIfMatch(ifMatch) : [service.version];
  return db.transaction(async (tx) => {
    const locked = await repo.lockServiceAtVersion(tx, id, versions);
    if (!locked) {
      const current = (await repo.findService(tx, id))!;
      throw staleVersion(current, { version: current.version, status: current.status });
    }
    const updated = await repo.updateServiceAtVersion(tx, id, locked.version, { status: 'defunct' });
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'service.delete',
      entityType: 'service',
      entityId: id,
      before: { status: locked.status, version: locked.version },
      after: { status: 'defunct', version: updated!.version },
    });
    return { etag: etagOf(updated!.version) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Capacity

const capacitySnapshot = (s: repo.ServiceRow) => ({
  status: s.capacityStatus,
  places: s.capacityPlaces,
  waitDays: s.capacityWaitDays,
  waitlistBand: s.capacityWaitlistBand,
  sessionPlaces: s.capacitySessionPlaces,
  note: s.capacityNote,
  confirmedAt: s.capacityConfirmedAt,
  version: s.version,
});

/**
 * Sets (kind set) or re-confirms (kind confirm, "still accurate") a service's capacity if If-Match names its current
 * version: the version check and bump happen under a row lock, and every success appends one history entry.
 */
async function writeCapacity({
  db,
  actor,
  staleDays,
  id,
  ifMatch,
  body,
}: CtxWithFreshness & { id: string; ifMatch: string | undefined; body: CapacityBody | null }) {
  const { service, actor: a } = await loadServiceForWrite(db, actor, id);
  const versions = versionsFromIfMatch(ifMatch);
  if (service.status === 'defunct') throw conflict('This service has been removed', 'service_defunct');
  const policy = policyOf(staleDays);
  return db.transaction(async (tx) => {
    const locked = await repo.lockServiceAtVersion(tx, id, versions);
    if (!locked) {
      const current = (await repo.findService(tx, id))!;
      throw staleVersion(current, presentCapacity(current, policy));
    }
    if (!body && !locked.capacityStatus)
      throw conflict('There is no capacity to confirm yet: set it first', 'capacity_not_set');
    const now = new Date();
    const values = body
      ? {
          capacityStatus: body.status,
          capacityPlaces: body.places,
          capacityWaitDays: body.waitDays,
          capacityWaitlistBand: body.waitlistBand,
          capacitySessionPlaces: body.sessionPlaces,
          capacityNote: body.note,
          capacitySetBy: a.userId,
          capacitySetAt: now,
          capacityConfirmedAt: now,
        }
      : { capacityConfirmedAt: now };
    const updated = await repo.updateServiceAtVersion(tx, id, locked.version, values);
    if (!updated) throw staleVersion(locked, presentCapacity(locked, policy));
    await markServiceReopened(tx, {
      serviceId: id,
      before: locked.capacityStatus,
      after: updated.capacityStatus,
      at: now,
    });
    await repo.insertCapacityHistory(tx, {
      serviceId: id,
      kind: body ? 'set' : 'confirm',
      status: updated.capacityStatus!,
      places: updated.capacityPlaces,
      waitDays: updated.capacityWaitDays,
      waitlistBand: updated.capacityWaitlistBand,
      sessionPlaces: updated.capacitySessionPlaces,
      note: updated.capacityNote,
      via: a.role === 'admin' ? 'admin' : 'editor',
      setBy: a.userId,
      version: updated.version,
      recordedAt: now,
    });
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: body ? 'capacity.set' : 'capacity.confirm',
      entityType: 'service',
      entityId: id,
      before: capacitySnapshot(locked),
      after: capacitySnapshot(updated),
    });
    return { capacity: presentCapacity(updated, policy), etag: etagOf(updated.version) };
  });
}

/** Sets a service's current capacity (appends history kind set). */
export const setCapacity = (args: CtxWithFreshness & { id: string; ifMatch: string | undefined; body: CapacityBody }) =>
  writeCapacity(args);

/** "Still accurate": re-confirms a service's capacity (appends history kind confirm). */
export const confirmCapacity = (args: CtxWithFreshness & { id: string; ifMatch: string | undefined }) =>
  writeCapacity({ ...args, body: null });

/** Capacity history of a service anyone may see, newest first. */
export async function listCapacityHistory({ db, actor, id }: Ctx & { id: string }) {
  await loadVisibleService(db, actor, id);
  return (await repo.listCapacityHistory(db, id)).map(presentCapacityHistory);
}

// ---------------------------------------------------------------------------------------------------------------
// Capacity links (emailed one-tap updates; see capacityLink.ts and docs/capacity.md)

/** The capacity status each status-setting link action sets. */
const LINK_STATUS: Record<Exclude<CapacityLinkAction, 'confirm'>, CapacityStatus> = {
  accepting: 'accepting',
  waitlist: 'waitlist',
  not_accepting: 'not_accepting',
};

/** Words for each link action, as the email and the confirmation page show them. */
export const CAPACITY_LINK_LABELS: Record<CapacityLinkAction, string> = {
  accepting: 'Accepting referrals',
  waitlist: 'Waiting list',
  not_accepting: 'Full (not accepting referrals)',
  confirm: 'Still accurate',
};

/** Whether applying a link to a service in its current state sets a new status or confirms the current one. */
const linkKind = (action: CapacityLinkAction, current: string | null): 'set' | 'confirm' =>
  action !== 'confirm' && LINK_STATUS[action] !== current ? 'set' : 'confirm';

/** Args of the capacity-link domain functions: no actor, because the signed link is the authority. */
interface LinkCtx {
  db: Db;
  /** CAPACITY_STALE_DAYS. */
  staleDays: number;
  /** SESSION_SECRET, from which the signing key is derived. */
  secret: string;
  /** The token from the link. */
  token: string;
}

/**
 * Says what a link would do, changing nothing (GET is safe: mail scanners prefetch links). 400 invalid, 410 expired,
 * 404 when the service has gone.
 */
export async function describeCapacityLink({ db, staleDays, secret, token }: LinkCtx) {
  const link = verifyCapacityLink({ secret, token });
  const s = await repo.findService(db, link.serviceId);
  if (!s || s.status === 'defunct') throw notFound('The service');
  const org = await repo.findOrganization(db, s.organizationId);
  const kind = linkKind(link.action, s.capacityStatus);
  return {
    service: { id: s.id, name: s.name, organizationName: org?.name ?? null },
    action: link.action,
    actionLabel: CAPACITY_LINK_LABELS[link.action],
    expiresAt: new Date(link.exp * 1000).toISOString(),
    /** set (a new status) or confirm (the status is already this one, or the link says "still accurate"). */
    wouldRecord: kind,
    canApply: link.action !== 'confirm' || s.capacityStatus !== null,
    currentCapacity: presentCapacity(s, policyOf(staleDays)),
  };
}

/**
 * Applies a link: sets the status (clearing places, wait and note, which described the old status) or re-confirms.
 * A status link whose status is already current records a confirm instead, so applying a link twice is harmless.
 * Links stay usable until they expire. History via email_link with no setter; the audit row has no actor.
 */
export async function setCapacityFromLink({ db, staleDays, secret, token }: LinkCtx) {
  const link = verifyCapacityLink({ secret, token });
  const policy = policyOf(staleDays);
  return db.transaction(async (tx) => {
    const locked = await repo.lockService(tx, link.serviceId);
    if (!locked) throw notFound('The service');
    if (locked.status === 'defunct') throw conflict('This service has been removed', 'service_defunct');
    if (link.action === 'confirm' && !locked.capacityStatus)
      throw conflict('There is no capacity to confirm yet: choose a status instead', 'capacity_not_set');
    const kind = linkKind(link.action, locked.capacityStatus);
    const now = new Date();
    const values =
      kind === 'set'
        ? {
            capacityStatus: LINK_STATUS[link.action as Exclude<CapacityLinkAction, 'confirm'>],
            capacityPlaces: null,
            capacityWaitDays: null,
            capacityWaitlistBand: null,
            capacitySessionPlaces: null,
            capacityNote: null,
            capacitySetBy: null,
            capacitySetAt: now,
            capacityConfirmedAt: now,
          }
        : { capacityConfirmedAt: now };
    const updated = await repo.updateServiceAtVersion(tx, locked.id, locked.version, values);
    // Cannot happen under the row lock; kept so a future change cannot silently skip the history.
    if (!updated) throw conflict('The service changed while applying the link: try again', 'stale_version');
    await markServiceReopened(tx, {
      serviceId: locked.id,
      before: locked.capacityStatus,
      after: updated.capacityStatus,
      at: now,
    });
    await repo.insertCapacityHistory(tx, {
      serviceId: locked.id,
      kind,
      status: updated.capacityStatus!,
      places: updated.capacityPlaces,
      waitDays: updated.capacityWaitDays,
      waitlistBand: updated.capacityWaitlistBand,
      sessionPlaces: updated.capacitySessionPlaces,
      note: updated.capacityNote,
      via: 'email_link',
      setBy: null,
      version: updated.version,
      recordedAt: now,
    });
    await recordAudit(tx, {
      actorUserId: null,
      action: kind === 'set' ? 'capacity.set' : 'capacity.confirm',
      entityType: 'service',
      entityId: locked.id,
      before: capacitySnapshot(locked),
      after: { ...capacitySnapshot(updated), via: 'email_link', linkAction: link.action, linkNonce: link.nonce },
    });
    return {
      applied: kind,
      action: link.action,
      service: { id: updated.id, name: updated.name },
      capacity: presentCapacity(updated, policy),
      etag: etagOf(updated.version),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Taxonomy

/** The whole taxonomy as a tree. */
export async function getTaxonomy({ db }: { db: Db }) {
  return presentTaxonomyTree(await repo.listTaxonomyTerms(db));
}

/** Admin: adds a term (codes are unique and stable). */
export async function createTaxonomyTerm({ db, actor, body }: Ctx & { body: TaxonomyTermBody }) {
  const a = requireRole(actor, 'admin');
  let parentId: string | null = null;
  if (body.parentCode) {
    const [parent] = await repo.findTaxonomyTermsByCodes(db, [body.parentCode]);
    if (!parent) throw badField('parentCode', 'is not a taxonomy code');
    parentId = parent.id;
  }
  return db.transaction(async (tx) => {
    const term = await repo.insertTaxonomyTerm(tx, {
      code: body.code,
      name: body.name,
      description: body.description,
      parentId,
    });
    if (!term) throw conflict(`The code ${body.code} is already in use`, 'duplicate_code');
    const after = presentTaxonomyTerm(term);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'taxonomy.create',
      entityType: 'taxonomy_term',
      entityId: term.id,
      after,
    });
    return after;
  });
}

/** Admin: renames or re-describes a term. */
export async function updateTaxonomyTerm({
  db,
  actor,
  id,
  patch,
}: Ctx & { id: string; patch: { name?: string; description?: string } }) {
  const a = requireRole(actor, 'admin');
  const term = await repo.findTaxonomyTerm(db, id);
  if (!term) throw notFound('The taxonomy term');
  return db.transaction(async (tx) => {
    const updated = await repo.updateTaxonomyTerm(tx, id, patch);
    const after = presentTaxonomyTerm(updated!);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'taxonomy.update',
      entityType: 'taxonomy_term',
      entityId: id,
      before: presentTaxonomyTerm(term),
      after,
    });
    return after;
  });
}

/** Admin: deletes a term no service and no child term uses (409 otherwise). */
export async function deleteTaxonomyTerm({ db, actor, id }: Ctx & { id: string }) {
  const a = requireRole(actor, 'admin');
  const term = await repo.findTaxonomyTerm(db, id);
  if (!term) throw notFound('The taxonomy term');
  await db.transaction(async (tx) => {
    const usage = await repo.taxonomyTermUsage(tx, id);
    if (usage.services || usage.children)
      throw conflict(
        `This term is in use by ${usage.services} service(s) and has ${usage.children} child term(s): move them first`,
        'term_in_use',
      );
    await repo.deleteTaxonomyTerm(tx, id);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'taxonomy.delete',
      entityType: 'taxonomy_term',
      entityId: id,
      before: presentTaxonomyTerm(term),
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Concerns

/** Whether the actor may read and answer a concern: its organisation's editors, admins, and commissioners of an ICB the service covers. */
async function canParticipate(db: Db, actor: Actor, concern: repo.ConcernRow): Promise<boolean> {
  if (canEdit(actor, concern.organizationId)) return true;
  if (actor.role === 'icb_commissioner' && actor.icbCode && concern.serviceId) {
    const icbs = await repo.serviceIcbCodes(db, concern.serviceId);
    return icbs.includes(actor.icbCode) || icbs.includes('all');
  }
  return false;
}

/** An editor raises a concern about a service (capacity, funding, demand surge, other). */
export async function raiseConcern({ db, actor, serviceId, body }: Ctx & { serviceId: string; body: ConcernBody }) {
  const { service, actor: a } = await loadServiceForWrite(db, actor, serviceId);
  return db.transaction(async (tx) => {
    const c = await repo.insertConcern(tx, {
      organizationId: service.organizationId,
      serviceId,
      kind: body.kind,
      summary: body.summary,
      details: body.details,
      fundingEndsOn: body.fundingEndsOn,
      raisedBy: a.userId,
    });
    const after = presentConcern(c, []);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'concern.raise',
      entityType: 'concern',
      entityId: c.id,
      after,
    });
    return after;
  });
}

/** Concerns of the actor's organisations, with messages. */
export async function listMyConcerns({ db, actor }: Ctx) {
  const a = requireActor(actor);
  const rows = await repo.listConcernsOfOrganizations(db, await repo.membershipOrgIds(db, a.userId));
  const messages = await repo.listConcernMessages(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentConcern(r, messages));
}

/**
 * Commissioners: concerns about services covering their ICB; admins: all, or one ICB's. Each carries its service
 * and organisation names and the PCNs the service covers (within the ICB when one is in scope), newest first.
 */
export async function listConcerns({
  db,
  actor,
  status,
  kind,
  icb,
}: Ctx & { status?: string; kind?: string; icb?: string }) {
  const a = requireRole(actor, 'icb_commissioner', 'admin');
  if (a.role === 'icb_commissioner' && !a.icbCode) throw forbidden('Your account is not linked to an ICB');
  if (a.role === 'icb_commissioner' && icb && icb !== a.icbCode)
    throw forbidden("You can see only your own ICB's concerns");
  const scope = a.role === 'admin' ? icb : a.icbCode!;
  const rows = await repo.listConcernsForIcb(db, scope, status, kind);
  const ids = rows.map((r) => r.id);
  const messages = await repo.listConcernMessages(db, ids);
  const contexts = await repo.concernContexts(db, ids, scope);
  return rows.map((r) => ({
    ...presentConcern(r, messages),
    ...(contexts.get(r.id) ?? { serviceName: null, organizationName: null, pcns: [] }),
  }));
}

/** One concern with its messages, for its participants. */
export async function getConcern({ db, actor, id }: Ctx & { id: string }) {
  const a = requireActor(actor);
  const c = await repo.findConcern(db, id);
  if (!c || !(await canParticipate(db, a, c))) throw notFound('The concern');
  return presentConcern(c, await repo.listConcernMessages(db, [id]));
}

/** A participant replies to a concern (and may move its status). */
export async function replyToConcern({ db, actor, id, body }: Ctx & { id: string; body: ConcernMessageBody }) {
  const a = requireActor(actor);
  const c = await repo.findConcern(db, id);
  if (!c) throw notFound('The concern');
  if (!(await canParticipate(db, a, c)))
    throw forbidden('You can reply only to concerns about your organisation or your ICB');
  if (body.status && body.status !== c.status && a.role !== 'icb_commissioner' && a.role !== 'admin')
    throw forbidden("Only ICB commissioners and admins can change a concern's status");
  return db.transaction(async (tx) => {
    const m = await repo.insertConcernMessage(tx, { concernId: id, authorId: a.userId, body: body.body });
    if (body.status && body.status !== c.status) await repo.setConcernStatus(tx, id, body.status);
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'concern.reply',
      entityType: 'concern',
      entityId: id,
      before: { status: c.status },
      after: { status: body.status ?? c.status, messageId: m.id },
    });
    const updated = (await repo.findConcern(tx, id))!;
    return presentConcern(updated, await repo.listConcernMessages(tx, [id]));
  });
}
