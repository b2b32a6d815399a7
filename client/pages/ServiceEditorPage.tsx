/**
 * Routes `/my-organisation/services/new?org=<id>` and `/my-organisation/services/:id/edit`: every field of a service,
 * validated with the shared ServiceBody schema before saving (POST, or PUT with If-Match), server problems shown inline.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  DELIVERY_MODES,
  EDITABLE_SERVICE_STATUSES,
  REFERRAL_METHODS,
  SERVICE_AREA_TYPES,
  ServiceBody,
} from '@shared/schemas/directory';
import { ApiError, getJson, sendJson } from '../api/client';
import { CheckboxItem } from '../components/CheckboxItem';
import { describedBy, ErrorMessage, FormField, Hint } from '../components/FormField';
import type { ServiceDto } from '../api/directory';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { useSession } from '../hooks/useSession';
import { SIGN_IN_PATH } from '../journeys';
import { indefiniteArticle } from '@shared/grammar';

// Leaflet only loads with the map.
const LocationPicker = lazy(() => import('../map/LocationPicker').then((m) => ({ default: m.LocationPicker })));

/** A taxonomy term as GET /api/taxonomy sends it (a tree). */
interface TaxonomyNode {
  id: string;
  code: string;
  name: string;
  children: TaxonomyNode[];
}

type Path = string;
type Values = Record<string, unknown>;

const DAYS = [
  ['MO', 'Monday'],
  ['TU', 'Tuesday'],
  ['WE', 'Wednesday'],
  ['TH', 'Thursday'],
  ['FR', 'Friday'],
  ['SA', 'Saturday'],
  ['SU', 'Sunday'],
] as const;

const DELIVERY_LABELS: Record<(typeof DELIVERY_MODES)[number], string> = {
  in_person: 'In person',
  phone: 'By phone',
  online: 'Online',
};
const STATUS_LABELS: Record<(typeof EDITABLE_SERVICE_STATUSES)[number], string> = {
  active: 'Active',
  inactive: 'Inactive',
  'temporarily closed': 'Temporarily closed',
};
const REFERRAL_LABELS: Record<(typeof REFERRAL_METHODS)[number], string> = {
  self: 'People can refer themselves',
  professional: 'A professional must refer them',
  either: 'Either',
};
const AREA_LABELS: Record<(typeof SERVICE_AREA_TYPES)[number], string> = {
  england: 'All of England',
  icb: 'Integrated care board (ICB)',
  sub_icb: 'Sub-ICB location',
  pcn: 'Primary care network (PCN)',
  lad: 'Local authority',
};

/** Field labels, used to turn schema messages ("must not be empty") into sentences. */
const LABELS: Record<string, string> = {
  name: 'Service name',
  alternateName: 'Other name',
  description: 'Description',
  url: 'Website',
  email: 'Email address',
  status: 'Status',
  referralMethod: 'How people are referred',
  referralInstructions: 'How to refer',
  referralUrl: 'Referral web address',
  isFree: 'Whether the service is free',
  feesDescription: 'Fees',
  eligibilityDescription: 'Who the service is for',
  minimumAge: 'Minimum age',
  maximumAge: 'Maximum age',
  deliveryModes: 'How the service is delivered',
  accessibility: 'Accessibility',
  alert: 'Alert',
  languages: 'Languages',
  taxonomy: 'Categories',
  locations: 'Locations',
  schedules: 'Opening times',
  contacts: 'Contacts',
  costOptions: 'Costs',
  serviceAreas: 'Areas covered',
  funding: 'Funding',
  'locations.*': 'Location',
  'locations.*.name': 'name',
  'locations.*.description': 'description',
  'locations.*.address1': 'address',
  'locations.*.city': 'town or city',
  'locations.*.region': 'county',
  'locations.*.postcode': 'postcode',
  'locations.*.lat': 'pin latitude',
  'locations.*.lng': 'pin longitude',
  'locations.*.transportation': 'getting there',
  'locations.*.accessibility': 'accessibility',
  'schedules.*': 'Opening time',
  'schedules.*.freq': 'repeat',
  'schedules.*.byday': 'days',
  'schedules.*.days': 'days',
  'schedules.*.opensAt': 'opening time',
  'schedules.*.closesAt': 'closing time',
  'schedules.*.validFrom': 'start date',
  'schedules.*.validTo': 'end date',
  'schedules.*.description': 'description',
  'schedules.*.sessionPlaces': 'places per session',
  'schedules.*.locationIndex': 'location',
  'contacts.*': 'Contact',
  'contacts.*.name': 'name',
  'contacts.*.title': 'job title',
  'contacts.*.email': 'email address',
  'contacts.*.phone': 'phone number',
  'costOptions.*': 'Cost',
  'costOptions.*.option': 'what it is for',
  'costOptions.*.amount': 'amount',
  'costOptions.*.amountDescription': 'description',
  'serviceAreas.*': 'Area',
  'serviceAreas.*.areaType': 'type',
  'serviceAreas.*.areaCode': 'code',
  'serviceAreas.*.name': 'name',
  'funding.*': 'Funding source',
  'funding.*.source': 'name',
  'funding.*.endsOn': 'end date',
};

