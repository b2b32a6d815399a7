/**
 * Front door of the imports feature: bulk spreadsheet import of organisations and services (CLI `npm run import --
 * services`, admin API) and the import jobs, spreadsheet and ORUK (the ORUK feed mapping itself is in the oruk feature).
 */
export {
  importServicesCsv,
  importSpreadsheet,
  previewSpreadsheet,
  freeOf,
  referralMethodOf,
  type ImportSpreadsheetArgs,
  type PreviewRow,
  type ImportReport,
  type ImportProblem,
  type ImportActor,
  type ImportProgress,
  type ImportServicesArgs,
} from './domain';
export { IMPORT_FIELDS, parseMapOption, type ColumnMapping, type ImportField } from './fields';
export {
  PRESETS,
  PRESET_NAMES,
  isPresetName,
  resolveMapping,
  classifyByKeywords,
  CHARITY_KEYWORDS,
  type PresetName,
  type Preset,
  type ImportDefaults,
} from './presets';
export {
  importsRouter,
  IMPORT_BODY_LIMIT,
  ORUK_IMPORT_BODY_LIMIT,
  ORUK_IMPORT_PATH,
  SPREADSHEET_TYPES,
} from './routes';
export { parseOpeningHours, namesDayOrTime, openingHoursRate, type ParsedSchedule } from './openingHours';
export { readSpreadsheet, spreadsheetKind, XLSX_TYPE, type Spreadsheet } from './spreadsheet';
export {
  suggestMapping,
  listMappings,
  getMapping,
  FIELD_SYNONYMS,
  MappingBody,
  TaxonomyDefaultBody,
  type SavedMapping,
} from './mappings';
export {
  importJobHandlers,
  mappingOf,
  orukDocumentOf,
  csvPercent,
  orukPercent,
  SERVICES_CSV_JOB,
  ORUK_FILE_JOB,
  ORUK_URL_JOB,
  type ServicesCsvJobOptions,
  type OrukFileJobOptions,
} from './jobs';
