/**
 * The search form: postcode and radius, then filters (category, keyword, capacity, how it is delivered, cost, age,
 * language, open on). It edits a local draft and hands the whole view over on submit; the page writes it to the URL.
 */
import { useId, useState, type FormEvent } from 'react';
import { WEEKDAYS } from '@shared/schemas/search';
import { DELIVERY_MODES, languageName } from '@shared/schemas/directory';
import {
  activeFilterCount,
  RADIUS_CHOICES,
  type DeliveryMode,
  type FindView,
  type Weekday,
} from '../../find/searchView';
import { WEEKDAY_NAMES } from '@shared/weekdays';
import { CheckboxItem } from '../CheckboxItem';
import { TextInput } from '../TextInput';

/** A taxonomy term as GET /api/taxonomy sends it (a tree). */
export interface TaxonomyNode {
  id: string;
  code: string;
  name: string;
  children: TaxonomyNode[];
}

/** Ids of the form's fields (errors link to them). */
export const FIELD_IDS = {
  postcode: 'find-postcode',
  radiusKm: 'find-radius',
  category: 'find-category',
  q: 'find-q',
  age: 'find-age',
  language: 'find-language',
  openOn: 'find-open-day',
  mode: 'find-mode-in_person',
} as const;

const MODE_LABELS: Record<DeliveryMode, string> = { in_person: 'In person', phone: 'By phone', online: 'Online' };
/** Languages offered in the filter: English and the languages most spoken in England after it (Census 2021). */
const LANGUAGE_CODES = ['en', 'pl', 'ro', 'pa', 'ur', 'pt', 'es', 'ar', 'bn', 'gu', 'it', 'zh', 'so', 'tr', 'fr'];

/** Props of FindForm. */
export interface FindFormProps {
  /** The draft being edited. */
  draft: FindView;
  /** Updates the draft. */
  onDraftChange: (changes: Partial<FindView>) => void;
  /** Submits the draft. */
  onSubmit: () => void;
  /** Taxonomy tree (empty while loading or when it could not load). */
  taxonomy: readonly TaxonomyNode[];
  /** Field errors by FIELD_IDS key. */
  errors: Partial<Record<keyof typeof FIELD_IDS, string>>;
}

function flatten(nodes: readonly TaxonomyNode[], depth = 0): { code: string; label: string }[] {
  return nodes.flatMap((n) => [
    { code: n.code, label: `${depth > 0 ? '— '.repeat(depth) : ''}${n.name}` },
    ...flatten(n.children, depth + 1),
  ]);
}

