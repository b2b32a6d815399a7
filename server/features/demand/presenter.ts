/** Demand rows → DTOs. Nothing about the person exists to present; the recorder's id is never returned. */
import type { ReferralDto, ReopenSubscriptionDto, UnmetNeedDto, UnmetNeedReason } from '../../../shared/schemas/demand';
import type { ReferralRow, ReopenSubscriptionRow, UnmetNeedRow } from './repository';

/** A referral. `duplicate` says the request repeated one made within a minute. */
export const presentReferral = (r: ReferralRow, duplicate: boolean): ReferralDto => ({
  id: r.id,
  serviceId: r.serviceId,
  pcnCode: r.pcnCode,
  categoryCodes: r.categoryCodes,
  recordedAt: r.recordedAt.toISOString(),
  duplicate,
});

/** An unmet need. */
export const presentUnmetNeed = (u: UnmetNeedRow, duplicate: boolean): UnmetNeedDto => ({
  id: u.id,
  reason: u.reason as UnmetNeedReason,
  categoryCodes: u.categoryCodes,
  postcodeDistrict: u.postcodeDistrict,
  pcnCode: u.pcnCode,
  recordedAt: u.recordedAt.toISOString(),
  duplicate,
});

/** A reopen subscription (or its absence). */
export const presentSubscription = (
  serviceId: string,
  s: ReopenSubscriptionRow | undefined,
): ReopenSubscriptionDto => ({
  serviceId,
  subscribed: !!s,
  createdAt: s ? s.createdAt.toISOString() : null,
});
