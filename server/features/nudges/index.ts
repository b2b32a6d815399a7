/** Front door of the nudges feature: weekly emails with one-tap capacity links to each service's contact. */
export {
  sendCapacityNudges,
  scheduleCapacityNudges,
  NUDGE_INTERVAL_DAYS,
  NUDGE_RUN_EVERY_MS,
  type NudgeRunResult,
} from './domain';
