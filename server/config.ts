/** The only reader of the environment: validates it once with zod and exits with a readable list on a bad value. */
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { DEFAULT_CAPACITY_STALE_DAYS } from '../shared/capacity';
import { invalidAllowEntry } from './net/safeFetch';

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

/** Named address ranges Express (proxy-addr) understands in the trust proxy setting. */
export const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** Which proxies Express trusts for X-Forwarded-For: none (false), the nearest n hops, or these addresses and ranges. */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_PROBLEM =
  'must be false, a whole number of proxy hops, or a comma-separated list of IP addresses, CIDR ranges ' +
  `and the names ${TRUST_PROXY_NAMES.join(', ')}`;

/** Parses TRUST_PROXY; undefined when the value is not valid. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
  const entries = v.split(',').map((e) => e.trim());
  // Strict forms only: ipaddr.js alone would also accept shorthand IPv4 such as "10.1".
  const valid = entries.every(
    (e) =>
      (TRUST_PROXY_NAMES as readonly string[]).includes(e) ||
      ipaddr.IPv4.isValidFourPartDecimal(e) ||
      ipaddr.IPv6.isValid(e) ||
      ipaddr.IPv4.isValidCIDRFourPartDecimal(e) ||
      ipaddr.IPv6.isValidCIDR(e),
  );
  return valid && entries.length > 0 ? entries : undefined;
}

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z
      .string()
      .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
      .default('3000')
      .transform(Number)
      .pipe(port),
    HOST: z.string().min(1).optional(),
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
    REFERENCE_DATA_DIR: z.string().min(1).optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/\s]+/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.org:587')
      .optional(),
    EMAIL_FROM: z.string().min(3).default('Signpost <no-reply@signpost.invalid>'),
    RATE_LIMIT_API_PER_MINUTE: perMinute.optional(),
    RATE_LIMIT_AUTH_PER_MINUTE: perMinute.default(10),
    TRUST_PROXY: z
      .string()
      .default('false')
      .refine((v) => parseTrustProxy(v) !== undefined, TRUST_PROXY_PROBLEM)
      .transform((v) => parseTrustProxy(v)!),
    MISSING_HIDE_DAYS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days between 0 and 3650')
      .default('30')
      .transform(Number)
      .pipe(z.number().int().min(0, 'must be between 0 and 3650').max(3650, 'must be between 0 and 3650')),
    CAPACITY_STALE_DAYS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days between 1 and 365')
      .default(String(DEFAULT_CAPACITY_STALE_DAYS))
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be between 1 and 365').max(365, 'must be between 1 and 365')),
    NUDGES: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
    DEV_OUTBOX: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
    DEMO: z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto'),
    NUDGE_LEAD_DAYS: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days between 0 and 365')
      .default('3')
      .transform(Number)
      .pipe(z.number().int().max(365, 'must be between 0 and 365')),
    OUTBOUND_ALLOW: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      )
      .superRefine((entries, ctx) => {
        for (const entry of entries) {
          const problem = invalidAllowEntry(entry);
          if (problem)
            ctx.addIssue({ code: 'custom', message: `${problem} (expected hostnames and/or CIDRs, comma-separated)` });
        }
      }),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && env.DEV_OUTBOX === 'on') {
      ctx.addIssue({ code: 'custom', path: ['DEV_OUTBOX'], message: 'must be off when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && env.DEMO === 'on') {
      ctx.addIssue({ code: 'custom', path: ['DEMO'], message: 'must not be on when NODE_ENV=production' });
    }
  });

/** Validated configuration of one Signpost process. */
export interface Config {
  /** development | production | test. */
  nodeEnv: 'development' | 'production' | 'test';
  /** TCP port to listen on; 0 picks a free one. Default 3000. */
  port: number;
  /** Interface to bind. Default 0.0.0.0 when NODE_ENV=production, else 127.0.0.1 (this machine only). */
  host: string;
  /** Whether HOST was set explicitly (outside production the server then warns that it is reachable from the network). */
  hostExplicit: boolean;
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
  /** Whether start-up loads whatever reference data is missing, partial or out of date. Default auto. */
  referenceData: 'auto' | 'skip';
  /** Folder of the reference data files (layout of server/features/areas/datasets.ts). Default the bundled data/reference. */
  referenceDataDir: string | undefined;
  /** SMTP server URL (smtp:// or smtps://, credentials in the URL); absent means email is only recorded, not sent. */
  smtpUrl: string | undefined;
  /** From address of outgoing email. Default "Signpost <no-reply@signpost.invalid>". */
  emailFrom: string;
  /** Requests per minute per IP address across /api; 0 disables. Default 600 (0 when NODE_ENV=test). */
  rateLimitApiPerMinute: number;
  /** Failed sign-ins, and password-reset, password-change and invite-acceptance requests, per minute per IP address; 0 disables. Default 10. */
  rateLimitAuthPerMinute: number;
  /**
   * Proxies trusted to say who the client is (X-Forwarded-For), which decides req.ip and so every per-address limit:
   * false (default: the TCP peer is the client), the nearest n hops, or a list of addresses, CIDRs and named ranges.
   */
  trustProxy: TrustProxy;
  /** Days after which capacity nobody has re-confirmed shows as unconfirmed. Default 14. */
  capacityStaleDays: number;
  /** Days after which an imported service its feed no longer carries is hidden from search. Default 30. */
  missingHideDays: number;
  /** Whether the server process emails capacity nudges once a day (`npm run nudges:send` works either way). Default off. */
  nudges: 'on' | 'off';
  /**
   * The demo (a Trafford / Greater Manchester directory, accounts and activity): auto (default) loads it at the first
   * start of an empty embedded database; on also on a DATABASE_URL database; off never. Never with NODE_ENV=production,
   * where one-click demo sign-in is also never offered.
   */
  demo: 'auto' | 'on' | 'off';
  /** Whether the development outbox (GET /api/dev/outbox, admins only) is mounted; never in production. Default off. */
  devOutbox: boolean;
  /** Nudge a service's contact this many days before its capacity goes stale (CAPACITY_STALE_DAYS). Default 3. */
  nudgeLeadDays: number;
  /**
   * Hostnames and CIDRs (OUTBOUND_ALLOW, comma-separated) that outbound fetches of user-supplied URLs (the ORUK
   * importer) may reach even though they are private, loopback or otherwise non-public, e.g. `127.0.0.1/32` or
   * `feeds.internal.example`. Default none: only public addresses.
   */
  outboundAllow: string[];
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
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    hostExplicit: e.HOST !== undefined,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    sessionSecret: e.SESSION_SECRET ?? randomSecret(),
    tileUrl: e.TILE_URL,
    tileAttribution: e.TILE_ATTRIBUTION,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    referenceData: e.REFERENCE_DATA,
    referenceDataDir: e.REFERENCE_DATA_DIR,
    capacityStaleDays: e.CAPACITY_STALE_DAYS,
    missingHideDays: e.MISSING_HIDE_DAYS,
    nudges: e.NUDGES,
    nudgeLeadDays: e.NUDGE_LEAD_DAYS,
    devOutbox: e.DEV_OUTBOX === 'on' && e.NODE_ENV !== 'production',
    demo: e.NODE_ENV === 'production' ? 'off' : e.DEMO,
    outboundAllow: e.OUTBOUND_ALLOW,
    metricsToken: e.METRICS_TOKEN,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    // Test files make many requests from one address; they set the limit explicitly when testing it.
    rateLimitApiPerMinute: e.RATE_LIMIT_API_PER_MINUTE ?? (e.NODE_ENV === 'test' ? 0 : 600),
    rateLimitAuthPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
  };
}

function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}
