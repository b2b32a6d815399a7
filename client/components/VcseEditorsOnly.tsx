/**
 * Said, instead of a form, to a signed-in person whose role cannot add or claim organisations: only VCSE editors
 * (and, for adding, administrators) may, because only they can then edit the organisation.
 */
import { Link } from 'react-router';
import { ROLE_LABELS, type Role } from '@shared/roles';

/** Whether a role may add (`add`) or claim (`claim`) an organisation; the server enforces the same rule. */
export const mayManageOrganisations = (role: Role, action: 'add' | 'claim'): boolean =>
  role === 'vcse_editor' || (action === 'add' && role === 'admin');

export function VcseEditorsOnly({ action, role }: { action: 'add' | 'claim'; role: Role }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>
        {action === 'add' ? 'Adding' : 'Claiming'} an organisation is for VCSE organisation editors, the people who then
        keep its services and capacity up to date. You are signed in as: {ROLE_LABELS[role]}.
      </p>
      <p>
        {role === 'link_worker' ? (
          <>
            If a service someone needs is missing, <Link to="/find">search</Link> and record that nothing suitable was
            found, or ask the organisation to contact your Signpost administrator for an account.
          </>
        ) : (
          <>Ask the organisation to contact your Signpost administrator for an account.</>
        )}
      </p>
    </div>
  );
}
