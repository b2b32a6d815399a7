/** Any unknown route: the NHS.UK "page not found" pattern. */
import { Link } from 'react-router';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';

/** 404 page shown by the client router for paths it does not know. */
export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Page not found</PageHeading>
        <p>If you typed the web address, check it was correct.</p>
        <p>If you pasted the web address, check you copied the entire address.</p>
        <p>
          You can <Link to="/">go to the Signpost homepage</Link>.
        </p>
      </div>
    </div>
  );
}