/** One field someone changed, by its label, with its value in words when it is a single value. */
interface FieldChange {
  label: string;
  value: string | null;
}

/** Top-level fields whose values differ between `from` and `to`, in form order. */
function changedFields(from: Values, to: Values): FieldChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  return keys
    .filter((k) => JSON.stringify(from[k] ?? null) !== JSON.stringify(to[k] ?? null))
    .map((k) => {
      const v = to[k];
      const value =
        typeof v === 'string'
          ? v || '(empty)'
          : typeof v === 'number'
            ? String(v)
            : typeof v === 'boolean'
              ? v
                ? 'Yes'
                : 'No'
              : null;
      return { label: LABELS[k] ?? k, value };
    });
}

/** A 412: the service as it is now, and who changed what since this page loaded it. */
interface Conflict {
  current: ServiceDto | null;
  etag: string | null;
  /** Fields the other person changed (unknown when the API did not send the current service). */
  theirs: FieldChange[] | null;
  /** Fields this person changed and has not saved. */
  mine: FieldChange[];
}

function ChangeList({ changes }: { changes: FieldChange[] }) {
  return (
    <ul className="nhsuk-list nhsuk-list--bullet">
      {changes.map((c) => (
        <li key={c.label}>
          {c.label}
          {c.value !== null && (
            <>
              : <q>{c.value}</q>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Lists answered by one group of inputs: any problem inside them belongs to the group. */
const GROUPED_LISTS = ['deliveryModes', 'taxonomy', 'languages'];

/** Id of the input for a dotted path, e.g. `locations.0.postcode` → `svc-locations-0-postcode`. */
const idOf = (path: Path) => `svc-${path.replace(/\./g, '-')}`;

/** The path that shows a problem: grouped lists collapse to the list, a pin's lat/lng to its postcode. */
function problemPath(field: string): Path {
  const top = field.split('.')[0] ?? '';
  if (GROUPED_LISTS.includes(top)) return top;
  const pin = /^locations\.(\d+)\.(lat|lng)$/.exec(field);
  if (pin) return `locations.${pin[1]}.postcode`;
  const days = /^schedules\.(\d+)\.byday$/.exec(field);
  if (days) return `schedules.${days[1]}.days`;
  return field;
}

/** "Location 1 postcode must be…" from a path and a schema message. */
function sentence(path: Path, message: string): string {
  const parts = path.split('.');
  if (parts.length >= 3 && /^\d+$/.test(parts[1]!)) {
    const item = LABELS[`${parts[0]}.*`] ?? parts[0];
    const field = LABELS[`${parts[0]}.*.${parts.slice(2).join('.')}`] ?? parts.slice(2).join(' ');
    return `${item} ${Number(parts[1]) + 1} ${field} ${message}`;
  }
  if (parts.length === 2 && /^\d+$/.test(parts[1]!)) {
    return `${LABELS[`${parts[0]}.*`] ?? parts[0]} ${Number(parts[1]) + 1} ${message}`;
  }
  const label = LABELS[path] ?? path;
  return `${label} ${message}`;
}

function getIn(values: unknown, path: Path): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at == null ? undefined : (at as Record<string, unknown>)[key]), values);
}

function setIn(values: unknown, keys: string[], value: unknown): unknown {
  if (keys.length === 0) return value;
  const [key, ...rest] = keys as [string, ...string[]];
  if (Array.isArray(values)) {
    const copy = [...(values as unknown[])];
    copy[Number(key)] = setIn(copy[Number(key)], rest, value);
    return copy;
  }
  const record = (values ?? {}) as Record<string, unknown>;
  return { ...record, [key]: setIn(record[key], rest, value) };
}

const str = (v: unknown) => (v == null ? '' : String(v));
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const numberOrNull = (v: unknown) => (str(v).trim() === '' ? null : Number(str(v).trim()));

const EMPTY_LOCATION = {
  name: '',
  description: '',
  address1: '',
  city: '',
  region: '',
  postcode: '',
  lat: null,
  lng: null,
  transportation: '',
  accessibility: '',
};
const EMPTY_SCHEDULE = {
  freq: 'WEEKLY',
  days: [],
  extraDays: [],
  opensAt: '',
  closesAt: '',
  validFrom: '',
  validTo: '',
  description: '',
  sessionPlaces: '',
  locationIndex: '',
};
const EMPTY_CONTACT = { name: '', title: '', email: '', phone: '' };
const EMPTY_COST = { option: '', amount: '', amountDescription: '' };
const EMPTY_AREA = { areaType: 'pcn', areaCode: '', name: '' };
const EMPTY_FUNDING = { source: '', endsOn: '' };

function newServiceValues(): Values {
  return {
    name: '',
    alternateName: '',
    description: '',
    url: '',
    email: '',
    status: 'active',
    referralMethod: '',
    referralInstructions: '',
    referralUrl: '',
    isFree: null,
    feesDescription: '',
    eligibilityDescription: '',
    minimumAge: '',
    maximumAge: '',
    deliveryModes: ['in_person'],
    accessibility: '',
    alert: '',
    languages: '',
    taxonomy: [],
    locations: [],
    schedules: [],
    contacts: [],
    costOptions: [],
    serviceAreas: [],
    funding: [],
  };
}

/** Form values of a service as the API sent it. */
function valuesFromService(s: ServiceDto): Values {
  const plainDay = /^(MO|TU|WE|TH|FR|SA|SU)$/;
  return {
    name: s.name,
    alternateName: str(s.alternateName),
    description: s.description,
    url: str(s.url),
    email: str(s.email),
    status: s.status,
    referralMethod: str(s.referralMethod),
    referralInstructions: str(s.referralInstructions),
    referralUrl: str(s.referralUrl),
    isFree: s.isFree,
    feesDescription: str(s.feesDescription),
    eligibilityDescription: str(s.eligibilityDescription),
    minimumAge: str(s.minimumAge),
    maximumAge: str(s.maximumAge),
    deliveryModes: [...s.deliveryModes],
    accessibility: str(s.accessibility),
    alert: str(s.alert),
    languages: s.languages.map((l) => l.code).join(', '),
    taxonomy: s.taxonomy.map((t) => t.code),
    locations: s.locations.map((l) => ({
      name: str(l.name),
      description: str(l.description),
      address1: str(l.address1),
      city: str(l.city),
      region: str(l.region),
      postcode: str(l.postcode),
      lat: l.lat,
      lng: l.lng,
      transportation: str(l.transportation),
      accessibility: str(l.accessibility),
    })),
    schedules: s.schedules.map((x) => {
      const items = (x.byday ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      return {
        freq: x.freq || 'WEEKLY',
        days: items.filter((d) => plainDay.test(d)),
        extraDays: items.filter((d) => !plainDay.test(d)),
        opensAt: str(x.opensAt).slice(0, 5),
        closesAt: str(x.closesAt).slice(0, 5),
        validFrom: str(x.validFrom),
        validTo: str(x.validTo),
        description: str(x.description),
        sessionPlaces: str(x.sessionPlaces),
        locationIndex: str(x.locationIndex),
      };
    }),
    contacts: s.contacts.map((c) => ({
      name: str(c.name),
      title: str(c.title),
      email: str(c.email),
      phone: str(c.phone),
    })),
    costOptions: s.costOptions.map((c) => ({
      option: str(c.option),
      amount: str(c.amount),
      amountDescription: str(c.amountDescription),
    })),
    serviceAreas: s.serviceAreas.map((a) => ({ areaType: a.areaType, areaCode: a.areaCode, name: str(a.name) })),
    funding: s.funding.map((f) => ({ source: f.source, endsOn: str(f.endsOn) })),
  };
}

type Row = Record<string, unknown>;
const rows = (v: unknown) => (Array.isArray(v) ? (v as Row[]) : []);

/** The request body for the form values (blank text becomes null; the schema does the rest). */
function bodyFromValues(v: Values): Record<string, unknown> {
  const dayOrder = DAYS.map(([code]) => code as string);
  return {
    name: v.name,
    alternateName: blankToNull(v.alternateName),
    description: v.description,
    url: blankToNull(v.url),
    email: blankToNull(v.email),
    status: v.status,
    referralMethod: blankToNull(v.referralMethod),
    referralInstructions: blankToNull(v.referralInstructions),
    referralUrl: blankToNull(v.referralUrl),
    isFree: typeof v.isFree === 'boolean' ? v.isFree : null,
    feesDescription: blankToNull(v.feesDescription),
    eligibilityDescription: blankToNull(v.eligibilityDescription),
    minimumAge: numberOrNull(v.minimumAge),
    maximumAge: numberOrNull(v.maximumAge),
    deliveryModes: v.deliveryModes,
    accessibility: blankToNull(v.accessibility),
    alert: blankToNull(v.alert),
    languages: str(v.languages)
      .split(/[\s,]+/)
      .filter(Boolean),
    taxonomy: v.taxonomy,
    locations: rows(v.locations).map((l) => ({
      name: blankToNull(l.name),
      description: blankToNull(l.description),
      address1: blankToNull(l.address1),
      city: blankToNull(l.city),
      region: blankToNull(l.region),
      postcode: l.postcode,
      lat: l.lat ?? null,
      lng: l.lng ?? null,
      transportation: blankToNull(l.transportation),
      accessibility: blankToNull(l.accessibility),
    })),
    schedules: rows(v.schedules).map((s) => {
      const days = (s.days as string[]).slice().sort((a, b) => dayOrder.indexOf(a) - dayOrder.indexOf(b));
      const byday = [...days, ...(s.extraDays as string[])].join(',');
      return {
        freq: s.freq,
        byday: byday || null,
        opensAt: blankToNull(s.opensAt),
        closesAt: blankToNull(s.closesAt),
        validFrom: blankToNull(s.validFrom),
        validTo: blankToNull(s.validTo),
        description: blankToNull(s.description),
        sessionPlaces: numberOrNull(s.sessionPlaces),
        locationIndex: numberOrNull(s.locationIndex),
      };
    }),
    contacts: rows(v.contacts).map((c) => ({
      name: blankToNull(c.name),
      title: blankToNull(c.title),
      email: blankToNull(c.email),
      phone: blankToNull(c.phone),
    })),
    costOptions: rows(v.costOptions).map((c) => ({
      option: blankToNull(c.option),
      amount: numberOrNull(c.amount),
      amountDescription: blankToNull(c.amountDescription),
    })),
    serviceAreas: rows(v.serviceAreas).map((a) => ({
      areaType: a.areaType,
      areaCode: a.areaCode,
      name: blankToNull(a.name),
    })),
    funding: rows(v.funding).map((f) => ({ source: f.source, endsOn: blankToNull(f.endsOn) })),
  };
}

/** Problems keyed by the path that shows them, in the order given. */
type Problems = Map<Path, string>;

function collectProblems(list: { field: string; message: string }[]): Problems {
  const problems: Problems = new Map();
  for (const { field, message } of list) {
    let path = problemPath(field);
    // A path the form has no input for (e.g. a whole list) shows at its nearest input.
    while (path.includes('.') && !document.getElementById(idOf(path))) path = path.slice(0, path.lastIndexOf('.'));
    if (!document.getElementById(idOf(path))) path = 'name';
    if (!problems.has(path)) problems.set(path, sentence(problemPath(field), message));
  }
  return problems;
}

/** What the inputs need from the form. */
interface FormApi {
  value(path: Path): unknown;
  set(path: Path, value: unknown): void;
  error(path: Path): string | undefined;
}

interface FieldProps {
  form: FormApi;
  path: Path;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'url' | 'date' | 'time' | 'number' | 'tel';
  width?: string;
  multiline?: boolean;
  autoComplete?: string;
}

/** A text input or textarea bound to one path. */
function Field({ form, path, label, hint, type = 'text', width, multiline, autoComplete }: FieldProps) {
  const id = idOf(path);
  const error = form.error(path);
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(describedBy) => {
        const common = {
          id,
          name: path,
          value: str(form.value(path)),
          'aria-describedby': describedBy,
          'aria-invalid': error ? true : undefined,
        };
        return multiline ? (
          <textarea
            {...common}
            className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
            rows={4}
            onChange={(e) => form.set(path, e.target.value)}
          />
        ) : (
          <input
            {...common}
            type={type === 'number' ? 'text' : type}
            inputMode={type === 'number' ? 'numeric' : undefined}
            autoComplete={autoComplete}
            className={['nhsuk-input', error ? 'nhsuk-input--error' : undefined, width].filter(Boolean).join(' ')}
            onChange={(e) => form.set(path, e.target.value)}
          />
        );
      }}
    </FormField>
  );
}

/** A select bound to one path. */
function SelectField({
  form,
  path,
  label,
  options,
  hint,
}: {
  form: FormApi;
  path: Path;
  label: string;
  options: [string, string][];
  hint?: string;
}) {
  const id = idOf(path);
  const error = form.error(path);
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <select
          id={id}
          name={path}
          className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`}
          value={str(form.value(path))}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => form.set(path, e.target.value)}
        >
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/** The frame of a checkbox or radio group: a fieldset with its legend, optional hint and error. */
function ChoiceFieldset({
  id,
  legend,
  hint,
  error,
  children,
}: {
  id: string;
  legend: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(id, hint, error)}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <Hint id={id} hint={hint} />
        <ErrorMessage id={id} error={error} />
        {children}
      </fieldset>
    </div>
  );
}

/** A group of checkboxes whose path holds the list of checked values. */
function CheckboxGroup({
  form,
  path,
  legend,
  options,
  hint,
}: {
  form: FormApi;
  path: Path;
  legend: string;
  options: [string, string][];
  hint?: string;
}) {
  const id = idOf(path);
  const error = form.error(path);
  const checked = (form.value(path) as string[] | undefined) ?? [];
  const toggle = (value: string, on: boolean) =>
    form.set(path, on ? [...checked, value] : checked.filter((v) => v !== value));
  return (
    <ChoiceFieldset id={id} legend={legend} hint={hint} error={error}>
      <div className="nhsuk-checkboxes">
        {options.map(([value, text], i) => {
          const itemId = i === 0 ? id : `${id}-${i}`;
          return (
            <CheckboxItem
              key={value}
              id={itemId}
              name={path}
              value={value}
              label={text}
              checked={checked.includes(value)}
              onChange={(e) => toggle(value, e.target.checked)}
            />
          );
        })}
      </div>
    </ChoiceFieldset>
  );
}

/** Radios bound to one path; values are strings, or booleans when `boolean` is set. */
function RadioGroup({
  form,
  path,
  legend,
  options,
  inline,
}: {
  form: FormApi;
  path: Path;
  legend: string;
  options: [string, string][];
  inline?: boolean;
}) {
  const id = idOf(path);
  const error = form.error(path);
  const current = str(form.value(path));
  return (
    <ChoiceFieldset id={id} legend={legend} error={error}>
      <div className={`nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}`}>
        {options.map(([value, text], i) => {
          const itemId = i === 0 ? id : `${id}-${i}`;
          return (
            <div className="nhsuk-radios__item" key={value}>
              <input
                className="nhsuk-radios__input"
                id={itemId}
                name={path}
                type="radio"
                value={value}
                checked={current === value}
                onChange={() => form.set(path, value === 'true' ? true : value === 'false' ? false : value)}
              />
              <label className="nhsuk-label nhsuk-radios__label" htmlFor={itemId}>
                {text}
              </label>
            </div>
          );
        })}
      </div>
    </ChoiceFieldset>
  );
}

/** A section of the form: an NHS.UK fieldset with a heading legend. */
function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="nhsuk-fieldset nhsuk-u-margin-bottom-7">
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
        <h2 className="nhsuk-fieldset__heading">{title}</h2>
      </legend>
      {children}
    </fieldset>
  );
}

interface RepeatingProps {
  form: FormApi;
  path: Path;
  itemName: string;
  empty: Row;
  render(prefix: Path, index: number): ReactNode;
}

/** A repeating list: one fieldset per item with a remove button, and an add button. */
function Repeating({ form, path, itemName, empty, render }: RepeatingProps) {
  const items = rows(form.value(path));
  const error = form.error(path);
  return (
    <div className={error ? 'nhsuk-form-group nhsuk-form-group--error' : undefined}>
      <ErrorMessage id={idOf(path)} error={error} />
      {items.length === 0 && <p className="nhsuk-body">None added.</p>}
      {items.map((_, i) => (
        <fieldset className="nhsuk-fieldset signpost-editor-item" key={i}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            {itemName} {i + 1}
          </legend>
          {render(`${path}.${i}`, i)}
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() =>
              form.set(
                path,
                items.filter((__, j) => j !== i),
              )
            }
          >
            Remove {itemName.toLowerCase()} {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        id={idOf(path)}
        className="nhsuk-button nhsuk-button--secondary"
        onClick={() => form.set(path, [...items, { ...empty }])}
      >
        Add {items.length ? 'another' : indefiniteArticle(itemName)} {itemName.toLowerCase()}
      </button>
    </div>
  );
}

/** A section of the form that is one repeating list. */
function RepeatingSection({ title, ...list }: RepeatingProps & { title: string }) {
  return (
    <Section title={title}>
      <Repeating {...list} />
    </Section>
  );
}

function flattenTaxonomy(nodes: TaxonomyNode[], parent?: string): [string, string][] {
  return nodes.flatMap((n) => {
    const label = parent ? `${parent}: ${n.name}` : n.name;
    return [[n.code, label] as [string, string], ...flattenTaxonomy(n.children, label)];
  });
}

type Load =
  | { status: 'loading' }
  | { status: 'error'; detail: string }
  | { status: 'ready'; taxonomy: [string, string][]; organizationName: string | null };

/** The service editor page (new or edit, by route). */
export function ServiceEditorPage() {
  const { id } = useParams();
  const [search] = useSearchParams();
  const orgId = search.get('org');
  const isNew = !id;
  const session = useSession();
  const title = isNew ? 'Add a service' : 'Edit service details';
  const [problems, setProblems] = useState<Problems>(new Map());
  usePageTitle(problems.size ? `Error: ${title}` : title);

  if (session.status === 'loading') return <p className="nhsuk-body">Loading…</p>;
  if (!session.user) {
    const next = isNew ? `/my-organisation/services/new?org=${orgId ?? ''}` : `/my-organisation/services/${id}/edit`;
    return (
      <>
        <PageHeading caption="My organisation">{title}</PageHeading>
        <p className="nhsuk-body">
          <Link to={`${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`}>Sign in</Link> to edit your services.
        </p>
      </>
    );
  }
  return (
    <Editor
      key={id ?? `new-${orgId}`}
      serviceId={id ?? null}
      orgId={orgId}
      title={title}
      csrfToken={session.csrfToken}
      problems={problems}
      setProblems={setProblems}
    />
  );
}

function Editor({
  serviceId,
  orgId,
  title,
  csrfToken,
  problems,
  setProblems,
}: {
  serviceId: string | null;
  orgId: string | null;
  title: string;
  csrfToken: string | null;
  problems: Problems;
  setProblems(p: Problems): void;
}) {
  const navigate = useNavigate();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [values, setValues] = useState<Values>(newServiceValues);
  const [etag, setEtag] = useState<string | null>(null);
  /** The values as last loaded from the API: what "changed" means in a conflict. */
  const [baseline, setBaseline] = useState<Values>(newServiceValues);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  /** After reloading on a conflict: the changes that were not saved, to make again. */
  const [unsaved, setUnsaved] = useState<FieldChange[] | null>(null);
  const conflictBox = useRef<HTMLDivElement>(null);
  const unsavedBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (conflict) conflictBox.current?.focus();
  }, [conflict]);
  useEffect(() => {
    if (unsaved) unsavedBox.current?.focus();
  }, [unsaved]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    const taxonomy = getJson<{ terms: TaxonomyNode[] }>('/api/taxonomy', { signal });
    const service = serviceId
      ? sendJson<ServiceDto>('GET', `/api/services/${serviceId}`, undefined, { signal })
      : Promise.resolve(null);
    Promise.all([taxonomy, service])
      .then(([tax, svc]) => {
        if (svc) {
          setValues(valuesFromService(svc.body));
          setBaseline(valuesFromService(svc.body));
          setEtag(svc.etag);
        } else if (!orgId) {
          setLoad({ status: 'error', detail: 'Choose the organisation to add a service to from My organisation.' });
          return;
        }
        setLoad({
          status: 'ready',
          taxonomy: flattenTaxonomy(tax.terms),
          organizationName: svc ? svc.body.organization.name : null,
        });
      })
      .catch((error: unknown) => {
        if (signal.aborted) return;
        setLoad({ status: 'error', detail: error instanceof ApiError ? error.detail : 'Something went wrong' });
      });
    return () => controller.abort();
  }, [serviceId, orgId]);

  const set = useCallback((path: Path, value: unknown) => {
    setValues((v) => {
      const next = setIn(v, path.split('.'), value) as Values;
      // A new postcode places the pin again; a dragged position belonged to the old one.
      const postcode = /^(locations\.\d+)\.postcode$/.exec(path);
      if (!postcode) return next;
      const keys = postcode[1]!.split('.');
      return setIn(setIn(next, [...keys, 'lat'], null), [...keys, 'lng'], null) as Values;
    });
  }, []);
  const form: FormApi = {
    value: (path) => getIn(values, path),
    set,
    error: (path) => problems.get(path),
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(null);
    setConflict(null);
    const body = bodyFromValues(values);
    const parsed = ServiceBody.safeParse(body);
    if (!parsed.success) {
      setProblems(collectProblems(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }))));
      return;
    }
    setProblems(new Map());
    setSaving(true);
    try {
      const saved = serviceId
        ? await sendJson<ServiceDto>('PUT', `/api/services/${serviceId}`, body, { csrfToken, ifMatch: etag })
        : await sendJson<ServiceDto>('POST', `/api/organizations/${orgId}/services`, body, { csrfToken });
      void navigate('/my-organisation', {
        state: { flash: `${saved.body.name} has been ${serviceId ? 'updated' : 'added'}.` },
      });
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.status === 412) {
        const current = (error.current as ServiceDto | undefined) ?? null;
        setConflict({
          current,
          etag: error.etag ?? null,
          theirs: current ? changedFields(baseline, valuesFromService(current)) : null,
          mine: changedFields(baseline, values),
        });
      } else if (error instanceof ApiError && error.errors.length) {
        setProblems(collectProblems(error.errors));
      } else {
        setSaveError(error instanceof ApiError ? error.detail : 'Something went wrong');
      }
    }
  };

  const reloadLatest = async () => {
    let current = conflict?.current ?? null;
    let latestEtag = conflict?.etag ?? null;
    try {
      if (!current && serviceId) {
        const answer = await sendJson<ServiceDto>('GET', `/api/services/${serviceId}`);
        current = answer.body;
        latestEtag = answer.etag;
      }
    } catch (error) {
      setSaveError(error instanceof ApiError ? error.detail : 'The latest version could not be loaded. Try again.');
      return;
    }
    if (current) {
      setValues(valuesFromService(current));
      setBaseline(valuesFromService(current));
    }
    setEtag(latestEtag);
    setUnsaved(conflict?.mine ?? []);
    setConflict(null);
    setProblems(new Map());
  };

  if (load.status === 'loading') return <p className="nhsuk-body">Loading the service…</p>;
  if (load.status === 'error') {
    return (
      <>
        <PageHeading caption="My organisation">{title}</PageHeading>
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The service could not be loaded</h2>
          <p className="nhsuk-error-summary__body">{load.detail}</p>
        </div>
        <p className="nhsuk-body">
          <Link to="/my-organisation">Back to My organisation</Link>
        </p>
      </>
    );
  }

  const summary: FormProblem[] = [...problems].map(([path, message]) => ({ fieldId: idOf(path), message }));
  const locations = rows(values.locations);
  const locationOptions: [string, string][] = [
    ['', 'The service as a whole'],
    ...locations.map((l, i): [string, string] => [
      String(i),
      `Location ${i + 1}${l.postcode ? ` (${str(l.postcode)})` : ''}`,
    ]),
  ];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <p className="nhsuk-body">
          <Link to="/my-organisation" className="nhsuk-back-link">
            Back to My organisation
          </Link>
        </p>
        {summary.length > 0 && <ErrorSummary problems={summary} />}
        {conflict && (
          <div className="nhsuk-error-summary" tabIndex={-1} ref={conflictBox}>
            <div role="alert">
              <h2 className="nhsuk-error-summary__heading">Someone else changed this service</h2>
              <p>
                Someone else saved this service while you were editing it
                {conflict.current ? ` (it is now version ${conflict.current.version})` : ''}, so your changes have not
                been saved.
              </p>
            </div>
            <div className="nhsuk-error-summary__body">
              {conflict.theirs && conflict.theirs.length > 0 && (
                <>
                  <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">They changed</h3>
                  <ChangeList changes={conflict.theirs} />
                </>
              )}
              {conflict.mine.length > 0 && (
                <>
                  <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">Your unsaved changes</h3>
                  <ChangeList changes={conflict.mine} />
                </>
              )}
              <p>
                Reload the latest version to see their changes, then make yours again. Your unsaved changes stay listed
                on the page after you reload.
              </p>
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary"
                onClick={() => void reloadLatest()}
              >
                Reload the latest version
              </button>
            </div>
          </div>
        )}
        {unsaved && !conflict && (
          <div className="nhsuk-inset-text" tabIndex={-1} ref={unsavedBox} role="status">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              You are now editing the latest version, with the other person’s changes.
              {unsaved.length > 0 ? ' Your changes were not saved; make them again if they are still needed:' : ''}
            </p>
            {unsaved.length > 0 && <ChangeList changes={unsaved} />}
          </div>
        )}
        {saveError && (
          <div className="nhsuk-error-summary" role="alert">
            <h2 className="nhsuk-error-summary__heading">The service could not be saved</h2>
            <p className="nhsuk-error-summary__body">{saveError}</p>
          </div>
        )}
        <PageHeading caption={load.organizationName ?? 'My organisation'}>{title}</PageHeading>
        <form noValidate onSubmit={(e) => void handleSubmit(e)}>
          <Section title="About the service">
            <Field form={form} path="name" label="Service name" />
            <Field form={form} path="alternateName" label="Other name (optional)" />
            <Field form={form} path="description" label="Description" multiline hint="What the service offers." />
            <Field
              form={form}
              path="url"
              label="Website (optional)"
              type="url"
              hint="For example, https://example.org"
            />
            <Field form={form} path="email" label="Email address (optional)" type="email" />
            <RadioGroup
              form={form}
              path="status"
              legend="Status"
              options={EDITABLE_SERVICE_STATUSES.map((s) => [s, STATUS_LABELS[s]])}
            />
            <Field
              form={form}
              path="alert"
              label="Alert (optional)"
              hint="A short notice shown at the top of the service page, such as a temporary change."
              multiline
            />
          </Section>

          <Section title="How to refer">
            <RadioGroup
              form={form}
              path="referralMethod"
              legend="How are people referred?"
              options={[['', 'Not stated'], ...REFERRAL_METHODS.map((m): [string, string] => [m, REFERRAL_LABELS[m]])]}
            />
            <Field form={form} path="referralInstructions" label="How to refer (optional)" multiline />
            <Field form={form} path="referralUrl" label="Referral web address (optional)" type="url" />
          </Section>

          <Section title="Who it is for">
            <Field form={form} path="eligibilityDescription" label="Who the service is for (optional)" multiline />
            <Field
              form={form}
              path="minimumAge"
              label="Minimum age (optional)"
              type="number"
              width="nhsuk-input--width-3"
            />
            <Field
              form={form}
              path="maximumAge"
              label="Maximum age (optional)"
              type="number"
              width="nhsuk-input--width-3"
            />
          </Section>

          <Section title="How it is delivered">
            <CheckboxGroup
              form={form}
              path="deliveryModes"
              legend="How is the service delivered?"
              hint="Select all that apply."
              options={DELIVERY_MODES.map((m) => [m, DELIVERY_LABELS[m]])}
            />
          </Section>

          <Section title="Cost">
            <RadioGroup
              form={form}
              path="isFree"
              legend="Is the service free?"
              inline
              options={[
                ['true', 'Yes'],
                ['false', 'No'],
                ['', 'Not stated'],
              ]}
            />
            <Field form={form} path="feesDescription" label="Fees (optional)" multiline />
            <Repeating
              form={form}
              path="costOptions"
              itemName="Cost"
              empty={EMPTY_COST}
              render={(p) => (
                <>
                  <Field form={form} path={`${p}.option`} label="What it is for (optional)" />
                  <Field
                    form={form}
                    path={`${p}.amount`}
                    label="Amount in pounds (optional)"
                    type="number"
                    width="nhsuk-input--width-5"
                  />
                  <Field form={form} path={`${p}.amountDescription`} label="Description (optional)" />
                </>
              )}
            />
          </Section>

          <Section title="Languages and accessibility">
            <Field
              form={form}
              path="languages"
              label="Languages (optional)"
              hint="Two-letter language codes separated by commas, for example en, ur, pl."
              width="nhsuk-input--width-20"
            />
            <Field form={form} path="accessibility" label="Accessibility (optional)" multiline />
          </Section>

          <Section title="Categories">
            {load.taxonomy.length ? (
              <CheckboxGroup
                form={form}
                path="taxonomy"
                legend="What kind of support is it?"
                hint="Select all that apply."
                options={load.taxonomy}
              />
            ) : (
              <p className="nhsuk-body" id={idOf('taxonomy')} tabIndex={-1}>
                No categories have been set up yet.
              </p>
            )}
          </Section>

          <RepeatingSection
            title="Locations"
            form={form}
            path="locations"
            itemName="Location"
            empty={EMPTY_LOCATION}
            render={(p, i) => {
              const lat = getIn(values, `${p}.lat`) as number | null;
              const lng = getIn(values, `${p}.lng`) as number | null;
              return (
                <>
                  <Field form={form} path={`${p}.name`} label="Name of the place (optional)" />
                  <Field form={form} path={`${p}.address1`} label="Address line (optional)" autoComplete="off" />
                  <Field
                    form={form}
                    path={`${p}.city`}
                    label="Town or city (optional)"
                    width="nhsuk-u-width-two-thirds"
                  />
                  <Field form={form} path={`${p}.region`} label="County (optional)" width="nhsuk-u-width-two-thirds" />
                  <Field
                    form={form}
                    path={`${p}.postcode`}
                    label="Postcode"
                    width="nhsuk-input--width-10"
                    hint="The postcode is enough to place the service; you can drag the pin on the map to be more exact."
                  />
                  <Suspense fallback={<p className="nhsuk-body-s">Loading the map…</p>}>
                    <LocationPicker
                      ariaLabel={`Map of location ${i + 1}`}
                      postcode={str(getIn(values, `${p}.postcode`))}
                      lat={lat}
                      lng={lng}
                      onMove={(la, ln) => {
                        set(`${p}.lat`, la);
                        set(`${p}.lng`, ln);
                      }}
                    />
                  </Suspense>
                  <p className="nhsuk-body-s" id={idOf(`${p}.pin`)}>
                    Pin position:{' '}
                    {lat != null && lng != null ? (
                      <>
                        latitude {lat}, longitude {lng}{' '}
                        <button
                          type="button"
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          onClick={() => {
                            set(`${p}.lat`, null);
                            set(`${p}.lng`, null);
                          }}
                        >
                          Use the postcode instead
                          <span className="nhsuk-u-visually-hidden"> for location {i + 1}</span>
                        </button>
                      </>
                    ) : (
                      'taken from the postcode'
                    )}
                  </p>
                  <Field form={form} path={`${p}.description`} label="Description (optional)" multiline />
                  <Field form={form} path={`${p}.transportation`} label="Getting there (optional)" multiline />
                  <Field
                    form={form}
                    path={`${p}.accessibility`}
                    label="Accessibility of this place (optional)"
                    multiline
                  />
                </>
              );
            }}
          />

          <RepeatingSection
            title="Opening times and sessions"
            form={form}
            path="schedules"
            itemName="Opening time"
            empty={EMPTY_SCHEDULE}
            render={(p) => (
              <>
                <SelectField
                  form={form}
                  path={`${p}.freq`}
                  label="Repeats"
                  options={[
                    ['WEEKLY', 'Every week'],
                    ['MONTHLY', 'Every month'],
                  ]}
                />
                <CheckboxGroup form={form} path={`${p}.days`} legend="Days" options={DAYS.map(([c, n]) => [c, n])} />
                <Field
                  form={form}
                  path={`${p}.opensAt`}
                  label="Opens (optional)"
                  type="time"
                  width="nhsuk-input--width-5"
                />
                <Field
                  form={form}
                  path={`${p}.closesAt`}
                  label="Closes (optional)"
                  type="time"
                  width="nhsuk-input--width-5"
                />
                <Field
                  form={form}
                  path={`${p}.validFrom`}
                  label="From date (optional)"
                  type="date"
                  width="nhsuk-input--width-10"
                />
                <Field
                  form={form}
                  path={`${p}.validTo`}
                  label="Until date (optional)"
                  type="date"
                  width="nhsuk-input--width-10"
                />
                <SelectField form={form} path={`${p}.locationIndex`} label="Where" options={locationOptions} />
                <Field
                  form={form}
                  path={`${p}.sessionPlaces`}
                  label="Places per session (optional)"
                  type="number"
                  width="nhsuk-input--width-5"
                />
                <Field form={form} path={`${p}.description`} label="Description (optional)" />
              </>
            )}
          />

          <RepeatingSection
            title="Contacts"
            form={form}
            path="contacts"
            itemName="Contact"
            empty={EMPTY_CONTACT}
            render={(p) => (
              <>
                <Field form={form} path={`${p}.name`} label="Name (optional)" autoComplete="off" />
                <Field form={form} path={`${p}.title`} label="Job title (optional)" />
                <Field
                  form={form}
                  path={`${p}.email`}
                  label="Email address (optional)"
                  type="email"
                  autoComplete="off"
                />
                <Field
                  form={form}
                  path={`${p}.phone`}
                  label="Phone number (optional)"
                  type="tel"
                  width="nhsuk-input--width-20"
                  autoComplete="off"
                />
              </>
            )}
          />

          <RepeatingSection
            title="Areas covered"
            form={form}
            path="serviceAreas"
            itemName="Area"
            empty={EMPTY_AREA}
            render={(p) => (
              <>
                <SelectField
                  form={form}
                  path={`${p}.areaType`}
                  label="Type of area"
                  options={SERVICE_AREA_TYPES.map((t) => [t, AREA_LABELS[t]])}
                />
                <Field
                  form={form}
                  path={`${p}.areaCode`}
                  label="Area code"
                  hint="For example QHM, U12345 or E08000003."
                  width="nhsuk-input--width-10"
                />
                <Field form={form} path={`${p}.name`} label="Area name (optional)" />
              </>
            )}
          />

          <RepeatingSection
            title="Funding"
            form={form}
            path="funding"
            itemName="Funding source"
            empty={EMPTY_FUNDING}
            render={(p) => (
              <>
                <Field form={form} path={`${p}.source`} label="Funder" />
                <Field
                  form={form}
                  path={`${p}.endsOn`}
                  label="Funding ends (optional)"
                  type="date"
                  width="nhsuk-input--width-10"
                />
              </>
            )}
          />

          <button type="submit" className="nhsuk-button" disabled={saving}>
            {saving ? 'Saving…' : 'Save service'}
          </button>
        </form>
      </div>
    </div>
  );
}
