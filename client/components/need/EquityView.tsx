/**
 * Equity view of the need page: PCNs with a high % Black or % Asian population against the services reachable from
 * them that offer a language other than English. Open in a details box (`?equity=1`), sortable (`?esort=&edir=`),
 * loaded only when opened. Rule and limits: docs/gaps.md "Equity view".
 */
import { useMemo, type SyntheticEvent } from 'react';
import { useSearchParams } from 'react-router';
import { gapEquityPath } from '../../api/gaps';
import { useApiResource } from '../../hooks/useApiResource';
import { formatCount, formatOrNoData, formatPercent, formatRate } from '../../need/format';
import type { EquityResponse, EquityRow } from '@shared/gapsEquity';
import { LoadError } from '../LoadError';

type SortKey = 'name' | 'pctBlack' | 'pctAsian' | 'population' | 'services' | 'languageServices' | 'per10k';
type Dir = 'asc' | 'desc';

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'PCN', numeric: false },
  { key: 'pctBlack', label: '% Black', numeric: true },
  { key: 'pctAsian', label: '% Asian', numeric: true },
  { key: 'population', label: 'Population', numeric: true },
  { key: 'services', label: 'Services reachable', numeric: true },
  { key: 'languageServices', label: 'Offering a language other than English', numeric: true },
  { key: 'per10k', label: 'Per 10,000', numeric: true },
];

const DEFAULT_SORT: SortKey = 'pctBlack';

function valueOf(row: EquityRow, key: SortKey): number | string | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'per10k':
      return row.languageServicesPer10k;
    default:
      return row[key];
  }
}

/** Sorts rows by a column; missing figures always last. */
export function sortEquityRows(rows: readonly EquityRow[], key: SortKey, dir: Dir): EquityRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, key);
    const y = valueOf(b, key);
    if (x === null || y === null) return x === y ? a.code.localeCompare(b.code) : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return c * sign || a.code.localeCompare(b.code);
  });
}

/** The equity section (a details box under the PCN table). */
export function EquityView({ icb, areaName }: { icb: string | null; areaName: string }) {
  const [params, setParams] = useSearchParams();
  const isOpen = params.get('equity') === '1';
  const sortParam = params.get('esort') as SortKey | null;
  const sort: SortKey = COLUMNS.some((c) => c.key === sortParam) ? sortParam! : DEFAULT_SORT;
  const dirParam = params.get('edir');
  const dir: Dir = dirParam === 'asc' || dirParam === 'desc' ? dirParam : sort === 'name' ? 'asc' : 'desc';
  const equity = useApiResource<EquityResponse>(isOpen ? gapEquityPath(icb) : null);

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  const handleToggle = (event: SyntheticEvent<HTMLDetailsElement>) => {
    const open = event.currentTarget.open;
    if (open !== isOpen) update({ equity: open ? '1' : null });
  };
  const handleSort = (key: SortKey) => {
    const nextDir: Dir = key === sort ? (dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    update({
      esort: key === DEFAULT_SORT ? null : key,
      edir: nextDir === (key === 'name' ? 'asc' : 'desc') ? null : nextDir,
    });
  };

  const data = equity.status === 'ready' ? equity.data : null;
  const rows = useMemo(() => (data ? sortEquityRows(data.rows, sort, dir) : []), [data, sort, dir]);
  const highCount = rows.filter((r) => r.highBlack || r.highAsian).length;

  return (
    <details className="nhsuk-details signpost-equity" open={isOpen} onToggle={handleToggle}>
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">
          Equity: Black and Asian populations against services in other languages
        </span>
      </summary>
      <div className="nhsuk-details__text">
        <p className="nhsuk-body-s">
          PCNs where more residents are Black or Asian reported more people getting no support from local services. This
          table sets each PCN’s share of Black and Asian residents (Census 2021) against the community services
          reachable from it (as in the gap analysis) that list a language other than English. A PCN is marked{' '}
          <strong>high</strong> when its % Black or % Asian is in the top fifth of England’s PCNs. Languages are only as
          complete as services’ own listings, and culturally specific provision in English is not counted.
        </p>
        {equity.status === 'loading' && (
          <p className="nhsuk-body-s" role="status">
            Loading the equity figures…
          </p>
        )}
        {equity.status === 'error' && (
          <LoadError what="The equity figures could not be loaded" error={equity.error} onRetry={equity.retry} />
        )}
        {data && rows.length === 0 && <p className="nhsuk-body-s">{areaName} has no PCNs in the reference data.</p>}
        {data && rows.length > 0 && (
          <>
            <p className="nhsuk-body-s" data-testid="equity-summary">
              {formatCount(highCount)} of {formatCount(rows.length)} PCNs in {areaName} have a high % Black or % Asian
              population (top fifth in England: at least {formatOrNoData(data.meta.thresholds.pctBlack, formatPercent)}{' '}
              Black or {formatOrNoData(data.meta.thresholds.pctAsian, formatPercent)} Asian). Services count when they
              are within {formatCount(data.meta.reachKm)} km of a catchment’s centre or inside it.
            </p>
            <div
              className="signpost-table-scroll"
              role="region"
              aria-label="Equity table (scrolls sideways)"
              tabIndex={0}
            >
              <table className="nhsuk-table signpost-equity-table">
                <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
                  Equity in {areaName}. Column headers are buttons that sort the table.
                </caption>
                <thead className="nhsuk-table__head">
                  <tr className="nhsuk-table__row">
                    {COLUMNS.map((c) => (
                      <th
                        key={c.key}
                        scope="col"
                        className={`nhsuk-table__header${c.numeric ? ' nhsuk-table__header--numeric' : ''}`}
                        aria-sort={c.key === sort ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                      >
                        <button
                          type="button"
                          className="signpost-sort-button"
                          onClick={() => handleSort(c.key)}
                          data-equity-sort={c.key}
                        >
                          {c.label}
                          <span
                            className={`signpost-sort-icon${c.key === sort ? ` signpost-sort-icon--${dir}` : ''}`}
                            aria-hidden="true"
                          />
                        </button>
                      </th>
                    ))}
                    <th scope="col" className="nhsuk-table__header">
                      Languages other than English
                    </th>
                  </tr>
                </thead>
                <tbody className="nhsuk-table__body">
                  {rows.map((r) => (
                    <tr key={r.code} className="nhsuk-table__row" data-equity-pcn={r.code}>
                      <th scope="row" className="nhsuk-table__header">
                        {r.name} <span className="nhsuk-body-s">({r.code})</span>
                      </th>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                        {formatOrNoData(r.pctBlack, formatPercent)}
                        {r.highBlack && (
                          <strong className="nhsuk-tag nhsuk-tag--orange signpost-equity-high">high</strong>
                        )}
                      </td>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                        {formatOrNoData(r.pctAsian, formatPercent)}
                        {r.highAsian && (
                          <strong className="nhsuk-tag nhsuk-tag--orange signpost-equity-high">high</strong>
                        )}
                      </td>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                        {formatOrNoData(r.population, formatCount)}
                      </td>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(r.services)}</td>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                        {formatCount(r.languageServices)}
                        {r.remoteLanguageServices > 0 && (
                          <span className="nhsuk-body-s">
                            {' '}
                            (+{formatCount(r.remoteLanguageServices)} online or phone)
                          </span>
                        )}
                      </td>
                      <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                        {formatOrNoData(r.languageServicesPer10k, formatRate)}
                      </td>
                      <td className="nhsuk-table__cell">
                        {r.languages.length === 0
                          ? 'none listed'
                          : r.languages.map((l) => `${l.name} (${formatCount(l.services)})`).join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
    </details>
  );
}
