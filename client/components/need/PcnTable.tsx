/**
 * The PCN table: the accessible primary view of the page. Sortable by any column (buttons in the headers, aria-sort
 * on the sorted one), "no data" for missing figures, and each PCN name a link that selects it (Enter works; so does a
 * click anywhere on the row).
 */
import { useMemo, useState, type MouseEvent } from 'react';
import type { FlagDto } from '../../api/gaps';
import { barOf, extentOf } from '../../need/bars';
import { Link } from 'react-router';
import type { IndicatorDefinition } from '../../need/indicators';
import { formatCount, formatOrNoData, NO_DATA } from '../../need/format';
import type { PcnRow, SortDirection, SortKey } from '../../need/needView';

/** Rows shown at first and added by "Show more" (England has about 1,300 PCNs). */
export const PAGE_SIZE = 50;

/** Props of PcnTable. */
export interface PcnTableProps {
  /** Caption, e.g. "PCNs in NHS Greater Manchester ICB". */
  caption: string;
  /** Rows, already sorted. */
  rows: readonly PcnRow[];
  /** Figure columns, in order. */
  columns: readonly IndicatorDefinition[];
  /** Current sort column. */
  sort: SortKey;
  /** Current sort direction. */
  dir: SortDirection;
  /** Called when a header button asks for a sort. */
  onSort: (sort: SortKey) => void;
  /** Key of the mapped indicator, whose column is tinted. */
  mappedKey: string;
  /** Code of the selected PCN. Default none. */
  selectedCode?: string | null;
  /** Link target that selects a PCN (its URL with `pcn=`). */
  hrefFor: (code: string) => string;
  /** Called when a PCN is chosen: its link is followed or its row clicked. */
  onSelect: (code: string) => void;
  /** Called with the code of the row under the pointer or holding focus, or null when it leaves. Default none. */
  onHighlight?: (code: string | null) => void;
  /** ICB label under each PCN name (England view), or absent to show none. */
  icbLabel?: (icbCode: string | null) => string | undefined;
  /** Open or in-progress flags of a PCN, shown as a "Flagged" tag; absent for people who may not see flags. */
  flagsOf?: (code: string) => readonly FlagDto[];
}

const ariaSort = (isSorted: boolean, dir: SortDirection) =>
  isSorted ? (dir === 'asc' ? 'ascending' : 'descending') : undefined;

