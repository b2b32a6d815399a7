/**
 * Routes `/organisations/claim?q=` (find a listed organisation by name; the URL keeps the search) and
 * `/organisations/:id/claim` (say how you are connected to it; an administrator decides).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, getJson, sendJson } from '../api/client';
import type { ClaimDto, ClaimWithOrganizationDto, OrganizationDto, OrganizationMatchDto } from '../api/directory';
import { ErrorSummary } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { TextArea } from '../components/TextArea';
import { TextInput } from '../components/TextInput';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';
import { ApprovalConfirmation } from '../components/ApprovalConfirmation';
import { mayManageOrganisations, VcseEditorsOnly } from '../components/VcseEditorsOnly';

type Search =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; organizations: OrganizationMatchDto[] }
  | { status: 'error'; detail: string; field: boolean };

/** Find an organisation to claim: a search by name whose results link to the claim form. */
export function FindOrganisationToClaimPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const [draft, setDraft] = useState(q);
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const fieldError = search.status === 'error' && search.field ? search.detail : undefined;
  usePageTitle(fieldError ? 'Error: Claim your organisation' : 'Claim your organisation');

  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    if (!q) {
      setSearch({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setSearch({ status: 'loading' });
    getJson<{ organizations: OrganizationMatchDto[] }>(`/api/organizations?q=${encodeURIComponent(q)}`, {
      signal: controller.signal,
    })
      .then((body) => setSearch({ status: 'ready', organizations: body.organizations }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const problem = error instanceof ApiError ? error.errors.find((e) => e.field === 'q') : undefined;
        setSearch(
          problem
            ? { status: 'error', detail: `Organisation name ${problem.message}`, field: true }
            : {
                status: 'error',
                detail: error instanceof ApiError ? error.detail : 'Something went wrong',
                field: false,
              },
        );
      });
    return () => controller.abort();
  }, [q]);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    const value = draft.trim();
    if (value.length < 2) {
      setSearch({ status: 'error', detail: 'Enter at least 2 letters of the organisation’s name', field: true });
      return;
    }
    setParams({ q: value });
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading caption="For VCSE organisations">Claim your organisation</PageHeading>
        <p className="nhsuk-lede-text">
          Many organisations are already listed from public data. Claim yours to keep its details and services up to
          date.
        </p>
        <p>An administrator checks every claim before you can change the organisation.</p>
        {fieldError && <ErrorSummary problems={[{ fieldId: 'claim-search', message: fieldError }]} />}
        <form role="search" aria-label="Organisations" noValidate onSubmit={handleSubmit}>
          <TextInput
            id="claim-search"
            name="q"
            label="Organisation name"
            hint="Enter at least 2 letters of its name, for example Moss Side."
            error={fieldError}
            value={draft}
            autoComplete="organization"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="nhsuk-button nhsuk-button--secondary">
            Search
          </button>
        </form>
        <Results q={q} search={search} />
        <p>
          Not listed? <Link to="/organisations/new">Add your organisation</Link>.
        </p>
      </div>
    </div>
  );
}

