/**
 * Rules of demand signals: who may record referrals and unmet need (link workers with a PCN), double-click
 * protection, referral pressure, "tell me when it reopens" and the commissioners' summary. Nothing that identifies a
 * patient is ever accepted or stored. Plain data in and out. See docs/demand.md.
 */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db';
import { badField, conflict, forbidden, notFound, validationError } from '../../errors';
import { requireRole, type Actor } from '../accounts';
import { sendEmail, type Mailer } from '../email';
import type { DemandSummaryDto, DemandSummaryQuery, UnmetNeedBody } from '../../../shared/schemas/demand';
import { UNMET_NEED_REASON_LABELS, type UnmetNeedReason } from '../../../shared/schemas/demand';
import * as repo from './repository';
import { presentReferral, presentSubscription, presentUnmetNeed } from './presenter';
import { reopenMessage } from './message';

/** Window of referral pressure, days. */
export const PRESSURE_WINDOW_DAYS = 28;
/** Referrals in the window that make a waitlist / not-accepting service "high" even without declared places. */
export const PRESSURE_FULL_THRESHOLD = 3;
/** A second identical record from the same person within this many ms returns the first. */
export const DUPLICATE_WINDOW_MS = 60_000;
/** Capacity statuses a reopen subscription waits on, and those that count as reopened. */
export const CLOSED_STATUSES = ['waitlist', 'not_accepting'];
export const OPEN_STATUSES = ['accepting', 'limited'];

interface Ctx {
  db: Db;
  actor: Actor | undefined;
}

/** 401/403 unless a link worker whose account names a PCN; returns the actor and PCN. */
function requireLinkWorker(actor: Actor | undefined): { actor: Actor; pcnCode: string } {
  const a = requireRole(actor, 'link_worker');
  if (!a.pcnCode) throw forbidden('Your account is not linked to a PCN: ask an administrator to set it');
  return { actor: a, pcnCode: a.pcnCode };
}

/** A service anyone may see (approved organisation, not removed), or 404. */
async function loadPublicService(db: Db, id: string) {
  const s = await repo.findService(db, id);
  if (!s || s.organizationStatus !== 'approved' || s.status === 'defunct') throw notFound('The service');
  return s;
}

/**
 * "I referred someone here": records the service, the link worker's PCN, the service's taxonomy codes and the time.
 * The same person recording the same service again within a minute gets the first record back (created false).
 */
export async function recordReferral({ db, actor, serviceId }: Ctx & { serviceId: string }) {
  const { actor: a, pcnCode } = requireLinkWorker(actor);
  const service = await loadPublicService(db, serviceId);
  return db.transaction(async (tx) => {
    await repo.lockKey(tx, `referral:${a.userId}:${serviceId}`);
    const now = new Date();
    const recent = await repo.findRecentReferral(
      tx,
      a.userId,
      serviceId,
      new Date(now.getTime() - DUPLICATE_WINDOW_MS),
    );
    if (recent) return { referral: presentReferral(recent, true), created: false };
    const row = await repo.insertReferral(tx, {
      serviceId,
      pcnCode,
      categoryCodes: service.categoryCodes,
      recordedBy: a.userId,
      recordedAt: now,
    });
    return { referral: presentReferral(row, false), created: true };
  });
}

/**
 * "Nothing suitable found": records why, the search's taxonomy codes (each must exist) and postcode district. The
 * same record from the same person within a minute returns the first.
 */
export async function recordUnmetNeed({ db, actor, body }: Ctx & { body: UnmetNeedBody }) {
  const { actor: a, pcnCode } = requireLinkWorker(actor);
  const known = await repo.existingTaxonomyCodes(db, body.category);
  const unknown = body.category
    .map((code, i) => ({ code, i }))
    .filter(({ code }) => !known.has(code))
    .map(({ code, i }) => ({
      field: `category.${i}`,
      message: `is not a taxonomy code (${code}); see GET /api/taxonomy`,
    }));
  if (unknown.length) throw validationError(unknown);
  const categoryCodes = [...body.category].sort();
  return db.transaction(async (tx) => {
    await repo.lockKey(tx, `unmet:${a.userId}`);
    const now = new Date();
    const values = { reason: body.reason, categoryCodes, postcodeDistrict: body.postcodeDistrict };
    const recent = await repo.findRecentUnmetNeed(tx, a.userId, values, new Date(now.getTime() - DUPLICATE_WINDOW_MS));
    if (recent) return { unmetNeed: presentUnmetNeed(recent, true), created: false };
    const row = await repo.insertUnmetNeed(tx, { ...values, pcnCode, recordedBy: a.userId, recordedAt: now });
    return { unmetNeed: presentUnmetNeed(row, false), created: true };
  });
}

