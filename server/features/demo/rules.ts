/** When the demo may load at start and when one-click demo sign-in is offered. */
import type { Config } from '../../config';

/**
 * Whether start-up loads the demo into an empty database: never with NODE_ENV=production; on the embedded database
 * unless DEMO=off; on a DATABASE_URL database only with DEMO=on. (The caller also checks that the database is empty
 * and that no demo was loaded before, so a cleared demo does not come back.)
 */
export function demoAtStart(config: Pick<Config, 'nodeEnv' | 'demo' | 'databaseUrl'>): boolean {
  if (config.nodeEnv === 'production' || config.demo === 'off') return false;
  return config.databaseUrl ? config.demo === 'on' : true;
}

/** Whether one-click demo sign-in may be offered (also needs demo accounts in the database): never in production. */
export function demoOneClickAllowed(config: Pick<Config, 'nodeEnv' | 'demo'>): boolean {
  return config.nodeEnv !== 'production' && config.demo !== 'off';
}
