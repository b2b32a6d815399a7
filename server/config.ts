/** The only reader of the environment: validates it once with zod and exits with a readable list on a bad value. */
import { z } from 'zod';
import { DEFAULT_CAPACITY_STALE_DAYS } from '../shared/capacity';

const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_TILE_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

const port = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const perMinute = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of requests per minute (0 turns the limit off)')
  .transform(Number);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z
      .string()
      .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
      .default('3000')
      .transform(Number)
      .pipe(port),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    METRICS_TOKEN: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    TILE_URL: z
      .string()
      .regex(/^https?:\/\/.+\{z\}.+\{x\}.+\{y\}/, 'must be an http(s) URL template containing {z}, {x} and {y}')
      .default(DEFAULT_TILE_URL),
    TILE_ATTRIBUTION: z.string().default(DEFAULT_TILE_ATTRIBUTION),
    PUBLIC_BASE_URL: z.url({ error: 'must be an absolute URL' }).optional(),
    REFERENCE_DATA: z.enum(['auto', 'skip']).default('auto'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/\s]+/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.org:587')
      .optional(),
    EMAIL_FROM: z.string().min(3).default('Signpost <no-reply@signpost.invalid>'),
    RATE_LIMIT_API_PER_MINUTE: perMinute.optional(),
    RATE_LIMIT_AUTH_PER_MINUTE: perMinute.default(10),
    CAPACITY_STALE_DAYS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days between 1 and 365')
      .default(String(DEFAULT_CAPACITY_STALE_DAYS))
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be between 1 and 365').max(365, 'must be between 1 and 365')),
    NUDGES: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
    NUDGE_LEAD_DAYS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days between 0 and 365')
      .default('3')
      .transform(Number)
      .pipe(z.number().int().max(365, 'must be between 0 and 365')),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
  });

/** Validated configuration of one Signpost process. */
export interface Config {
  /** development | production | test. */
  nodeEnv: 'development' | 'production' | 'test';
  /** TCP port to listen on; 0 picks a free one. Default 3000. */
  port: number;
  /** Interface to bind. Default 0.0.0.0. */
  host: string;
  /** PostgreSQL server URL; absent means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  /** Folder for the embedded database and its lock. Default ./.data. */
  dataDir: string;
  /** pino log level. Default info. */
  logLevel: string;
  /** Secret for signing tokens; a random one per process outside production. */
  sessionSecret: string;
  /** Map tile URL template ({z}/{x}/{y}). Default OpenStreetMap standard tiles. */
  tileUrl: string;
  /** HTML attribution shown on the map for the tiles. */
  tileAttribution: string;
  /** Public origin used in links sent by email, e.g. https://signpost.example.org. Default http://localhost:PORT. */
  publicBaseUrl: string;
  /** Whether to load reference data into an empty database at start-up. Default auto. */
  referenceData: 'auto' | 'skip';
  /** SMTP server URL (smtp:// or smtps://, credentials in the URL); absent means email is only recorded, not sent. */
  smtpUrl: string | undefined;
  /** From address of outgoing email. Default "Signpost <no-reply@signpost.invalid>". */
  emailFrom: string;
  /** Requests per minute per IP address across /api; 0 disables. Default 600 (0 when NODE_ENV=test). */
  rateLimitApiPerMinute: number;
  /** Sign-in, password-reset and invite-acceptance attempts per minute per IP address; 0 disables. Default 10. */
  rateLimitAuthPerMinute: number;
  /** Days after which capacity nobody has re-confirmed shows as unconfirmed. Default 14. */
  capacityStaleDays: number;
  /** Whether the server process emails capacity nudges once a day (`npm run nudges:send` works either way). Default off. */
  nudges: 'on' | 'off';
  /** Nudge a service's contact this many days before its capacity goes stale (CAPACITY_STALE_DAYS). Default 3. */
  nudgeLeadDays: number;
  /** Bearer token a Prometheus scraper sends to GET /metrics; absent means only signed-in admins may read it. */
  metricsToken: string | undefined;
}

/** Error raised when the environment is invalid; `problems` lists "VARIABLE: reason" lines. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into a Config, throwing ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset so `PORT= npm start` means the default, as shells intend.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    sessionSecret: e.SESSION_SECRET ?? randomSecret(),
    tileUrl: e.TILE_URL,
    tileAttribution: e.TILE_ATTRIBUTION,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    referenceData: e.REFERENCE_DATA,
    capacityStaleDays: e.CAPACITY_STALE_DAYS,
    nudges: e.NUDGES,
    nudgeLeadDays: e.NUDGE_LEAD_DAYS,
    metricsToken: e.METRICS_TOKEN,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    // Test files make many requests from one address; they set the limit explicitly when testing it.
    rateLimitApiPerMinute: e.RATE_LIMIT_API_PER_MINUTE ?? (e.NODE_ENV === 'test' ? 0 : 600),
    rateLimitAuthPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
  };
}

function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}
