/** When and where the LSOA detail layer can load: the bounding box of areas, viewport clipping and the API's size limit. Pure. */
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { Bbox } from '../api/areas';

/** Bounding box of every coordinate in a FeatureCollection, or null when it has none. */
export function bboxOfFeatures(collection: FeatureCollection<Geometry, unknown>): Bbox | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (coordinates: unknown): void => {
    if (!Array.isArray(coordinates)) return;
    if (typeof coordinates[0] === 'number') {
      const [lng, lat] = coordinates as Position;
      if (lng! < west) west = lng!;
      if (lng! > east) east = lng!;
      if (lat! < south) south = lat!;
      if (lat! > north) north = lat!;
      return;
    }
    for (const child of coordinates) visit(child);
  };
  for (const feature of collection.features) {
    if (feature.geometry && 'coordinates' in feature.geometry) visit(feature.geometry.coordinates);
  }
  return Number.isFinite(west) ? { west, south, east, north } : null;
}

/** The overlap of two boxes, or null when they do not overlap. */
export function intersectBbox(a: Bbox, b: Bbox): Bbox | null {
  const box = {
    west: Math.max(a.west, b.west),
    south: Math.max(a.south, b.south),
    east: Math.min(a.east, b.east),
    north: Math.min(a.north, b.north),
  };
  return box.west < box.east && box.south < box.north ? box : null;
}

/** Grows a box outwards to multiples of `step` degrees (default 0.01°, about 1 km), so small pans reuse one request. */
export function roundBboxOutwards(box: Bbox, step = 0.01): Bbox {
  const down = (v: number) => Math.floor(v / step) * step;
  const up = (v: number) => Math.ceil(v / step) * step;
  return { west: down(box.west), south: down(box.south), east: up(box.east), north: up(box.north) };
}

/**
 * The API's largest LSOA box, in degrees: MAX_LSOA_BBOX of shared/schemas/areas.ts. Copied, not imported, because that
 * module brings zod (about 25 kB gzipped) into the page; tests/unit/client/need/lsoaDetail.test.ts keeps them equal.
 */
export const LSOA_BBOX_LIMIT = { width: 1.0, height: 0.6 } as const;

// A hair under the API's limit, so rounding the box to 4 decimals in the URL can never tip it over.
const MARGIN = 0.001;

/** Whether the API serves LSOAs for this box (at most LSOA_BBOX_LIMIT wide and tall). */
export function isLsoaBboxAllowed(box: Bbox): boolean {
  return (
    box.east - box.west <= LSOA_BBOX_LIMIT.width - MARGIN && box.north - box.south <= LSOA_BBOX_LIMIT.height - MARGIN
  );
}

/** The box to request LSOAs for: the viewport clipped to the chosen areas and rounded outwards; null when nothing is in view. */
export function lsoaRequestBbox(viewport: Bbox, areas: Bbox | null): Bbox | null {
  const clipped = areas ? intersectBbox(viewport, areas) : viewport;
  if (!clipped) return null;
  const rounded = roundBboxOutwards(clipped);
  // Rounding must not push a box that fits over the limit.
  return isLsoaBboxAllowed(rounded) || !isLsoaBboxAllowed(clipped) ? rounded : clipped;
}
