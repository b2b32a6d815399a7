/** Front door of the ORUK feature: the Open Referral UK 3.0 API, directory exports (ORUK JSON, CSV, GeoJSON). */
export { orukRouter, ORUK_STANDARD_DIR } from './routes';
export { orukJsonChunks, csvChunks, geoJsonChunks, CSV_COLUMNS, EXPORT_BATCH, type ExportOptions } from './exports';
export { derivedId, PLACE_UNIT } from './presenter';
