/**
 * Front door of demand signals: referrals ("I referred someone here"), unmet need ("nothing suitable found"),
 * referral pressure, "tell me when it reopens" and the commissioners' summary. Never patient-identifiable.
 */
export { demandRouter } from './routes';
export {
  referralPressure,
  referralPressureSql,
  demandCountsByPcn,
  unmetNeedReasonsForPcn,
  markServiceReopened,
  deliverReopenEmails,
  PRESSURE_WINDOW_DAYS,
  PRESSURE_FULL_THRESHOLD,
  DUPLICATE_WINDOW_MS,
} from './domain';
