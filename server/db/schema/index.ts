/** Drizzle schema: every table of Signpost, one file per area. */
export * from './reference';
export * from './accounts';
export * from './directory';
export * from './demand';
export * from './gaps';
export * from './search';
export * from './rateLimits';
export * from './feeds';
export * from './demo';
export * from './jobs';
export * from './imports';
