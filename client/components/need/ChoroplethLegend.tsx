/** The map key, in HTML beside the map: each class's rank, colour and value range, plus "no data", with counts. */
import type { LegendClass } from '@shared/choropleth';
import { formatCount } from '../../need/format';

/** Props of ChoroplethLegend. */
export interface ChoroplethLegendProps {
  /** What the colours show, e.g. "Need index". */
  title: string;
  /** How the classes were made, e.g. "Fifths of the 65 PCNs in NHS Greater Manchester ICB". */
  subtitle: string;
  /** The classes, lowest first. */
  classes: LegendClass[];
  /** How many areas fall in each class (same order as `classes`). */
  counts: number[];
  /** How many areas have no value. */
  noDataCount: number;
  /** Fill of areas with no value (same as the map's). */
  noDataColor: string;
  /** Formats a class bound, e.g. 12.3 or 45%. */
  format: (value: number) => string;
  /** Singular and plural noun of an area, e.g. ["PCN", "PCNs"]. */
  areaNoun: [string, string];
}

/** Text colour that stays readable on a swatch: white on the darker half of the palette. */
const rankTextColour = (index: number, total: number) => (index >= Math.ceil(total / 2) ? '#ffffff' : '#212b32');

/** The legend; ranks and ranges are text, so the map never relies on colour alone. */
export function ChoroplethLegend({
  title,
  subtitle,
  classes,
  counts,
  noDataCount,
  noDataColor,
  format,
  areaNoun,
}: ChoroplethLegendProps) {
  const noun = (n: number) => `${formatCount(n)} ${n === 1 ? areaNoun[0] : areaNoun[1]}`;
  return (
    <div className="signpost-legend">
      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1 signpost-legend__title">Key: {title}</h3>
      <p className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-2">{subtitle}</p>
      {classes.length === 0 ? (
        <p className="nhsuk-body-s">No area has a value for this figure.</p>
      ) : (
        <ol className="signpost-legend__classes" reversed>
          {[...classes].reverse().map((c) => {
            const index = c.rank - 1;
            const rankLabel = c.rank === classes.length ? 'highest' : c.rank === 1 ? 'lowest' : undefined;
            return (
              <li key={c.rank} className="signpost-legend__class">
                <span
                  className="signpost-legend__swatch"
                  style={{ backgroundColor: c.color, color: rankTextColour(index, classes.length) }}
                  aria-hidden="true"
                >
                  {c.rank}
                </span>
                <span className="nhsuk-u-visually-hidden">
                  Class {c.rank} of {classes.length}
                  {rankLabel ? ` (${rankLabel})` : ''}:{' '}
                </span>
                <span className="signpost-legend__label">
                  <span className="signpost-legend__range">
                    {format(c.from)} to {format(c.to)}
                  </span>
                  {rankLabel && (
                    <span className="signpost-legend__rank-label" aria-hidden="true">
                      {rankLabel}
                    </span>
                  )}
                </span>
                <span className="signpost-legend__count">
                  <span className="nhsuk-u-visually-hidden">, </span>
                  {noun(counts[index] ?? 0)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <p className="signpost-legend__class signpost-legend__class--no-data">
        <span
          className="signpost-legend__swatch signpost-legend__swatch--no-data"
          style={{ backgroundColor: noDataColor }}
          aria-hidden="true"
        />
        <span className="signpost-legend__label">
          <span className="signpost-legend__range">No data</span>
        </span>
        <span className="signpost-legend__count">
          <span className="nhsuk-u-visually-hidden">, </span>
          {noun(noDataCount)}
        </span>
      </p>
    </div>
  );
}
