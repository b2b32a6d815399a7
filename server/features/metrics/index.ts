/** Front door of the metrics feature: Prometheus metrics of HTTP, the database, imports and the Node.js process at GET /metrics. */
export { createMetrics, routeLabel, UNMATCHED_ROUTE, type AppMetrics } from './registry';
export { metricsRouter } from './routes';
