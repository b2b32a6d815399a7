/**
 * Front door of the ORUK feature: Open Referral UK both ways. Out: the ORUK 3.0 API and directory exports (ORUK JSON,
 * CSV, GeoJSON; presenter.ts maps the directory to ORUK). In: the feed import (feedImport.ts; feedMap.ts maps ORUK 3.0
 * and 1.0 records to the directory, places.ts keeps England only), written through the directory's writeImportBatch.
 */
export { orukRouter, ORUK_STANDARD_DIR } from './routes';
export { orukJsonChunks, csvChunks, geoJsonChunks, CSV_COLUMNS, EXPORT_BATCH, type ExportOptions } from './exports';
export { derivedId, PLACE_UNIT } from './presenter';
export {
  importOrukFeed,
  importOrukServices,
  feedSourceKey,
  loadCrosswalk,
  readOrukSource,
  servicesOfDocument,
  OrukSourceError,
  type OrukImportArgs,
  type OrukImportReport,
  type OrukProblem,
} from './feedImport';
export type { Crosswalk } from './feedMap';
export { distanceKm, placeOfPostcode, placeOutsideEngland } from './places';
