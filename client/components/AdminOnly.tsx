/** Gate for admin pages: sets the page title, shows the page to admins and tells anyone else they need an admin account. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';
import { PageHeading } from './PageHeading';

/** Props of AdminOnly. */
export interface AdminOnlyProps {
  /** Page title (browser tab), also the heading shown to someone who is not an admin. */
  title: string;
  /** Path of the page, to come back to after signing in. */
  path: string;
  /** The page itself, rendered only for a signed-in admin. */
  children: ReactNode;
}

/** `children` for a signed-in admin; otherwise a heading and a note (with a sign-in link when signed out). */
export function AdminOnly({ title, path, children }: AdminOnlyProps) {
  usePageTitle(title);
  const { user, status } = useSession();
  if (status === 'loading') return <p className="nhsuk-body">Loading…</p>;
  if (!user || user.role !== 'admin') {
    return (
      <>
        <PageHeading>{title}</PageHeading>
        <p>
          This page is for Signpost administrators. {!user && <Link to={`${SIGN_IN_PATH}?next=${path}`}>Sign in</Link>}
        </p>
      </>
    );
  }
  return children;
}
