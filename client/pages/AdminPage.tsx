/** Route `/admin`: invite people, list users, and approve or reject pending organisations and claims (admins only). */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { areaCodeOf, InviteScopePicker, NO_SCOPE, type InviteScope } from '../components/InviteScopePicker';
import { Link } from 'react-router';
import { ROLE_LABELS, ROLES, type Role } from '@shared/roles';
import { InviteBody } from '@shared/schemas/accounts';
import type { AdminUser } from '../api/accounts';
import { ApiError, sendJson } from '../api/client';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { TextInput } from '../components/TextInput';
import { formatDateTime } from '../capacity/format';
import { useSession } from '../hooks/useSession';
import { TableHead } from '../components/TableHead';
import { AdminOnly } from '../components/AdminOnly';
import { useAppConfig } from '../hooks/useAppConfig';

interface PendingOrganization {
  id: string;
  name: string;
  description: string;
  email: string | null;
  createdAt: string | null;
}
interface Claim {
  id: string;
  organizationId: string;
  organizationName: string;
  userId: string;
  evidence: string;
  status: string;
  createdAt: string | null;
}

const FIELD_IDS: Record<string, string> = {
  email: 'invite-email',
  name: 'invite-name',
  role: 'invite-role',
  organizationIds: 'invite-scope',
  pcnCode: 'invite-scope',
  icbCode: 'invite-scope',
};
const FIELD_NAMES: Record<string, string> = {
  email: 'Email address',
  name: 'Name',
  role: 'Role',
  organizationIds: 'Organisations',
  pcnCode: 'PCN',
  icbCode: 'ICB',
};

/** Admin page; anyone else is told they need an admin account. */
export function AdminPage() {
  return (
    <AdminOnly title="Admin" path="/admin">
      <AdminContent />
    </AdminOnly>
  );
}