/**
 * Referral pressure of services: the map holds "high" for each service whose referrals in the last 28 days exceed
 * its declared places (capacity places, else places per session), or which is on a waiting list / not accepting and
 * got at least PRESSURE_FULL_THRESHOLD referrals. Services not in the map have no known pressure.
 */
export async function referralPressure(db: Db, serviceIds: string[]): Promise<Map<string, 'high'>> {
  if (!serviceIds.length) return new Map();
  const ids = [...new Set(serviceIds)];
  const high = await repo.servicesUnderPressure(db, ids, {
    days: PRESSURE_WINDOW_DAYS,
    fullThreshold: PRESSURE_FULL_THRESHOLD,
  });
  return new Map(high.map((id) => [id, 'high' as const]));
}

/**
 * referralPressure as a boolean SQL expression over a service id expression of the caller's statement (search
 * carries it in its page statement instead of asking afterwards).
 */
export const referralPressureSql = (serviceId: SQL, now: Date = new Date()): SQL =>
  repo.underPressureSql(serviceId, {
    since: new Date(now.getTime() - PRESSURE_WINDOW_DAYS * 86_400_000),
    fullThreshold: PRESSURE_FULL_THRESHOLD,
  });

// ---------------------------------------------------------------------------------------------------------------
// Reopen subscriptions

/** Whether the link worker is waiting to hear when a service reopens. */
export async function getReopenSubscription({ db, actor, serviceId }: Ctx & { serviceId: string }) {
  const a = requireRole(actor, 'link_worker');
  await loadPublicService(db, serviceId);
  return presentSubscription(serviceId, await repo.findPendingSubscription(db, a.userId, serviceId));
}

/** "Tell me when it reopens" on a waitlist / not-accepting service (409 otherwise). Repeats return the same one. */
export async function subscribeReopen({ db, actor, serviceId }: Ctx & { serviceId: string }) {
  const a = requireRole(actor, 'link_worker');
  const service = await loadPublicService(db, serviceId);
  if (!CLOSED_STATUSES.includes(service.capacityStatus ?? ''))
    throw conflict('This service is taking referrals: there is nothing to wait for', 'service_accepting');
  const existing = await repo.findPendingSubscription(db, a.userId, serviceId);
  if (existing) return { subscription: presentSubscription(serviceId, existing), created: false };
  const row = await repo.insertSubscription(db, a.userId, serviceId);
  return { subscription: presentSubscription(serviceId, row), created: true };
}

/** Stops waiting; harmless when not subscribed. */
export async function unsubscribeReopen({ db, actor, serviceId }: Ctx & { serviceId: string }) {
  const a = requireRole(actor, 'link_worker');
  await repo.deletePendingSubscription(db, a.userId, serviceId);
}

/**
 * Called by every capacity write inside its transaction: when the status goes from waitlist / not accepting to
 * accepting / limited, the service's waiting subscriptions become due. Returns how many.
 */
export async function markServiceReopened(
  tx: Db,
  { serviceId, before, after, at }: { serviceId: string; before: string | null; after: string | null; at: Date },
): Promise<number> {
  if (!CLOSED_STATUSES.includes(before ?? '') || !OPEN_STATUSES.includes(after ?? '')) return 0;
  return repo.markReopened(tx, serviceId, at);
}

/**
 * Sends one email to each due subscriber of a service (after the capacity write committed). Each subscription is
 * claimed (notified_at) before sending, so it is emailed exactly once; a refused send gives the claim back so the
 * next capacity write of the service retries it. Never throws for a mail failure.
 */
