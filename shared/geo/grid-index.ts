import { EARTH_RADIUS_KM, haversineKm } from './distance';

/** A WGS84 location in decimal degrees. */
export interface GeoPoint {
  /** Latitude, decimal degrees (WGS84). */
  lat: number;
  /** Longitude, decimal degrees (WGS84). */
  lng: number;
}

/** One result of a nearest-neighbour query: the item and how far it is from the query point. */
export interface Neighbour<T> {
  /** The indexed item. */
  item: T;
  /** Great-circle distance from the query point, kilometres. */
  distanceKm: number;
}

const KM_PER_DEGREE = (2 * Math.PI * EARTH_RADIUS_KM) / 360;
// Row/column pairs are packed into one number; columns stay far below this in any real use.
const COLUMN_SPAN = 1_000_000;
// The ring-distance lower bound below uses a flat-earth cell width; this margin keeps it a true
// lower bound over the few tens of kilometres a query ever searches.
const LOWER_BOUND_SAFETY = 0.95;

/**
 * A uniform latitude/longitude grid of points answering k-nearest queries by searching square
 * rings of cells outwards from the query until no closer point can remain. Longitudes do not wrap
 * at ±180°, which is fine for England.
 */
export class GridIndex<T extends GeoPoint> {
  private readonly cells = new Map<number, T[]>();
  private readonly latStep: number;
  private readonly lngStep: number;
  /** Largest |latitude| of any indexed point, degrees: where cells are narrowest. */
  private readonly maxAbsLat: number;
  private readonly minRow: number;
  private readonly maxRow: number;
  private readonly minCol: number;
  private readonly maxCol: number;

  /**
   * @param items points to index; ones with a non-finite lat or lng are skipped.
   * @param cellKm approximate cell side, km; 3 km keeps k-nearest fast for both urban and rural England.
   */
  constructor(items: readonly T[], cellKm = 3) {
    const located = items.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lng));
    // Loops rather than Math.min(...spread), which overflows the stack for millions of points.
    let minLat = Infinity;
    let maxLat = -Infinity;
    for (const p of located) {
      minLat = Math.min(minLat, p.lat);
      maxLat = Math.max(maxLat, p.lat);
    }
    const midLat = located.length ? (minLat + maxLat) / 2 : 0;
    this.maxAbsLat = located.length ? Math.max(Math.abs(minLat), Math.abs(maxLat)) : 0;
    this.latStep = cellKm / KM_PER_DEGREE;
    // Square cells at the middle latitude; cells further from the equator are a little narrower.
    this.lngStep = this.latStep / Math.max(0.1, cosDeg(midLat));

    let minRow = Infinity;
    let maxRow = -Infinity;
    let minCol = Infinity;
    let maxCol = -Infinity;
    for (const p of located) {
      const row = this.row(p.lat);
      const col = this.col(p.lng);
      minRow = Math.min(minRow, row);
      maxRow = Math.max(maxRow, row);
      minCol = Math.min(minCol, col);
      maxCol = Math.max(maxCol, col);
      const key = row * COLUMN_SPAN + col;
      const cell = this.cells.get(key);
      if (cell) cell.push(p);
      else this.cells.set(key, [p]);
    }
    this.minRow = minRow;
    this.maxRow = maxRow;
    this.minCol = minCol;
    this.maxCol = maxCol;
  }

  /**
   * The `k` points nearest to (`lat`, `lng`), nearest first; equal distances keep the order of
   * the input within a cell, so results are deterministic.
   */
  nearest(lat: number, lng: number, k: number): Neighbour<T>[] {
    if (k <= 0 || this.cells.size === 0) return [];
    const row0 = this.row(lat);
    const col0 = this.col(lng);
    // Beyond this ring every cell of the index has been visited.
    const lastRing = Math.max(
      Math.abs(row0 - this.minRow),
      Math.abs(row0 - this.maxRow),
      Math.abs(col0 - this.minCol),
      Math.abs(col0 - this.maxCol),
    );
    // The narrowest cell side between the query and any point, km: each ring adds at least this.
    const cellKm =
      LOWER_BOUND_SAFETY *
      KM_PER_DEGREE *
      Math.min(this.latStep, this.lngStep * cosDeg(Math.max(this.maxAbsLat, Math.abs(lat))));
    const found: Neighbour<T>[] = [];
    for (let ring = 0; ring <= lastRing; ring++) {
      this.visitRing(row0, col0, ring, (item) => {
        found.push({ item, distanceKm: haversineKm(lat, lng, item.lat, item.lng) });
      });
      // Every point in ring + 1 or further lies at least `ring` whole cells away.
      const reachKm = ring * cellKm;
      if (found.length >= k) {
        found.sort((a, b) => a.distanceKm - b.distanceKm);
        if ((found[k - 1] as Neighbour<T>).distanceKm <= reachKm) break;
      }
    }
    // Array.prototype.sort is stable, so equal distances keep insertion order.
    found.sort((a, b) => a.distanceKm - b.distanceKm);
    return found.slice(0, k);
  }

  private row(lat: number): number {
    return Math.floor(lat / this.latStep);
  }

  private col(lng: number): number {
    return Math.floor(lng / this.lngStep);
  }

  /** Calls `visit` for every point in the cells at Chebyshev distance exactly `ring` from a cell. */
  private visitRing(row0: number, col0: number, ring: number, visit: (item: T) => void): void {
    const visitCell = (row: number, col: number): void => {
      if (col < this.minCol || col > this.maxCol) return;
      const cell = this.cells.get(row * COLUMN_SPAN + col);
      if (cell) for (const item of cell) visit(item);
    };
    // Rows are clipped to the occupied band so that far-away queries stay cheap.
    const firstRow = Math.max(row0 - ring, this.minRow);
    const lastRow = Math.min(row0 + ring, this.maxRow);
    for (let row = firstRow; row <= lastRow; row++) {
      if (row === row0 - ring || row === row0 + ring) {
        const lastCol = Math.min(col0 + ring, this.maxCol);
        for (let col = Math.max(col0 - ring, this.minCol); col <= lastCol; col++) visitCell(row, col);
      } else {
        // Inner rows of the ring only have their two end cells.
        visitCell(row, col0 - ring);
        visitCell(row, col0 + ring);
      }
    }
  }
}

function cosDeg(degrees: number): number {
  return Math.cos((degrees * Math.PI) / 180);
}