function AdminContent() {
  const { csrfToken } = useSession();
  const appConfig = useAppConfig();
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [orgs, setOrgs] = useState<PendingOrganization[] | null>(null);
  const [claims, setClaims] = useState<Claim[] | null>(null);
  const [message, setMessage] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [role, setRole] = useState<Role>('vcse_editor');
  const [scope, setScope] = useState<InviteScope>(NO_SCOPE);

  const reload = useCallback(async () => {
    const [u, o, c] = await Promise.all([
      sendJson<{ users: AdminUser[] }>('GET', '/api/admin/users'),
      sendJson<{ organizations: PendingOrganization[] }>('GET', '/api/admin/organizations?status=pending'),
      sendJson<{ claims: Claim[] }>('GET', '/api/admin/claims'),
    ]);
    setUsers(u.body.users);
    setOrgs(o.body.organizations);
    setClaims(c.body.claims.filter((claim) => claim.status === 'pending'));
  }, []);
  useEffect(() => {
    reload().catch(() => setMessage('Some admin lists could not be loaded. Reload the page to try again.'));
  }, [reload]);

  const handleInvite = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const areaCode = areaCodeOf(scope.areaCode);
    const body = {
      email: String(form.get('invite-email') ?? ''),
      name: String(form.get('invite-name') ?? ''),
      role,
      ...(role === 'vcse_editor' && scope.organizations.length
        ? { organizationIds: scope.organizations.map((o) => o.id) }
        : {}),
      ...(role === 'link_worker' && areaCode ? { pcnCode: areaCode } : {}),
      ...(role === 'icb_commissioner' && areaCode ? { icbCode: areaCode } : {}),
    };
    const toProblems = (list: { field: string; message: string }[]): FormProblem[] =>
      list.map((p) => ({
        fieldId: FIELD_IDS[p.field] ?? 'invite-email',
        message: `${FIELD_NAMES[p.field] ?? p.field} ${p.message}`,
      }));
    const parsed = InviteBody.safeParse(body);
    if (!parsed.success) {
      setProblems(toProblems(parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message }))));
      return;
    }
    try {
      const { body: answer } = await sendJson<{ user: AdminUser; emailStatus: string }>(
        'POST',
        '/api/admin/invites',
        parsed.data,
        { csrfToken },
      );
      setProblems([]);
      setMessage(
        `Invitation ${answer.emailStatus === 'sent' ? 'sent' : 'recorded (email failed)'} to ${answer.user.email}.`,
      );
      formElement.reset();
      setScope(NO_SCOPE);
      await reload();
    } catch (error) {
      const list =
        error instanceof ApiError && error.errors.length
          ? toProblems(error.errors)
          : [{ fieldId: 'invite-email', message: error instanceof ApiError ? error.detail : 'Try again' }];
      setProblems(list);
    }
  };

  const decide = async (kind: 'organizations' | 'claims', id: string, decision: 'approve' | 'reject', name: string) => {
    try {
      await sendJson('POST', `/api/admin/${kind}/${id}/decision`, { decision }, { csrfToken });
      setMessage(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${name}.`);
      await reload();
    } catch (error) {
      setMessage(error instanceof ApiError ? error.detail : 'The decision was not saved. Try again.');
    }
  };

  const problemFor = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;

  return (
    <>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <PageHeading caption="Signpost administration">Admin</PageHeading>
      {appConfig.status === 'ready' && appConfig.config.devOutbox && (
        <p>
          <Link to="/admin/outbox">Dev outbox</Link> – emails Signpost has sent (invites, resets, capacity reminders).
        </p>
      )}
      <ul className="nhsuk-list">
        <li>
          <Link to="/admin/taxonomy">Taxonomy</Link> – add, rename and delete the terms services are filed under.
        </li>
        <li>
          <Link to="/admin/imports">Import services</Link> – upload a CSV of organisations and services.
        </li>
      </ul>
      <div role="status">
        {message && (
          <div className="nhsuk-inset-text signpost-success">
            <p>{message}</p>
          </div>
        )}
      </div>

      <h2 className="nhsuk-heading-m">Pending organisations</h2>
      {orgs === null ? (
        <p>Loading…</p>
      ) : orgs.length === 0 ? (
        <p>No organisations are waiting for approval.</p>
      ) : (
        <ul className="nhsuk-list">
          {orgs.map((o) => (
            <li key={o.id} className="nhsuk-card">
              <div className="nhsuk-card__content">
                <h3 className="nhsuk-card__heading nhsuk-heading-s">{o.name}</h3>
                {o.description && <p className="nhsuk-body-s">{o.description}</p>}
                <p className="nhsuk-body-s">
                  {o.email ?? 'No email'}
                  {o.createdAt ? ` · registered ${formatDateTime(o.createdAt)}` : ''}
                </p>
                <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
                  <button
                    className="nhsuk-button nhsuk-button--small"
                    type="button"
                    onClick={() => void decide('organizations', o.id, 'approve', o.name)}
                  >
                    Approve<span className="nhsuk-u-visually-hidden"> {o.name}</span>
                  </button>
                  <button
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                    type="button"
                    onClick={() => void decide('organizations', o.id, 'reject', o.name)}
                  >
                    Reject<span className="nhsuk-u-visually-hidden"> {o.name}</span>
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}

      <h2 className="nhsuk-heading-m">Pending claims</h2>
      {claims === null ? (
        <p>Loading…</p>
      ) : claims.length === 0 ? (
        <p>No one is waiting to manage an organisation.</p>
      ) : (
        <ul className="nhsuk-list">
          {claims.map((c) => {
            const who = users?.find((u) => u.id === c.userId);
            const label = `claim by ${who?.name ?? 'a user'} on ${c.organizationName}`;
            return (
              <li key={c.id} className="nhsuk-card">
                <div className="nhsuk-card__content">
                  <h3 className="nhsuk-card__heading nhsuk-heading-s">
                    {who ? `${who.name} (${who.email})` : c.userId} claims {c.organizationName}
                  </h3>
                  <p className="nhsuk-body-s">Evidence: {c.evidence}</p>
                  <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
                    <button
                      className="nhsuk-button nhsuk-button--small"
                      type="button"
                      onClick={() => void decide('claims', c.id, 'approve', label)}
                    >
                      Approve<span className="nhsuk-u-visually-hidden"> {label}</span>
                    </button>
                    <button
                      className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                      type="button"
                      onClick={() => void decide('claims', c.id, 'reject', label)}
                    >
                      Reject<span className="nhsuk-u-visually-hidden"> {label}</span>
                    </button>
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      <h2 className="nhsuk-heading-m">Invite someone</h2>
      <form onSubmit={handleInvite} noValidate className="nhsuk-u-margin-bottom-6">
        <TextInput
          id="invite-email"
          label="Email address"
          type="email"
          autoComplete="off"
          inputClassName="nhsuk-input--width-30"
          error={problemFor('invite-email')}
        />
        <TextInput
          id="invite-name"
          label="Full name"
          autoComplete="off"
          inputClassName="nhsuk-input--width-30"
          error={problemFor('invite-name')}
        />
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="invite-role">
            Role
          </label>
          <select
            className="nhsuk-select"
            id="invite-role"
            name="invite-role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role);
              setScope(NO_SCOPE);
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <InviteScopePicker
          id="invite-scope"
          role={role}
          scope={scope}
          onChange={setScope}
          error={problemFor('invite-scope')}
        />
        <button className="nhsuk-button" type="submit">
          Send invitation
        </button>
      </form>

      <h2 className="nhsuk-heading-m">Users</h2>
      {users === null ? (
        <p>Loading…</p>
      ) : (
        <table className="nhsuk-table-responsive">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Signpost users</caption>
          <TableHead columns={['Name', 'Email', 'Role', 'Status']} />
          <tbody className="nhsuk-table__body">
            {users.map((u) => (
              <tr key={u.id} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{u.name}</td>
                <td className="nhsuk-table__cell">{u.email}</td>
                <td className="nhsuk-table__cell">{ROLE_LABELS[u.role]}</td>
                <td className="nhsuk-table__cell">
                  {u.status === 'disabled' ? 'Disabled' : u.hasPassword ? 'Active' : 'Invited'}
                  {u.lockedUntil ? ' (locked)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
