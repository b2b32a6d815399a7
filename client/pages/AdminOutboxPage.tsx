/** Route `/admin/outbox`: the dev outbox — recent emails Signpost sent (invites, password resets, capacity nudges). */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, sendJson } from '../api/client';
import { formatDateTime } from '../capacity/format';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';

interface OutboxEmail {
  id: number;
  to: string;
  subject: string;
  text: string;
  status: 'sent' | 'failed';
  error: string | null;
  createdAt: string;
}

/** Lists the outbox for admins when the server runs with DEV_OUTBOX=on (never in production). */
export function AdminOutboxPage() {
  usePageTitle('Dev outbox');
  const [emails, setEmails] = useState<OutboxEmail[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    sendJson<{ emails: OutboxEmail[] }>('GET', '/api/dev/outbox')
      .then(({ body }) => setEmails(body.emails))
      .catch((e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 404
            ? 'The dev outbox is off. Start Signpost with DEV_OUTBOX=on to see the emails it sends (never in production).'
            : e instanceof ApiError
              ? e.detail
              : 'The outbox could not be loaded',
        ),
      );
  }, []);
  return (
    <>
      <PageHeading caption="Signpost administration">Dev outbox</PageHeading>
      <p>
        Emails Signpost has sent, newest first, for demos and testing. <Link to="/admin">Back to admin</Link>
      </p>
      {error && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The outbox could not be loaded</h2>
          <p className="nhsuk-error-summary__body">{error}</p>
        </div>
      )}
      {emails?.length === 0 && <p>No emails yet.</p>}
      {emails?.map((email) => (
        <details key={email.id} className="nhsuk-details nhsuk-expander">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">
              {email.subject} – to {email.to}, {formatDateTime(email.createdAt)}
              {email.status === 'failed' ? ' (failed)' : ''}
            </span>
          </summary>
          <div className="nhsuk-details__text">
            <pre className="signpost-email">{email.text}</pre>
          </div>
        </details>
      ))}
    </>
  );
}
