/** Front door of the areas feature (reference data import and the areas API): geography, need indicators, workforce and postcodes. */
export {
  importReferenceData,
  referenceDatasetStates,
  expectedChecksums,
  DERIVATION_VERSION,
  type DatasetState,
} from './importer';
export type { ImportOptions, ImportProgress, StepResult } from './importer';
export { ImportRejectedError, type RowProblem } from './parse';
export { loadProgressTracker, STEP_WEIGHTS, type LoadProgress } from './progress';
export { STEPS, type StepName, DEFAULT_DATA_ROOT } from './datasets';
export { areasRouter } from './routes';
export { geocode, locatePostcode, type GeocodeResult } from './domain';
export { needComponents } from './presenter';
