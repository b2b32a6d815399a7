/** Front door of the health feature. */
export { healthRouter } from './routes';
