/** The organisation profile form (add an organisation, edit its details): every field, with the API's field errors inline. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type ApiFieldProblem } from '../api/client';
import type { OrganizationDto } from '../api/directory';
import { ErrorSummary, type FormProblem } from './ErrorSummary';
import { TextArea } from './TextArea';
import { TextInput } from './TextInput';

/** The organisation fields the form edits, as the API names them. */
export type OrganisationValues = Record<
  'name' | 'alternateName' | 'description' | 'email' | 'phone' | 'website' | 'legalStatus' | 'charityNumber',
  string
>;

type Key = keyof OrganisationValues;

const FIELDS: {
  key: Key;
  label: string;
  /** The field's name in error sentences ("Website must be an http(s) URL"). */
  short: string;
  hint?: string;
  type?: 'email' | 'tel' | 'url';
  autoComplete?: string;
  multiline?: boolean;
  width?: string;
}[] = [
  { key: 'name', label: 'Organisation name', short: 'Organisation name', autoComplete: 'organization' },
  {
    key: 'alternateName',
    label: 'Other name (optional)',
    short: 'Other name',
    hint: 'A name people also know it by, such as its initials.',
  },
  {
    key: 'description',
    label: 'Description (optional)',
    short: 'Description',
    hint: 'What the organisation does and who it helps.',
    multiline: true,
  },
  { key: 'email', label: 'Email address (optional)', short: 'Email address', type: 'email', autoComplete: 'email' },
  {
    key: 'phone',
    label: 'Phone number (optional)',
    short: 'Phone number',
    hint: 'For example, 0161 123 4567',
    type: 'tel',
    autoComplete: 'tel',
    width: 'nhsuk-input--width-20',
  },
  {
    key: 'website',
    label: 'Website (optional)',
    short: 'Website',
    hint: 'For example, https://example.org',
    type: 'url',
    autoComplete: 'url',
  },
  {
    key: 'legalStatus',
    label: 'Legal status (optional)',
    short: 'Legal status',
    hint: 'For example, registered charity, community interest company (CIC) or unincorporated group.',
  },
  {
    key: 'charityNumber',
    label: 'Charity number (optional)',
    short: 'Charity number',
    hint: 'Registered charities only, for example 1234567.',
    width: 'nhsuk-input--width-10',
  },
];

/** Form values of an organisation (empty strings for absent fields). */
export function organisationValues(org?: OrganizationDto | null): OrganisationValues {
  const values = {} as OrganisationValues;
  for (const { key } of FIELDS) values[key] = org?.[key] ?? '';
  return values;
}

/** Props of OrganisationForm. */
export interface OrganisationFormProps {
  /** Prefix of the input ids, unique on the page (e.g. `org` or `org-<id>`). */
  idPrefix: string;
  /** Values to start from. */
  initial: OrganisationValues;
  /** Text of the submit button. */
  submitLabel: string;
  /** Sends the values; throws ApiError on failure (field problems show inline). */
  onSubmit(values: OrganisationValues): Promise<void>;
  /** Called with whether the form now shows problems (for the page title's "Error:" prefix). Default none. */
  onProblemsChange?(hasProblems: boolean): void;
  /** Shown beside the submit button, e.g. a Cancel button. Default none. */
  secondaryAction?: ReactNode;
}

/** The organisation form: inputs, an error summary from the API's field problems, and a general error box. */
export function OrganisationForm({
  idPrefix,
  initial,
  submitLabel,
  onSubmit,
  onProblemsChange,
  secondaryAction,
}: OrganisationFormProps) {
  const [values, setValues] = useState(initial);
  const [problems, setProblems] = useState<Map<Key, string>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idOf = (key: Key) => `${idPrefix}-${key}`;

  const showProblems = (list: ApiFieldProblem[]) => {
    const next = new Map<Key, string>();
    for (const { field, message } of list) {
      const spec = FIELDS.find((f) => f.key === field) ?? FIELDS[0]!;
      if (!next.has(spec.key)) next.set(spec.key, `${spec.short} ${message}`);
    }
    setProblems(next);
    onProblemsChange?.(next.size > 0);
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    setFailure(null);
    try {
      await onSubmit(values);
      showProblems([]);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) showProblems(error.errors);
      else {
        showProblems([]);
        setFailure(error instanceof ApiError ? error.detail : 'Something went wrong. Try again.');
      }
    } finally {
      setSaving(false);
    }
  };

  const summary: FormProblem[] = FIELDS.filter((f) => problems.has(f.key)).map((f) => ({
    fieldId: idOf(f.key),
    message: problems.get(f.key)!,
  }));
  return (
    <form noValidate onSubmit={(e) => void handleSubmit(e)}>
      {summary.length > 0 && <ErrorSummary problems={summary} />}
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The organisation could not be saved</h2>
          <p className="nhsuk-error-summary__body">{failure}</p>
        </div>
      )}
      {FIELDS.map((f) => {
        const common = {
          id: idOf(f.key),
          name: f.key,
          label: f.label,
          hint: f.hint,
          error: problems.get(f.key),
          value: values[f.key],
        };
        return f.multiline ? (
          <TextArea key={f.key} {...common} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} />
        ) : (
          <TextInput
            key={f.key}
            {...common}
            type={f.type ?? 'text'}
            autoComplete={f.autoComplete}
            spellCheck={f.type ? false : undefined}
            inputClassName={f.width}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
          />
        );
      })}
      <div className="signpost-links">
        <button type="submit" className="nhsuk-button" disabled={saving} aria-disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>{' '}
        {secondaryAction}
      </div>
    </form>
  );
}
