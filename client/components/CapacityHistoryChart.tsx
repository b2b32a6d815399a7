/** A small step chart of a service's capacity over time (inline SVG), with a summary and a table for screen readers. */
import { useId } from 'react';
import { CAPACITY_STATUSES, type CapacityStatus } from '@shared/capacity';
import type { CapacityHistoryEntry } from '../api/directory';
import { CAPACITY_SHORT_LABELS, capacitySummary, formatDateTime, formatShortDate } from '../capacity/format';
import { TableHead } from './TableHead';

/** Props of CapacityHistoryChart. */
export interface CapacityHistoryChartProps {
  /** History entries in any order (the API sends newest first). */
  entries: CapacityHistoryEntry[];
  /** Service name, for the caption. */
  serviceName: string;
  /** End of the time axis. Default now. */
  now?: Date;
}

const WIDTH = 560;
const HEIGHT = 150;
const LEFT = 104;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 26;
const rowOf = (status: CapacityStatus) => CAPACITY_STATUSES.indexOf(status);
const yOf = (status: CapacityStatus) =>
  TOP + ((HEIGHT - TOP - BOTTOM) * (rowOf(status) + 0.5)) / CAPACITY_STATUSES.length;

/** Step chart of status over time; the same data is in a visually-hidden summary and an expandable table. */
export function CapacityHistoryChart({ entries, serviceName, now = new Date() }: CapacityHistoryChartProps) {
  const summaryId = useId();
  const sorted = [...entries].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  if (sorted.length === 0) return <p className="nhsuk-body-s">No capacity has been recorded for this service yet.</p>;
  const start = new Date(sorted[0]!.recordedAt).getTime();
  const end = Math.max(now.getTime(), start + 86_400_000);
  const xOf = (t: number) => LEFT + ((WIDTH - LEFT - RIGHT) * (t - start)) / (end - start);
  let path = '';
  sorted.forEach((entry, i) => {
    const x = xOf(new Date(entry.recordedAt).getTime());
    const y = yOf(entry.status);
    path += i === 0 ? `M${x},${y}` : `H${x}V${y}`;
  });
  path += `H${xOf(end)}`;
  const changes = sorted.filter((e) => e.kind !== 'confirm').length;
  const latest = sorted[sorted.length - 1]!;
  const summary =
    `${changes} capacity change${changes === 1 ? '' : 's'} since ${formatDateTime(sorted[0]!.recordedAt)}; ` +
    `latest: ${capacitySummary(latest)} on ${formatDateTime(latest.recordedAt)}.`;
  return (
    <figure className="signpost-history">
      <figcaption className="nhsuk-body-s nhsuk-u-margin-bottom-2">Capacity of {serviceName} over time</figcaption>
      <svg
        className="signpost-history__chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={summaryId}
        focusable="false"
      >
        {CAPACITY_STATUSES.map((status) => (
          <g key={status}>
            <line className="signpost-history__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={yOf(status)} y2={yOf(status)} />
            <text className="signpost-history__label" x={LEFT - 8} y={yOf(status) + 4} textAnchor="end">
              {CAPACITY_SHORT_LABELS[status]}
            </text>
          </g>
        ))}
        <path className="signpost-history__line" d={path} fill="none" />
        {sorted.map((entry) => (
          <circle
            key={entry.id}
            className={`signpost-history__point${entry.kind === 'confirm' ? ' signpost-history__point--confirm' : ''}`}
            cx={xOf(new Date(entry.recordedAt).getTime())}
            cy={yOf(entry.status)}
            r={entry.kind === 'confirm' ? 3 : 4.5}
          />
        ))}
        <text className="signpost-history__label" x={LEFT} y={HEIGHT - 6}>
          {formatShortDate(sorted[0]!.recordedAt)}
        </text>
        <text className="signpost-history__label" x={WIDTH - RIGHT} y={HEIGHT - 6} textAnchor="end">
          Now
        </text>
      </svg>
      <p className="nhsuk-u-visually-hidden" id={summaryId}>
        {summary}
      </p>
      <details className="nhsuk-details nhsuk-u-margin-bottom-0">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Capacity history as a table</span>
        </summary>
        <div className="nhsuk-details__text">
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
              Capacity history of {serviceName}
            </caption>
            <TableHead columns={['When', 'Capacity', 'Change']} />
            <tbody className="nhsuk-table__body">
              {[...sorted].reverse().map((entry) => (
                <tr key={entry.id} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">{formatDateTime(entry.recordedAt)}</td>
                  <td className="nhsuk-table__cell">
                    {capacitySummary(entry)}
                    {entry.note ? ` – ${entry.note}` : ''}
                  </td>
                  <td className="nhsuk-table__cell">{entry.kind === 'confirm' ? 'Confirmed still accurate' : 'Set'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