/** Sortable, paged PCN table; see PcnTableProps. */
export function PcnTable({
  caption,
  rows,
  columns,
  sort,
  dir,
  onSort,
  mappedKey,
  selectedCode = null,
  hrefFor,
  onSelect,
  onHighlight,
  icbLabel,
  flagsOf,
}: PcnTableProps) {
  // Bars compare a row with all rows (not only those shown), on a scale that includes 0.
  const extents = useMemo(() => {
    const out = new Map<string, { min: number; max: number }>();
    for (const c of columns) {
      if (!c.hasBar) continue;
      const extent = extentOf(rows.map((r) => c.value(r.figures)));
      if (extent) out.set(c.key, extent);
    }
    return out;
  }, [columns, rows]);
  const [shown, setShown] = useState(PAGE_SIZE);
  const visible = rows.slice(0, shown);
  const remaining = rows.length - visible.length;

  const handleRowClick = (event: MouseEvent<HTMLTableRowElement>, code: string) => {
    // The link handles its own clicks (and modified clicks open a new tab); elsewhere on the row selects.
    if ((event.target as HTMLElement).closest('a, button')) return;
    onSelect(code);
  };

  const handleLinkClick = (event: MouseEvent<HTMLAnchorElement>, code: string) => {
    // Modified clicks keep the browser's behaviour (new tab, copy link); a plain click selects in place.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onSelect(code);
  };

  const header = (key: SortKey, label: string, isNumeric: boolean) => {
    const isSorted = sort === key;
    return (
      <th
        key={key}
        scope="col"
        className={[
          'nhsuk-table__header',
          isNumeric ? 'nhsuk-table__header--numeric' : 'signpost-pcn-table__name-header',
          key === mappedKey ? 'signpost-pcn-table__mapped' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        aria-sort={ariaSort(isSorted, dir)}
      >
        <button type="button" className="signpost-sort-button" onClick={() => onSort(key)} data-sort-key={key}>
          {label}
          <span className={`signpost-sort-icon${isSorted ? ` signpost-sort-icon--${dir}` : ''}`} aria-hidden="true" />
        </button>
      </th>
    );
  };

  return (
    <>
      <div className="signpost-table-scroll" role="region" aria-label={`${caption} (scrolls sideways)`} tabIndex={0}>
        <table className="nhsuk-table signpost-pcn-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
            {caption}. Column headers are buttons that sort the table.
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {header('name', 'PCN', false)}
              {columns.map((c) => header(c.key, c.shortLabel, true))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {visible.map((row) => {
              const isSelected = row.code === selectedCode;
              const icb = icbLabel?.(row.icbCode);
              return (
                <tr
                  key={row.code}
                  className={`nhsuk-table__row signpost-pcn-table__row${isSelected ? ' signpost-pcn-table__row--selected' : ''}`}
                  data-pcn-code={row.code}
                  onClick={(event) => handleRowClick(event, row.code)}
                  onMouseEnter={onHighlight && (() => onHighlight(row.code))}
                  onMouseLeave={onHighlight && (() => onHighlight(null))}
                  onFocus={onHighlight && (() => onHighlight(row.code))}
                  onBlur={onHighlight && (() => onHighlight(null))}
                >
                  <th scope="row" className="nhsuk-table__header signpost-pcn-table__name">
                    <Link
                      to={hrefFor(row.code)}
                      aria-current={isSelected ? 'true' : undefined}
                      onClick={(event) => handleLinkClick(event, row.code)}
                    >
                      {row.name}
                    </Link>
                    <span className="signpost-pcn-table__meta">
                      {row.code}
                      {icb ? ` · ${icb}` : ''}
                    </span>
                    {(flagsOf?.(row.code).length ?? 0) > 0 && (
                      <strong className="nhsuk-tag nhsuk-tag--orange signpost-flag-tag" data-testid="flag-tag">
                        Flagged
                        <span className="nhsuk-u-visually-hidden"> as under-served</span>
                      </strong>
                    )}
                  </th>
                  {columns.map((c) => {
                    const value = c.value(row.figures);
                    const text = formatOrNoData(value, c.format);
                    const extent = extents.get(c.key);
                    const bar = extent && value !== null && Number.isFinite(value) ? barOf(value, extent) : null;
                    return (
                      <td
                        key={c.key}
                        className={[
                          'nhsuk-table__cell nhsuk-table__cell--numeric',
                          c.key === mappedKey ? 'signpost-pcn-table__mapped' : '',
                          text === NO_DATA ? 'signpost-no-data' : '',
                        ]
                          .filter(Boolean)
                          .join(' ')}
                        data-column={c.key}
                      >
                        {text}
                        {bar && (
                          <span className="signpost-cell-bar" aria-hidden="true">
                            <span
                              className={`signpost-cell-bar__fill${value! < 0 ? ' signpost-cell-bar__fill--negative' : ''}`}
                              style={{ left: `${bar.left}%`, width: `${Math.max(bar.width, 1)}%` }}
                            />
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="nhsuk-body-s signpost-pcn-table__count" aria-live="polite">
        Showing {formatCount(visible.length)} of {formatCount(rows.length)} {rows.length === 1 ? 'PCN' : 'PCNs'}
      </p>
      {remaining > 0 && (
        <div className="nhsuk-button-group">
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => setShown((n) => n + PAGE_SIZE)}
          >
            Show {formatCount(Math.min(PAGE_SIZE, remaining))} more
          </button>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => setShown(rows.length)}
          >
            Show all {formatCount(rows.length)}
          </button>
        </div>
      )}
    </>
  );
}