/** The search form. */
export function FindForm({ draft, onDraftChange, onSubmit, taxonomy, errors }: FindFormProps) {
  const filtersId = useId();
  const count = activeFilterCount(draft);
  // Open at first when the URL already sets filters; afterwards the person opens and closes it.
  const [isInitiallyOpen] = useState(count > 0);
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  const categories = flatten(taxonomy);
  const errorOf = (key: keyof typeof FIELD_IDS) =>
    errors[key] ? (
      <span className="nhsuk-error-message" id={`${FIELD_IDS[key]}-error`}>
        <span className="nhsuk-u-visually-hidden">Error: </span>
        {errors[key]}
      </span>
    ) : null;
  const groupClass = (key: keyof typeof FIELD_IDS) =>
    `nhsuk-form-group${errors[key] ? ' nhsuk-form-group--error' : ''}`;
  const toggleMode = (mode: DeliveryMode, checked: boolean) =>
    onDraftChange({ mode: checked ? [...draft.mode, mode] : draft.mode.filter((m) => m !== mode) });

  return (
    <form className="signpost-find-form" role="search" aria-label="Find services" onSubmit={handleSubmit} noValidate>
      <div className="signpost-find-form__where">
        <TextInput
          id={FIELD_IDS.postcode}
          name="postcode"
          label="Postcode"
          hint="Where the person lives or wants to go. A full postcode or just the first part, like M13"
          autoComplete="off"
          spellCheck={false}
          inputClassName="nhsuk-input--width-10"
          value={draft.postcode ?? ''}
          error={errors.postcode}
          onChange={(e) => onDraftChange({ postcode: e.target.value })}
        />
        <div className={groupClass('radiusKm')}>
          <label className="nhsuk-label" htmlFor={FIELD_IDS.radiusKm}>
            Within
          </label>
          {errorOf('radiusKm')}
          <select
            className="nhsuk-select"
            id={FIELD_IDS.radiusKm}
            name="radiusKm"
            value={String(draft.radiusKm ?? 5)}
            onChange={(e) => onDraftChange({ radiusKm: Number(e.target.value) })}
          >
            {RADIUS_CHOICES.map((km) => (
              <option key={km} value={km}>
                {km} km
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="nhsuk-button signpost-find-form__submit">
          Search
        </button>
      </div>

      <details className="nhsuk-details signpost-find-filters" open={isInitiallyOpen || undefined}>
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Filters{count > 0 ? ` (${count} set)` : ''}</span>
        </summary>
        <div className="nhsuk-details__text signpost-find-filters__body" id={filtersId}>
          <div className={groupClass('category')}>
            <label className="nhsuk-label" htmlFor={FIELD_IDS.category}>
              Type of support
            </label>
            {errorOf('category')}
            <select
              className="nhsuk-select signpost-find-filters__select"
              id={FIELD_IDS.category}
              name="category"
              value={draft.category[0] ?? ''}
              onChange={(e) => onDraftChange({ category: e.target.value ? [e.target.value] : [] })}
            >
              <option value="">Any</option>
              {categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>

          <TextInput
            id={FIELD_IDS.q}
            name="q"
            label="Keyword"
            hint="For example: debt, carers, gardening"
            value={draft.q ?? ''}
            error={errors.q}
            onChange={(e) => onDraftChange({ q: e.target.value || null })}
          />

          <fieldset className="nhsuk-fieldset nhsuk-form-group">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Can they take people?</legend>
            <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
              <CheckboxItem
                id="find-accepting"
                label="Only services accepting people now (including limited places)"
                checked={draft.acceptingOnly}
                onChange={(e) =>
                  onDraftChange({
                    acceptingOnly: e.target.checked,
                    includeWaitlist: e.target.checked && draft.includeWaitlist,
                  })
                }
              />
              <CheckboxItem
                id="find-waitlist"
                label="Also services with a waiting list"
                hint="With “only services accepting people now”"
                checked={draft.includeWaitlist}
                disabled={!draft.acceptingOnly}
                onChange={(e) => onDraftChange({ includeWaitlist: e.target.checked })}
              />
              <CheckboxItem
                id="find-unconfirmed"
                label="Include services whose capacity has not been confirmed recently"
                checked={draft.includeUnconfirmed}
                onChange={(e) => onDraftChange({ includeUnconfirmed: e.target.checked })}
              />
            </div>
          </fieldset>

          <fieldset className="nhsuk-fieldset nhsuk-form-group">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">How it is delivered</legend>
            <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
              {DELIVERY_MODES.map((mode) => (
                <CheckboxItem
                  key={mode}
                  id={`find-mode-${mode}`}
                  label={MODE_LABELS[mode]}
                  checked={draft.mode.includes(mode)}
                  onChange={(e) => toggleMode(mode, e.target.checked)}
                />
              ))}
            </div>
          </fieldset>

          <div className="nhsuk-form-group">
            <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
              <CheckboxItem
                id="find-free"
                label="Free services only"
                checked={draft.free}
                onChange={(e) => onDraftChange({ free: e.target.checked })}
              />
            </div>
          </div>

          <TextInput
            id={FIELD_IDS.age}
            name="age"
            label="Age of the person (optional)"
            hint="Shows services open to this age"
            inputMode="numeric"
            inputClassName="nhsuk-input--width-3"
            value={draft.age === null ? '' : String(draft.age)}
            error={errors.age}
            onChange={(e) => {
              const value = e.target.value.replace(/\D/g, '').slice(0, 3);
              onDraftChange({ age: value === '' ? null : Number(value) });
            }}
          />

          <div className={groupClass('language')}>
            <label className="nhsuk-label" htmlFor={FIELD_IDS.language}>
              Language spoken
            </label>
            {errorOf('language')}
            <select
              className="nhsuk-select"
              id={FIELD_IDS.language}
              name="language"
              value={draft.language ?? ''}
              onChange={(e) => onDraftChange({ language: e.target.value || null })}
            >
              <option value="">Any</option>
              {[...new Set([...LANGUAGE_CODES, ...(draft.language ? [draft.language] : [])])].map((code) => (
                <option key={code} value={code}>
                  {languageName(code) ?? code}
                </option>
              ))}
            </select>
          </div>

          <fieldset className={`nhsuk-fieldset ${groupClass('openOn')}`}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Open on</legend>
            {errorOf('openOn')}
            <div className="signpost-find-filters__inline">
              <div className="nhsuk-form-group nhsuk-u-margin-bottom-0">
                <label className="nhsuk-label" htmlFor={FIELD_IDS.openOn}>
                  Day
                </label>
                <select
                  className="nhsuk-select"
                  id={FIELD_IDS.openOn}
                  value={draft.openDay ?? ''}
                  onChange={(e) =>
                    onDraftChange({
                      openDay: (e.target.value || null) as Weekday | null,
                      openTime: e.target.value ? draft.openTime : null,
                    })
                  }
                >
                  <option value="">Any day</option>
                  {WEEKDAYS.map((d) => (
                    <option key={d} value={d}>
                      {WEEKDAY_NAMES[d]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="nhsuk-form-group nhsuk-u-margin-bottom-0">
                <label className="nhsuk-label" htmlFor="find-open-time">
                  Time (optional)
                </label>
                <input
                  className="nhsuk-input nhsuk-input--width-5"
                  id="find-open-time"
                  type="time"
                  disabled={!draft.openDay}
                  value={draft.openTime ?? ''}
                  onChange={(e) => onDraftChange({ openTime: e.target.value || null })}
                />
              </div>
            </div>
          </fieldset>

          <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0">
            Apply filters
          </button>
        </div>
      </details>
    </form>
  );
}
