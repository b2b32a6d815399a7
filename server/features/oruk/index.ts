/** Front door of the ORUK feature: the Open Referral UK 3.0 API, directory exports (ORUK JSON, CSV, GeoJSON). */
export { orukRouter, ORUK_STANDARD_DIR } from './routes';
export { exportOrukJson, exportCsv, exportGeoJson, CSV_COLUMNS } from './exports';
export { derivedId, PLACE_UNIT } from './presenter';
