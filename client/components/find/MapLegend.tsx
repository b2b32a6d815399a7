/** The key of the services map: each capacity marker (letter, shape and colour), the unconfirmed outline, clusters. */
import { MARKER_KINDS, MARKER_STYLES } from '../../find/markers';

/** Legend of the services map. */
export function MapLegend() {
  return (
    <div className="signpost-find-legend">
      <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">Map key</h3>
      <ul className="nhsuk-list signpost-find-legend__list">
        {MARKER_KINDS.map((kind) => {
          const style = MARKER_STYLES[kind];
          return (
            <li key={kind}>
              <span className={`signpost-marker signpost-marker--legend ${style.className}`} aria-hidden="true">
                <span className="signpost-marker__letter">{style.letter}</span>
              </span>
              {style.label}
            </li>
          );
        })}
        <li>
          <span
            className="signpost-marker signpost-marker--legend signpost-marker--accepting signpost-marker--unconfirmed"
            aria-hidden="true"
          >
            <span className="signpost-marker__letter">A</span>
          </span>
          Dashed outline: capacity not confirmed recently
        </li>
        <li>
          <span className="signpost-cluster signpost-cluster--legend" aria-hidden="true">
            <span className="signpost-marker__letter">12</span>
          </span>
          Number of services in an area: zoom in to see them
        </li>
        <li>
          <span className="signpost-marker signpost-marker--legend signpost-marker--centre" aria-hidden="true">
            <span className="signpost-marker__letter">+</span>
          </span>
          The postcode you searched
        </li>
      </ul>
    </div>
  );
}
