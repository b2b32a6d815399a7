/** Front door of the gaps feature: need against link workers and VCSE supply per PCN, roll-ups, flags and suggestions. */
export { gapsRouter } from './routes';
export {
  analyse,
  listPcnGaps,
  listAreaGaps,
  writeGapReport,
  optionsFrom,
  GapCache,
  DEFAULT_REACH_KM,
  AT_RISK_MONTHS,
  type GapRow,
  type GapAnalysis,
  type GapOptions,
} from './domain';
export { linkWorkerSummary, summaryMarkdown, type LinkWorkerSummary } from './summary';
export { gapCsv, GAP_CSV_COLUMNS } from './presenter';
export {
  noDemandSignals,
  recordedDemandSignals,
  DEMAND_WINDOW_DAYS,
  type DemandSignalSource,
  type DemandSignals,
} from './demand';
