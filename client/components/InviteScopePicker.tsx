/**
 * Who an invited person works for, picked by name: organisations (VCSE editors) found by a search and added to a
 * list, or a PCN (link workers) / ICB (commissioners) chosen from a searchable list of names. No ids typed by hand.
 */
import { useEffect, useState } from 'react';
import type { Role } from '@shared/roles';
import type { OrganizationMatchDto } from '@shared/directoryDto';
import { getJson } from '../api/client';
import { TextInput } from './TextInput';

/** What the picker has chosen: organisations (id and name) or one area code. */
export interface InviteScope {
  organizations: { id: string; name: string }[];
  areaCode: string;
}

/** The empty choice. */
export const NO_SCOPE: InviteScope = { organizations: [], areaCode: '' };

/** An area as the picker lists it. */
interface AreaOption {
  code: string;
  name: string;
}

/** "North Trafford PCN (U66368)" → "U66368"; a bare code typed by someone who knows it is kept. */
export function areaCodeOf(text: string): string {
  const match = /\(([A-Za-z0-9]+)\)\s*$/.exec(text.trim());
  return (match ? match[1]! : text.trim()).toUpperCase();
}

/** The scope field of the invite form for `role`; `id` is the field the error summary links to. */
export function InviteScopePicker({
  id,
  role,
  scope,
  onChange,
  error,
}: {
  id: string;
  role: Role;
  scope: InviteScope;
  onChange: (scope: InviteScope) => void;
  error?: string;
}) {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<OrganizationMatchDto[]>([]);
  const [areas, setAreas] = useState<AreaOption[]>([]);
  const areaKind = role === 'link_worker' ? 'pcns' : role === 'icb_commissioner' ? 'icbs' : null;

  useEffect(() => {
    if (!areaKind) return;
    const controller = new AbortController();
    getJson<AreaOption[]>(`/api/areas/${areaKind}`, { signal: controller.signal })
      .then((list) => setAreas(list.map((a) => ({ code: a.code, name: a.name }))))
      .catch(() => setAreas([]));
    return () => controller.abort();
  }, [areaKind]);

  useEffect(() => {
    if (role !== 'vcse_editor' || query.trim().length < 2) {
      setMatches([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getJson<{ organizations: OrganizationMatchDto[] }>(`/api/organizations?q=${encodeURIComponent(query.trim())}`, {
        signal: controller.signal,
      })
        .then((answer) => setMatches(answer.organizations.slice(0, 8)))
        .catch(() => setMatches([]));
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, role]);

  if (role === 'admin') return null;

  if (role === 'vcse_editor') {
    const chosen = new Set(scope.organizations.map((o) => o.id));
    return (
      <div className="signpost-invite-scope">
        <TextInput
          id={id}
          name={`${id}-search`}
          label="Organisations (optional)"
          hint="Type part of a name, then add each organisation the person may edit"
          inputClassName="nhsuk-input--width-30"
          autoComplete="off"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          error={error}
        />
        {matches.length > 0 && (
          <ul className="nhsuk-list" aria-label="Matching organisations">
            {matches
              .filter((m) => !chosen.has(m.id))
              .map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-1"
                    onClick={() => onChange({ ...scope, organizations: [...scope.organizations, m] })}
                  >
                    Add <span className="nhsuk-u-visually-hidden">organisation </span>
                    {m.name}
                  </button>{' '}
                  <span className="nhsuk-body-s">{[m.town, m.postcode].filter(Boolean).join(', ')}</span>
                </li>
              ))}
          </ul>
        )}
        {scope.organizations.length > 0 && (
          <ul className="nhsuk-list" aria-label="Organisations the person may edit">
            {scope.organizations.map((o) => (
              <li key={o.id}>
                {o.name}{' '}
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-1"
                  onClick={() =>
                    onChange({ ...scope, organizations: scope.organizations.filter((x) => x.id !== o.id) })
                  }
                >
                  Remove<span className="nhsuk-u-visually-hidden"> {o.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const listId = `${id}-options`;
  return (
    <>
      <TextInput
        id={id}
        name={id}
        label={role === 'link_worker' ? 'PCN' : 'ICB'}
        hint={`Type part of the ${role === 'link_worker' ? 'PCN' : 'ICB'}'s name and pick it from the list`}
        inputClassName="nhsuk-input--width-30"
        autoComplete="off"
        list={listId}
        value={scope.areaCode}
        onChange={(event) => onChange({ ...scope, areaCode: event.target.value })}
        error={error}
      />
      <datalist id={listId}>
        {areas.map((a) => (
          <option key={a.code} value={`${a.name} (${a.code})`} />
        ))}
      </datalist>
    </>
  );
}