function Results({ q, search }: { q: string; search: Search }) {
  if (search.status === 'idle') return null;
  if (search.status === 'loading') return <p role="status">Searching…</p>;
  if (search.status === 'error') {
    if (search.field) return null;
    return (
      <div className="nhsuk-error-summary" role="alert">
        <h2 className="nhsuk-error-summary__heading">The search did not work</h2>
        <p className="nhsuk-error-summary__body">{search.detail}</p>
      </div>
    );
  }
  const { organizations } = search;
  return (
    <section aria-labelledby="claim-results-heading">
      <h2 className="nhsuk-heading-m" id="claim-results-heading">
        Results
      </h2>
      <p role="status">
        {organizations.length === 0
          ? `No listed organisation matches “${q}”. Check the spelling, or add your organisation.`
          : `${organizations.length === 1 ? '1 organisation matches' : `${organizations.length} organisations match`} “${q}”.`}
      </p>
      {organizations.length > 0 && (
        <ul className="nhsuk-list nhsuk-list--border">
          {organizations.map((o) => {
            const where = [o.town, o.postcode].filter(Boolean).join(', ');
            return (
              <li key={o.id}>
                <strong>{o.name}</strong>
                {where && <span className="nhsuk-body-s"> – {where}</span>}{' '}
                <Link to={`/organisations/${o.id}/claim`}>
                  Claim<span className="nhsuk-u-visually-hidden"> {o.name}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

type Load = { status: 'loading' } | { status: 'ready'; org: OrganizationDto } | { status: 'error'; detail: string };

/** The claim form for one organisation, then a confirmation that the claim is pending. */
export function ClaimOrganisationPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [evidence, setEvidence] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [claim, setClaim] = useState<ClaimWithOrganizationDto | null>(null);
  const name = load.status === 'ready' ? load.org.name : 'an organisation';
  usePageTitle(claim ? 'Claim sent' : problem ? `Error: Claim ${name}` : `Claim ${name}`);

  useEffect(() => {
    const controller = new AbortController();
    getJson<OrganizationDto>(`/api/organizations/${encodeURIComponent(id)}`, { signal: controller.signal })
      .then((org) => setLoad({ status: 'ready', org }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoad({
          status: 'error',
          detail:
            error instanceof ApiError && error.status === 404
              ? 'This organisation is not listed. Search again for it.'
              : error instanceof ApiError
                ? error.detail
                : 'Something went wrong',
        });
      });
    return () => controller.abort();
  }, [id]);

  if (claim) {
    return (
      <ApprovalConfirmation
        title="Claim sent"
        summary={<>Your claim on {claim.organizationName} is waiting for approval</>}
      >
        <p>
          An administrator will check your claim. When they approve it, {claim.organizationName} appears on My
          organisation and you can change its details and services. Until then your claim shows there as{' '}
          <strong>Pending</strong>.
        </p>
      </ApprovalConfirmation>
    );
  }
  if (load.status === 'loading' || session.status === 'loading') return <p className="nhsuk-body">Loading…</p>;
  if (load.status === 'error') {
    return (
      <>
        <PageHeading caption="For VCSE organisations">Claim an organisation</PageHeading>
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The organisation could not be loaded</h2>
          <p className="nhsuk-error-summary__body">{load.detail}</p>
        </div>
        <p>
          <Link to="/organisations/claim">Find your organisation</Link>
        </p>
      </>
    );
  }

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    setFailure(null);
    try {
      const { body } = await sendJson<ClaimDto>(
        'POST',
        `/api/organizations/${encodeURIComponent(id)}/claims`,
        { evidence },
        { csrfToken: session.csrfToken },
      );
      setClaim({ ...body, organizationName: load.org.name });
    } catch (error) {
      const field = error instanceof ApiError ? error.errors.find((e) => e.field === 'evidence') : undefined;
      setProblem(field ? `How you are connected ${field.message}` : null);
      if (!field) setFailure(error instanceof ApiError ? error.detail : 'Something went wrong. Try again.');
    } finally {
      setSaving(false);
    }
  };

  const next = `/organisations/${id}/claim`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <p className="nhsuk-body">
          <Link to="/organisations/claim" className="nhsuk-back-link">
            Back to the search
          </Link>
        </p>
        {problem && <ErrorSummary problems={[{ fieldId: 'claim-evidence', message: problem }]} />}
        {failure && (
          <div className="nhsuk-error-summary" role="alert">
            <h2 className="nhsuk-error-summary__heading">Your claim could not be sent</h2>
            <p className="nhsuk-error-summary__body">{failure}</p>
          </div>
        )}
        <PageHeading caption="Claim your organisation">{load.org.name}</PageHeading>
        {!session.user ? (
          <p>
            You need a Signpost account to claim an organisation.{' '}
            <Link to={`${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`}>Sign in to claim {load.org.name}</Link>. If
            you do not have an account, ask your local Signpost administrator for an invitation.
          </p>
        ) : !mayManageOrganisations(session.user.role, 'claim') ? (
          <VcseEditorsOnly action="claim" role={session.user.role} />
        ) : (
          <form noValidate onSubmit={(e) => void handleSubmit(e)}>
            <TextArea
              id="claim-evidence"
              name="evidence"
              label="How are you connected to this organisation?"
              hint="Your role, and how an administrator can check it, for example your work email address or the charity's registered contact. Do not write anything about the people you support."
              error={problem ?? undefined}
              value={evidence}
              onChange={(e) => setEvidence(e.target.value)}
            />
            <button type="submit" className="nhsuk-button" disabled={saving} aria-disabled={saving}>
              {saving ? 'Sending…' : 'Send claim'}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
