/** What makes up a PCN's need index: each component's contribution as a number and a small bar either side of 0. */
import { NEED_COMPONENT_LABELS, type NeedComponent } from '@shared/need';
import { formatOrNoData, formatSigned } from '../../need/format';

/** Props of NeedContributions. */
export interface NeedContributionsProps {
  /** Contribution of each component (weight × z-score); null when the component is missing. */
  contributions: Partial<Record<NeedComponent, number | null>>;
  /** Accessible caption of the list. */
  caption: string;
}

/** Components in a fixed order, largest weight first (shared/need.ts). */
const COMPONENTS = Object.keys(NEED_COMPONENT_LABELS) as NeedComponent[];

/** A table of components with signed values and decorative diverging bars (the numbers carry the meaning). */
export function NeedContributions({ contributions, caption }: NeedContributionsProps) {
  const values = COMPONENTS.map((k) => contributions[k] ?? null);
  const largest = Math.max(0.25, ...values.map((v) => (v === null ? 0 : Math.abs(v))));
  return (
    <table className="nhsuk-table signpost-contributions">
      <caption className="nhsuk-table__caption nhsuk-table__caption--s">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th scope="col" className="nhsuk-table__header">
            Component
          </th>
          <th scope="col" className="nhsuk-table__header nhsuk-table__header--numeric">
            Contribution
          </th>
          <th scope="col" className="nhsuk-table__header signpost-contributions__bar-header">
            <span className="signpost-contributions__axis" aria-hidden="true">
              <span>less need</span>
              <span>more need</span>
            </span>
            <span className="nhsuk-u-visually-hidden">Bar</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {COMPONENTS.map((key, i) => {
          const value = values[i] ?? null;
          const width = value === null ? 0 : (Math.abs(value) / largest) * 50;
          return (
            <tr key={key} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{NEED_COMPONENT_LABELS[key]}</td>
              <td
                className={`nhsuk-table__cell nhsuk-table__cell--numeric${value === null ? ' signpost-no-data' : ''}`}
              >
                {formatOrNoData(value, formatSigned)}
              </td>
              <td className="nhsuk-table__cell signpost-contributions__bar-cell" aria-hidden="true">
                <span className="signpost-contributions__track">
                  {value !== null && (
                    <span
                      className={`signpost-contributions__bar signpost-contributions__bar--${value < 0 ? 'negative' : 'positive'}`}
                      style={value < 0 ? { right: '50%', width: `${width}%` } : { left: '50%', width: `${width}%` }}
                    />
                  )}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
