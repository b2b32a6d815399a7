/** The NHS.UK header: service name, account link and the journey menu, with the current page marked for assistive technology. */
import { Link, matchPath, useLocation, useNavigate } from 'react-router';
import { JOURNEYS, SIGN_IN_PATH } from '../journeys';
import { SERVICE_NAME } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';

/** The NHS.UK user icon of the account area. */
const USER_ICON = (
  <svg
    className="nhsuk-icon nhsuk-icon--user"
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 24 24"
    width="16"
    height="16"
    focusable="false"
    aria-hidden="true"
  >
    <path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z" />
  </svg>
);

function isCurrent(path: string, pathname: string): boolean {
  return matchPath({ path, end: false }, pathname) !== null;
}

/**
 * Site header with nhsuk-header markup; needs no nhsuk-frontend JavaScript (the menu wraps on small screens).
 * It shows no NHS logo: NHS identity rules reserve it for NHS organisations, and Signpost is also run by and for VCSE
 * organisations. A deployment by an NHS body can add nhsuk-header__logo inside the service link.
 */
export function Header() {
  const { pathname } = useLocation();
  const isSignIn = isCurrent(SIGN_IN_PATH, pathname);
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const handleSignOut = () => {
    void signOut().finally(() => navigate('/'));
  };
  return (
    <header className="nhsuk-header" role="banner">
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <Link className="nhsuk-header__service-name" to="/" aria-label={`${SERVICE_NAME} homepage`}>
            {SERVICE_NAME}
          </Link>
        </div>
        <nav className="nhsuk-header__account" aria-label="Account">
          <ul className="nhsuk-header__account-list">
            {user ? (
              <>
                <li className="nhsuk-header__account-item">
                  {USER_ICON}
                  <span className="nhsuk-u-visually-hidden">Signed in as </span>
                  {user.name}
                </li>
                {user.role === 'admin' && (
                  <li className="nhsuk-header__account-item">
                    <Link
                      className="nhsuk-header__account-link"
                      to="/admin"
                      aria-current={isCurrent('/admin', pathname) ? 'page' : undefined}
                    >
                      Admin
                    </Link>
                  </li>
                )}
                <li className="nhsuk-header__account-item">
                  <button className="nhsuk-header__account-button" type="button" onClick={handleSignOut}>
                    Sign out
                  </button>
                </li>
              </>
            ) : (
              <li className="nhsuk-header__account-item">
                <Link
                  className="nhsuk-header__account-link"
                  to={SIGN_IN_PATH}
                  aria-current={isSignIn ? 'page' : undefined}
                >
                  {USER_ICON}
                  {isSignIn ? (
                    <strong className="nhsuk-header__navigation-item-current-fallback">Sign in</strong>
                  ) : (
                    'Sign in'
                  )}
                </Link>
              </li>
            )}
          </ul>
        </nav>
      </div>
      <nav className="nhsuk-header__navigation" aria-label="Menu">
        <div className="nhsuk-header__navigation-container nhsuk-width-container">
          <ul className="nhsuk-header__navigation-list">
            {JOURNEYS.map((journey) => {
              const isActive = isCurrent(journey.path, pathname);
              return (
                <li
                  key={journey.path}
                  className={`nhsuk-header__navigation-item${isActive ? ' nhsuk-header__navigation-item--current' : ''}`}
                >
                  <Link
                    className="nhsuk-header__navigation-link"
                    to={journey.path}
                    aria-current={isActive ? 'page' : undefined}
                  >
                    {/* The strong keeps the current item visible when users override colours. */}
                    {isActive ? (
                      <strong className="nhsuk-header__navigation-item-current-fallback">{journey.title}</strong>
                    ) : (
                      journey.title
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      </nav>
    </header>
  );
}
