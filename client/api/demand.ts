/** Typed calls of the demand API: referrals, unmet need and reopen subscriptions (docs/demand.md). */
import type { ReferralDto, ReopenSubscriptionDto, UnmetNeedDto, UnmetNeedReason } from '@shared/schemas/demand';
import { sendJson } from './client';

export type { ReferralDto, ReopenSubscriptionDto, UnmetNeedDto, UnmetNeedReason };

/** "I referred someone here": records the referral (nothing about the person is sent). */
export async function recordReferral(serviceId: string, csrfToken: string | null): Promise<ReferralDto> {
  return (
    await sendJson<ReferralDto>('POST', `/api/services/${encodeURIComponent(serviceId)}/referrals`, {}, { csrfToken })
  ).body;
}

/** "Nothing suitable found": records the reason, the search's categories and postcode district. */
export async function recordUnmetNeed(
  body: { reason: UnmetNeedReason; category: string[]; postcodeDistrict: string | null },
  csrfToken: string | null,
): Promise<UnmetNeedDto> {
  return (await sendJson<UnmetNeedDto>('POST', '/api/unmet-needs', body, { csrfToken })).body;
}

const subscriptionPath = (serviceId: string) => `/api/services/${encodeURIComponent(serviceId)}/reopen-subscription`;

/** Whether the signed-in link worker waits to hear when a service reopens. */
export async function fetchReopenSubscription(serviceId: string, signal?: AbortSignal): Promise<ReopenSubscriptionDto> {
  return (await sendJson<ReopenSubscriptionDto>('GET', subscriptionPath(serviceId), undefined, { signal })).body;
}

/** Starts or stops waiting to hear when a service reopens. */
export async function setReopenSubscription(
  serviceId: string,
  subscribed: boolean,
  csrfToken: string | null,
): Promise<void> {
  if (subscribed) await sendJson('POST', subscriptionPath(serviceId), {}, { csrfToken });
  else await sendJson('DELETE', subscriptionPath(serviceId), undefined, { csrfToken });
}
