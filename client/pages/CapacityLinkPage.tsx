/**
 * Route `/capacity-link?token=…`: the page an emailed one-tap capacity link opens. It previews what the link would do
 * (GET, no side effects, so a mail scanner prefetching it changes nothing) and applies it only when the button is
 * pressed. No sign-in: the signed token is the authority.
 */
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, sendJson } from '../api/client';
import type { CapacityDto } from '../api/directory';
import { formatDateTime } from '../capacity/format';
import { CapacityBadge } from '../components/CapacityBadge';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { SIGN_IN_PATH } from '../journeys';

/** GET /api/capacity-links/:token. */
interface CapacityLinkPreview {
  service: { id: string; name: string; organizationName: string | null };
  action: 'accepting' | 'waitlist' | 'not_accepting' | 'confirm';
  actionLabel: string;
  expiresAt: string;
  wouldRecord: 'set' | 'confirm';
  canApply: boolean;
  currentCapacity: CapacityDto;
}

/** POST /api/capacity-links/:token/apply. */
interface CapacityLinkResult {
  applied: 'set' | 'confirm';
  action: CapacityLinkPreview['action'];
  service: { id: string; name: string };
  capacity: CapacityDto;
}

type State =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'error'; detail: string }
  | { status: 'ready'; link: CapacityLinkPreview; isBusy: boolean; failure: string }
  | { status: 'done'; result: CapacityLinkResult };

const SIGN_IN_HREF = `${SIGN_IN_PATH}?next=/my-organisation`;

const linkPath = (token: string) => `/api/capacity-links/${encodeURIComponent(token)}`;

/** Maps an API failure to what the page says. */
function stateOf(error: unknown): State {
  if (error instanceof ApiError && error.status === 410) return { status: 'expired' };
  if (error instanceof ApiError && error.status === 400) return { status: 'invalid' };
  if (error instanceof ApiError && error.status === 404)
    return { status: 'error', detail: 'The service this link is about no longer exists.' };
  return { status: 'error', detail: error instanceof ApiError ? error.detail : 'Something went wrong' };
}

/** The capacity link page: preview, one button, then a confirmation. */
export function CapacityLinkPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const [state, setState] = useState<State>(token ? { status: 'loading' } : { status: 'missing' });

  useEffect(() => {
    if (!token) return;
    const controller = new AbortController();
    sendJson<CapacityLinkPreview>('GET', linkPath(token), undefined, { signal: controller.signal })
      .then(({ body }) => setState({ status: 'ready', link: body, isBusy: false, failure: '' }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState(stateOf(error));
      });
    return () => controller.abort();
  }, [token]);

  const title =
    state.status === 'ready'
      ? state.link.action === 'confirm'
        ? 'Confirm capacity is still accurate'
        : `Set ${state.link.service.name} to ${state.link.actionLabel}?`
      : state.status === 'done'
        ? 'Capacity updated'
        : state.status === 'expired'
          ? 'This link has expired'
          : state.status === 'invalid' || state.status === 'missing'
            ? 'This link is not valid'
            : state.status === 'error'
              ? 'Capacity could not be updated'
              : 'Update capacity';
  usePageTitle(title);

  const apply = async () => {
    if (state.status !== 'ready' || state.isBusy) return;
    const link = state.link;
    setState({ status: 'ready', link, isBusy: true, failure: '' });
    try {
      const { body } = await sendJson<CapacityLinkResult>('POST', `${linkPath(token)}/apply`);
      setState({ status: 'done', result: body });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 410 || error.status === 400)) {
        setState(stateOf(error));
        return;
      }
      setState({
        status: 'ready',
        link,
        isBusy: false,
        failure: error instanceof ApiError ? error.detail : 'Something went wrong: try again',
      });
    }
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {state.status === 'ready' && state.link.service.organizationName ? (
          <PageHeading caption={state.link.service.organizationName}>{title}</PageHeading>
        ) : (
          <PageHeading>{title}</PageHeading>
        )}
        {state.status === 'loading' && <p className="nhsuk-body">Checking your link…</p>}
        {state.status === 'expired' && (
          <>
            <p className="nhsuk-body">This link has expired — sign in to update capacity.</p>
            <p className="nhsuk-body">
              Links in capacity emails work for 7 days. You can also use the link in the latest email.
            </p>
            <p className="nhsuk-body">
              <Link to={SIGN_IN_HREF}>Sign in to update capacity</Link>
            </p>
          </>
        )}
        {(state.status === 'invalid' || state.status === 'missing') && (
          <>
            <p className="nhsuk-body">This link is not valid. Use the link exactly as it was emailed to you.</p>
            <p className="nhsuk-body">
              Or <Link to={SIGN_IN_HREF}>sign in to update capacity</Link>.
            </p>
          </>
        )}
        {state.status === 'error' && (
          <>
            <p className="nhsuk-body">{state.detail}</p>
            <p className="nhsuk-body">
              <Link to={SIGN_IN_HREF}>Sign in to update capacity</Link>
            </p>
          </>
        )}
        {state.status === 'ready' && <Preview state={state} onApply={() => void apply()} />}
        {state.status === 'done' && (
          <>
            <div className="nhsuk-panel" role="status">
              <h2 className="nhsuk-panel__title">Thank you</h2>
              <div className="nhsuk-panel__body">
                <p>
                  {state.result.service.name} now shows{' '}
                  <CapacityBadge capacity={state.result.capacity} showAsOf={false} />
                </p>
                <p>as of {formatDateTime(state.result.capacity.asOf ?? new Date().toISOString())}.</p>
              </div>
            </div>
            <p className="nhsuk-body">
              <Link to={`/services/${state.result.service.id}`}>
                View the public page of {state.result.service.name}
              </Link>
            </p>
          </>
        )}
      </div>
    </div>
  );
}

function Preview({ state, onApply }: { state: Extract<State, { status: 'ready' }>; onApply(): void }) {
  const { link, isBusy, failure } = state;
  const isConfirm = link.action === 'confirm';
  return (
    <>
      {isConfirm && (
        <p className="nhsuk-lede-text">
          Tell link workers that the capacity of {link.service.name} shown below is still accurate.
        </p>
      )}
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Service</dt>
          <dd className="nhsuk-summary-list__value">{link.service.name}</dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Capacity now</dt>
          <dd className="nhsuk-summary-list__value">
            <CapacityBadge capacity={link.currentCapacity} />
          </dd>
        </div>
        {!isConfirm && (
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Change to</dt>
            <dd className="nhsuk-summary-list__value">{link.actionLabel}</dd>
          </div>
        )}
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Link works until</dt>
          <dd className="nhsuk-summary-list__value">{formatDateTime(link.expiresAt)}</dd>
        </div>
      </dl>
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">Capacity was not updated</h2>
          <p className="nhsuk-error-summary__body">{failure}</p>
        </div>
      )}
      {link.canApply ? (
        <button
          type="button"
          className="nhsuk-button signpost-link-apply"
          onClick={onApply}
          disabled={isBusy}
          aria-disabled={isBusy || undefined}
        >
          {isBusy ? 'Updating…' : isConfirm ? 'Yes, it is still accurate' : `Yes, set to ${link.actionLabel}`}
        </button>
      ) : (
        <p className="nhsuk-body">
          {link.service.name} has no capacity recorded yet, so there is nothing to confirm.{' '}
          <Link to={SIGN_IN_HREF}>Sign in to set its capacity</Link>.
        </p>
      )}
      <p className="nhsuk-body-s">Nothing changes until you press the button. You do not need to sign in.</p>
    </>
  );
}
