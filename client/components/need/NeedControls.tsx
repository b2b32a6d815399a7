/** The need page's choices: which area (England or one ICB), which figure to map and which service category counts. */
import { useEffect, useState } from 'react';
import type { AreaProfileDto } from '../../api/areas';
import type { IndicatorDefinition, IndicatorGroup } from '../../need/indicators';
import { shortIcbName } from '../../need/format';

/** Props of NeedControls. */
export interface NeedControlsProps {
  /** The ICBs to offer, by name. */
  icbs: readonly AreaProfileDto[];
  /** Code of the chosen ICB, or null for England. */
  icbCode: string | null;
  /** Called with an ICB code, or null for England. */
  onIcbChange: (icbCode: string | null) => void;
  /** Indicators to offer, in order. */
  indicators: readonly IndicatorDefinition[];
  /** The mapped indicator. */
  indicator: IndicatorDefinition;
  /** Called with the key of the chosen indicator. */
  onIndicatorChange: (key: string) => void;
  /** Top-level service categories to offer (code and name), or null while they load. */
  categories: readonly { code: string; name: string }[] | null;
  /** The chosen category code, or null for all services. */
  category: string | null;
  /** Called with a category code, or null for all. */
  onCategoryChange: (category: string | null) => void;
}

/** Value of the "All of England" option. */
const ENGLAND = '';
/** Value of the "All services" option. */
const ALL = '';

/** Two labelled NHS.UK selects, side by side on wide screens; each applies as soon as it changes. */
export function NeedControls({
  icbs,
  icbCode,
  onIcbChange,
  indicators,
  indicator,
  onIndicatorChange,
  categories,
  category,
  onCategoryChange,
}: NeedControlsProps) {
  // URL changes are transitions: the select follows the user's choice at once and the URL when that changes.
  const [chosenCategory, setChosenCategory] = useState(category ?? ALL);
  useEffect(() => setChosenCategory(category ?? ALL), [category]);
  const groups = indicators.reduce<Map<IndicatorGroup, IndicatorDefinition[]>>((map, i) => {
    map.set(i.group, [...(map.get(i.group) ?? []), i]);
    return map;
  }, new Map());
  const sortedIcbs = [...icbs].sort((a, b) => shortIcbName(a.name).localeCompare(shortIcbName(b.name), 'en-GB'));
  return (
    <form className="signpost-need-controls" onSubmit={(event) => event.preventDefault()} aria-label="What to show">
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-third">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label nhsuk-label--s" htmlFor="need-icb">
              Area
            </label>
            <div className="nhsuk-hint" id="need-icb-hint">
              England, or one integrated care board (ICB)
            </div>
            <select
              className="nhsuk-select signpost-need-controls__select"
              id="need-icb"
              name="icb"
              aria-describedby="need-icb-hint"
              value={icbCode ?? ENGLAND}
              onChange={(event) => onIcbChange(event.target.value === ENGLAND ? null : event.target.value)}
            >
              <option value={ENGLAND}>All of England</option>
              {sortedIcbs.map((icb) => (
                <option key={icb.code} value={icb.code}>
                  {shortIcbName(icb.name)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="nhsuk-grid-column-one-third">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label nhsuk-label--s" htmlFor="need-indicator">
              Shade the map by
            </label>
            <div className="nhsuk-hint" id="need-indicator-hint">
              Gap, need, population, resource or demand figures
            </div>
            <select
              className="nhsuk-select signpost-need-controls__select"
              id="need-indicator"
              name="indicator"
              aria-describedby="need-indicator-hint"
              value={indicator.key}
              onChange={(event) => onIndicatorChange(event.target.value)}
            >
              {[...groups.entries()].map(([group, items]) => (
                <optgroup key={group} label={group}>
                  {items.map((i) => (
                    <option key={i.key} value={i.key}>
                      {i.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
        </div>
        <div className="nhsuk-grid-column-one-third">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label nhsuk-label--s" htmlFor="need-category">
              Service category
            </label>
            <div className="nhsuk-hint" id="need-category-hint">
              VCSE supply and the gap score count services of this category
            </div>
            <select
              className="nhsuk-select signpost-need-controls__select"
              id="need-category"
              name="category"
              aria-describedby="need-category-hint"
              value={chosenCategory}
              onChange={(event) => {
                setChosenCategory(event.target.value);
                onCategoryChange(event.target.value === ALL ? null : event.target.value);
              }}
            >
              <option value={ALL}>All services</option>
              {category && !categories?.some((c) => c.code === category) && (
                <option value={category}>{category}</option>
              )}
              {(categories ?? []).map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
    </form>
  );
}
