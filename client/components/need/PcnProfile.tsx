/** The profile of the selected PCN: where it is, its need index and what drives it, its figures against ICB and England averages, and its practices. */
import type { ReactNode, Ref } from 'react';
import type { PcnDetailDto } from '../../api/areas';
import type { ApiResource } from '../../hooks/useApiResource';
import { figuresOfProfile, type IndicatorDefinition, type PcnFigures } from '../../need/indicators';
import { formatCount, formatOrNoData, formatSigned, NO_DATA, shortIcbName } from '../../need/format';
import { LoadError } from '../LoadError';
import { NeedContributions } from './NeedContributions';
import { TableHead } from '../TableHead';

/** Props of PcnProfile. */
export interface PcnProfileProps {
  /** Code of the PCN (shown while its profile loads). */
  code: string;
  /** The profile request. */
  profile: ApiResource<PcnDetailDto> & { retry: () => void };
  /** Figures to compare with the averages, in order. */
  indicators: readonly IndicatorDefinition[];
  /** Called by the close button. */
  onClose: () => void;
  /** Ref to the heading, so the page can move focus to it after a selection from the table. */
  headingRef?: Ref<HTMLHeadingElement>;
  /** More sections under the profile (the gap analysis and flags). Default none. */
  children?: ReactNode;
}

const cell = (value: number | null | undefined, format: (v: number) => string) => {
  const text = formatOrNoData(value, format);
  return (
    <td className={`nhsuk-table__cell nhsuk-table__cell--numeric${text === NO_DATA ? ' signpost-no-data' : ''}`}>
      {text}
    </td>
  );
};

/** Reads an indicator's value from averages (which have the indicator keys but no need index). */
const averageOf = (indicator: IndicatorDefinition, averages: PcnDetailDto['averages']['icb']) =>
  indicator.value({ needIndex: null, ...averages } as PcnFigures);

/** The profile panel; see PcnProfileProps. */
export function PcnProfile({ code, profile, indicators, onClose, headingRef, children }: PcnProfileProps) {
  const data = profile.status === 'ready' ? profile.data : undefined;
  const title = data?.name ?? `PCN ${code}`;
  return (
    <section className="nhsuk-card signpost-profile" aria-labelledby="pcn-profile-heading" id="pcn-profile">
      <div className="nhsuk-card__content">
        <div className="signpost-profile__header">
          <h2
            className="nhsuk-heading-m nhsuk-u-margin-bottom-1"
            id="pcn-profile-heading"
            tabIndex={-1}
            ref={headingRef}
          >
            <span className="nhsuk-caption-m">
              Selected PCN<span className="nhsuk-u-visually-hidden">: </span>
            </span>
            {title}
          </h2>
          <button type="button" className="signpost-link-button" onClick={onClose}>
            Close<span className="nhsuk-u-visually-hidden"> the profile of {title}</span>
          </button>
        </div>
        {profile.status === 'loading' && (
          <p className="nhsuk-body" role="status">
            Loading the profile…
          </p>
        )}
        {profile.status === 'error' && (
          <LoadError
            what="This PCN’s profile could not be loaded"
            error={profile.error}
            onRetry={profile.error.status === 404 ? undefined : profile.retry}
            headingLevel={3}
          />
        )}
        {data && <ProfileBody data={data} indicators={indicators} />}
        {children}
      </div>
    </section>
  );
}

function ProfileBody({ data, indicators }: { data: PcnDetailDto; indicators: readonly IndicatorDefinition[] }) {
  const figures = figuresOfProfile(data);
  const icbName = shortIcbName(data.icbName);
  return (
    <>
      <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">
        {data.code} · {icbName}
        {data.subIcbCode ? ` · sub-ICB location ${data.subIcbCode}` : ''}
      </p>
      <p className="nhsuk-body-s signpost-profile__approximate">
        <strong className="nhsuk-tag nhsuk-tag--grey">Approximate catchment</strong> Built from{' '}
        {formatCount(data.catchment.lsoaCount)} LSOAs (small areas of about 1,500 residents) nearest its practices:
        England publishes no PCN boundaries.
      </p>

      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <h3 className="nhsuk-heading-s">
            Need index: <span data-testid="profile-need-index">{formatOrNoData(data.need.index, formatSigned)}</span>
          </h3>
          <p className="nhsuk-body-s">
            0 is the average PCN in England; each point is one standard deviation. The components below add up to the
            index.
          </p>
          <NeedContributions contributions={data.need.contributions} caption="What makes up the need index" />
        </div>
        <div className="nhsuk-grid-column-one-half">
          <table className="nhsuk-table signpost-profile__figures">
            <caption className="nhsuk-table__caption nhsuk-table__caption--s">Compared with averages</caption>
            <TableHead
              columns={['Figure', 'This PCN', 'ICB average', 'England average']}
              numericFrom={1}
              rowClassName="nhsuk-table__row"
            />
            <tbody className="nhsuk-table__body">
              {indicators
                .filter((i) => i.inProfile !== false)
                .map((i) => (
                  <tr key={i.key} className="nhsuk-table__row" data-indicator={i.key}>
                    <th scope="row" className="nhsuk-table__header signpost-profile__figure-name">
                      {i.shortLabel}
                    </th>
                    {cell(i.value(figures), i.format)}
                    {cell(averageOf(i, data.averages.icb), i.format)}
                    {cell(averageOf(i, data.averages.england), i.format)}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </div>

      <table className="nhsuk-table signpost-profile__practices">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s">
          Practices ({formatCount(data.practices.length)})
        </caption>
        <TableHead
          columns={['Practice', 'Postcode', 'Registered patients']}
          numericFrom={2}
          rowClassName="nhsuk-table__row"
        />
        <tbody className="nhsuk-table__body">
          {data.practices.map((p) => (
            <tr key={p.code} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">
                {p.name} <span className="signpost-pcn-table__meta signpost-pcn-table__meta--inline">{p.code}</span>
              </td>
              <td className="nhsuk-table__cell">{p.postcode ?? NO_DATA}</td>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(p.listSize)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
