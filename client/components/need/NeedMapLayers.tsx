/**
 * Optional layers of the need map (URL `?services=1`, `?atrisk=1`): VCSE services in view coloured by capacity and
 * marked by letter and shape (from GET /api/services/map: clusters when there are many), and provision at risk
 * (GET /api/gaps/at-risk: services whose funding ends within six months). The hook returns the points for the map
 * and the controls with the key for the sidebar.
 */
import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { MapResponseDto } from '@shared/schemas/search';
import { gapAtRiskPath } from '../../api/gaps';
import { CheckboxItem } from '../CheckboxItem';
import { MARKER_KINDS, MARKER_STYLES } from '../../find/markers';
import { useApiResource } from '../../hooks/useApiResource';
import type { MapViewport, NeedMapPoint } from '../../map/ChoroplethMap';
import { formatCount } from '../../need/format';
import type { AtRiskResponse } from '@shared/gapsEquity';
import { useUrlBackedState } from '../../hooks/useUrlBackedState';

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** Path of GET /api/services/map for a viewport (clamped to the world), or null when it is empty. */
export function servicesMapPath(v: MapViewport): string | null {
  const west = round4(Math.max(-180, v.west));
  const east = round4(Math.min(180, v.east));
  const south = round4(Math.max(-90, v.south));
  const north = round4(Math.min(90, v.north));
  if (!(west < east && south < north)) return null;
  const zoom = Math.max(0, Math.min(22, Math.round(v.zoom)));
  return `/api/services/map?bbox=${[west, south, east, north].join(',')}&zoom=${zoom}`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** The need map's optional layers: points for the map and the controls (with key) for the sidebar. */
export function useNeedMapLayers(
  icbCode: string | null,
  viewport: MapViewport | null,
): { points: NeedMapPoint[]; controls: ReactNode } {
  const [params, setParams] = useSearchParams();
  // The boxes follow a click at once (see useUrlBackedState); the layers load from the same values.
  const [showServices, setShowServices] = useUrlBackedState(params.get('services') === '1');
  const [showAtRisk, setShowAtRisk] = useUrlBackedState(params.get('atrisk') === '1');
  const services = useApiResource<MapResponseDto>(showServices && viewport ? servicesMapPath(viewport) : null, {
    cache: false,
  });
  const atRisk = useApiResource<AtRiskResponse>(showAtRisk ? gapAtRiskPath(icbCode) : null);

  const toggle = (key: 'services' | 'atrisk', on: boolean) => {
    (key === 'services' ? setShowServices : setShowAtRisk)(on);
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (on) next.set(key, '1');
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  const servicesData = showServices && services.status === 'ready' ? services.data : null;
  const atRiskData = showAtRisk && atRisk.status === 'ready' ? atRisk.data : null;
  const points = useMemo(() => {
    const out: NeedMapPoint[] = [];
    for (const f of servicesData?.features ?? []) {
      if (f.kind === 'cluster') out.push(f);
      else
        out.push({
          kind: 'service',
          lat: f.lat,
          lng: f.lng,
          serviceId: f.serviceId,
          name: f.name,
          status: f.status,
          freshness: f.freshness,
        });
    }
    for (const p of atRiskData?.points ?? []) {
      out.push({
        kind: 'at_risk',
        lat: p.lat,
        lng: p.lng,
        serviceId: p.serviceId,
        name: `${p.name} (${p.organizationName})`,
        label: `funding ends ${dateFormat.format(new Date(`${p.fundingEndsOn}T00:00:00Z`))}`,
      });
    }
    return out;
  }, [servicesData, atRiskData]);

  const atRiskServices = new Set(atRiskData?.points.map((p) => p.serviceId)).size;
  const controls = (
    <div className="signpost-need-layers" data-testid="need-layers">
      <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
        <CheckboxItem
          id="need-layer-services"
          label="Show VCSE services"
          checked={showServices}
          onChange={(e) => toggle('services', e.currentTarget.checked)}
        />
        <CheckboxItem
          id="need-layer-at-risk"
          label="Show provision at risk (funding ends within 6 months)"
          checked={showAtRisk}
          onChange={(e) => toggle('atrisk', e.currentTarget.checked)}
        />
      </div>
      <p className="nhsuk-body-s" role="status">
        {showServices && services.status === 'loading' && 'Loading services in view… '}
        {showServices && services.status === 'error' && `Services could not be loaded: ${services.error.detail} `}
        {servicesData &&
          (servicesData.mode === 'clusters'
            ? `${formatCount(servicesData.total)} services in view, grouped: zoom in to see each. `
            : `${formatCount(servicesData.total)} services in view. `)}
        {showAtRisk && atRisk.status === 'loading' && 'Loading provision at risk… '}
        {showAtRisk && atRisk.status === 'error' && `Provision at risk could not be loaded: ${atRisk.error.detail}`}
        {atRiskData &&
          `${formatCount(atRiskServices)} ${atRiskServices === 1 ? 'service' : 'services'} with funding ending by ${dateFormat.format(new Date(`${atRiskData.meta.until}T00:00:00Z`))}.`}
      </p>
      {(showServices || showAtRisk) && (
        <ul className="signpost-need-layers-key" aria-label="Key to the service markers" data-testid="need-layers-key">
          {showServices &&
            MARKER_KINDS.map((kind) => {
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
          {showServices && (
            <li>
              <span className="signpost-cluster signpost-cluster--legend" aria-hidden="true">
                <span className="signpost-marker__letter">12</span>
              </span>
              Number of services in an area
            </li>
          )}
          {showAtRisk && (
            <li>
              <span className="signpost-marker signpost-marker--legend signpost-marker--at-risk" aria-hidden="true">
                <span className="signpost-marker__letter">£</span>
              </span>
              Provision at risk: funding ends within 6 months
            </li>
          )}
        </ul>
      )}
    </div>
  );
  return { points, controls };
}