export async function deliverReopenEmails({
  db,
  mailer,
  publicBaseUrl,
  serviceId,
}: {
  db: Db;
  mailer: Mailer;
  publicBaseUrl: string;
  serviceId: string;
}): Promise<{ sent: number; failed: number }> {
  const due = await repo.listDueSubscriptions(db, serviceId);
  const result = { sent: 0, failed: 0 };
  for (const d of due) {
    const at = new Date();
    if (!(await repo.claimSubscription(db, d.id, at))) continue;
    const sent = await sendEmail({
      db,
      mailer,
      message: reopenMessage({
        to: d.email,
        serviceName: d.serviceName,
        organizationName: d.organizationName,
        capacityStatus: d.capacityStatus,
        url: `${publicBaseUrl}/services/${d.serviceId}`,
      }),
    });
    if (sent.status === 'sent') result.sent += 1;
    else {
      result.failed += 1;
      await repo.releaseSubscription(db, d.id, at);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Summary

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Counts of referrals and unmet needs by PCN, category or reason, for commissioners (their own ICB only) and admins.
 * A record belongs to the PCN of the link worker who made it, and to that PCN's ICB.
 */
export async function demandSummary({ db, actor, q }: Ctx & { q: DemandSummaryQuery }): Promise<DemandSummaryDto> {
  const a = requireRole(actor, 'icb_commissioner', 'admin');
  let icb: string | null = null;
  if (q.icb) {
    icb = (await repo.resolveIcb(db, q.icb)) ?? null;
    if (!icb) throw badField('icb', 'is not a known ICB code');
  }
  if (a.role === 'icb_commissioner') {
    if (!a.icbCode) throw forbidden('Your account is not linked to an ICB');
    if (icb && icb !== a.icbCode.toUpperCase()) throw forbidden('You can see demand only for your own ICB');
    icb = a.icbCode.toUpperCase();
  }
  const pcn = q.pcn ?? null;
  if (pcn) {
    const pcnIcb = await repo.pcnIcb(db, pcn);
    if (pcnIcb === undefined) throw badField('pcn', 'is not a known PCN code');
    if (icb && pcnIcb !== icb) {
      if (a.role === 'icb_commissioner') throw forbidden('That PCN is not in your ICB');
      throw badField('pcn', `is not in ICB ${icb}`);
    }
  }
  const to = q.to ?? isoDay(new Date());
  const from = q.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 364 * DAY_MS));
  if (from > to) throw badField('from', 'must be on or before to');
  const filter: repo.SummaryFilter = {
    from: new Date(`${from}T00:00:00Z`),
    toExclusive: new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS),
    icb,
    pcn,
  };
  const rows =
    q.groupBy === 'pcn'
      ? await repo.summaryByPcn(db, filter)
      : q.groupBy === 'category'
        ? await repo.summaryByCategory(db, filter)
        : await repo.summaryByReason(db, filter);
  return {
    groupBy: q.groupBy,
    icb,
    pcn,
    from,
    to,
    totals: await repo.summaryTotals(db, filter),
    rows: rows.map((r) => ({
      key: r.key,
      label:
        q.groupBy === 'reason' ? (UNMET_NEED_REASON_LABELS[r.key as UnmetNeedReason] ?? r.key) : (r.label ?? r.key),
      referrals: Number(r.referrals),
      unmetNeeds: Number(r.unmet_needs),
    })),
  };
}

/**
 * Referrals and unmet-need records per PCN (the recording link worker's PCN) in the last `days` days, for the gap
 * analysis. PCNs without records are absent.
 */
/** Unmet-need records of one PCN's link workers in the last `days` days, counted by reason (reasons with none left out). */
export async function unmetNeedReasonsForPcn(
  db: Db,
  pcn: string,
  days: number,
  now: Date = new Date(),
): Promise<{ reason: string; count: number }[]> {
  const rows = await repo.summaryByReason(db, {
    from: new Date(now.getTime() - days * 86_400_000),
    toExclusive: new Date(now.getTime() + 1),
    icb: null,
    pcn,
  });
  return rows.map((r) => ({ reason: r.key, count: r.unmet_needs }));
}

export async function demandCountsByPcn(
  db: Db,
  days: number,
  now: Date = new Date(),
): Promise<Map<string, { referrals: number; unmetNeeds: number }>> {
  const rows = await repo.summaryByPcn(db, {
    from: new Date(now.getTime() - days * 86_400_000),
    toExclusive: new Date(now.getTime() + 1),
    icb: null,
    pcn: null,
  });
  return new Map(rows.map((r) => [r.key, { referrals: r.referrals, unmetNeeds: r.unmet_needs }]));
}
