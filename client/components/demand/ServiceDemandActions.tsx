/**
 * On a service page, for signed-in link workers: "I referred someone here" and, when the service is not taking
 * referrals, "Tell me when it reopens". Nothing about the person is entered or stored.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { fetchReopenSubscription, recordReferral, setReopenSubscription } from '../../api/demand';
import { useSession } from '../../hooks/useSession';

/** Props of ServiceDemandActions. */
export interface ServiceDemandActionsProps {
  serviceId: string;
  serviceName: string;
  /** The service's capacity status; the reopen toggle shows for waitlist and not_accepting. */
  capacityStatus: string | null;
}

const errorText = (error: unknown) => (error instanceof ApiError ? error.detail : 'Something went wrong: try again');

/** The link worker's actions; nothing for anyone else. */
export function ServiceDemandActions({ serviceId, serviceName, capacityStatus }: ServiceDemandActionsProps) {
  const { user, csrfToken } = useSession();
  const isLinkWorker = user?.role === 'link_worker';
  const isClosed = capacityStatus === 'waitlist' || capacityStatus === 'not_accepting';
  const [referral, setReferral] = useState<'idle' | 'busy' | 'done'>('idle');
  const [referralError, setReferralError] = useState<string | null>(null);
  const [subscribed, setSubscribed] = useState<boolean | null>(null);
  const [subscriptionBusy, setSubscriptionBusy] = useState(false);
  const [subscriptionMessage, setSubscriptionMessage] = useState<string | null>(null);
  const [subscriptionError, setSubscriptionError] = useState<string | null>(null);

  useEffect(() => {
    if (!isLinkWorker || !isClosed) return;
    const controller = new AbortController();
    fetchReopenSubscription(serviceId, controller.signal)
      .then((s) => setSubscribed(s.subscribed))
      .catch(() => {
        if (!controller.signal.aborted) setSubscribed(false);
      });
    return () => controller.abort();
  }, [serviceId, isLinkWorker, isClosed]);

  if (!isLinkWorker) return null;

  const handleReferral = async () => {
    setReferral('busy');
    setReferralError(null);
    try {
      await recordReferral(serviceId, csrfToken);
      setReferral('done');
    } catch (error) {
      setReferral('idle');
      setReferralError(errorText(error));
    }
  };

  const toggleSubscription = async () => {
    const next = !subscribed;
    setSubscriptionBusy(true);
    setSubscriptionError(null);
    try {
      await setReopenSubscription(serviceId, next, csrfToken);
      setSubscribed(next);
      setSubscriptionMessage(
        next
          ? `We will email you once when ${serviceName} starts taking referrals again.`
          : `You will not be emailed about ${serviceName}.`,
      );
    } catch (error) {
      setSubscriptionError(errorText(error));
    } finally {
      setSubscriptionBusy(false);
    }
  };

  return (
    <section className="nhsuk-card" aria-labelledby="demand-actions-heading">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id="demand-actions-heading">
          For link workers
        </h2>
        <p className="nhsuk-body-s">
          Recording referrals shows commissioners where demand lands. Only the service, its category, your PCN and the
          date are stored — nothing about the person.
        </p>
        {referral !== 'done' && (
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            onClick={() => void handleReferral()}
            disabled={referral === 'busy'}
          >
            {referral === 'busy' ? 'Recording…' : 'I referred someone here'}
          </button>
        )}
        <div role="status">
          {referral === 'done' && (
            <p className="nhsuk-body">
              <strong>Recorded — thank you. No details about the person are stored.</strong>
            </p>
          )}
        </div>
        {referralError && (
          <p className="nhsuk-error-message" role="alert">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {referralError}
          </p>
        )}
        {isClosed && subscribed !== null && (
          <>
            <h3 className="nhsuk-heading-s">Waiting for a place?</h3>
            <button
              className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-2"
              type="button"
              onClick={() => void toggleSubscription()}
              disabled={subscriptionBusy}
            >
              {subscribed ? 'Stop telling me when it reopens' : 'Tell me when it reopens'}
            </button>
            <p className="nhsuk-body-s" role="status">
              {subscriptionMessage ??
                (subscribed ? 'You will get one email when it starts taking referrals again.' : '')}
            </p>
            {subscriptionError && (
              <p className="nhsuk-error-message" role="alert">
                <span className="nhsuk-u-visually-hidden">Error: </span>
                {subscriptionError}
              </p>
            )}
          </>
        )}
      </div>
    </section>
  );
}
