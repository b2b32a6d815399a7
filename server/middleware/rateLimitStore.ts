/** express-rate-limit Store backed by the rate_limit_counters table, so every app instance on one database shares each limit. */
import { sql } from 'drizzle-orm';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { query, type Db } from '../db';
import { unavailable } from '../errors';
import type { Logger } from '../logger';

/** Most expired rows one clean-up deletes, so a clean-up never turns into a long lock-holding statement. */
export const CLEANUP_BATCH = 1000;
/** How often one store deletes expired rows: at most once a minute, on its next increment. */
export const CLEANUP_EVERY_MS = 60_000;

/** What a store does when the database fails: let the request through (fail open) or refuse it with 503 (fail closed). */
export type OnStoreError = 'allow' | 'refuse';

/** Options of one database store. */
export interface DbStoreOptions {
  /** Namespace of this limiter's keys in the shared table, e.g. `api:`; two limiters must never share one. */
  prefix: string;
  /** Length of the fixed window; express-rate-limit's windowMs overrides it in init(). */
  windowMs: number;
  /** What refusing looks like to the client when the database fails (only used with `refuse`). */
  unavailableMessage?: string;
  /** `refuse` turns database errors into a 503 AppError; `allow` rethrows them for passOnStoreError. */
  onError: OnStoreError;
  /** Where clean-up failures are logged. */
  logger?: Logger;
}

interface CounterRow {
  hits: number;
  reset_at: Date | string;
}

/**
 * Fixed-window counters in one table, one row per key. A key's window starts at its first hit and lasts windowMs
 * (as express-rate-limit's own MemoryStore), measured on the database clock so instances with skewed clocks agree.
 * Each increment is a single insert … on conflict do update … returning: atomic on both engines and across processes.
 */
export class DbRateLimitStore implements Store {
  /** Counts live in the database, shared by every instance (tells express-rate-limit's double-count check). */
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs: number;
  private lastCleanup = 0;

  constructor(
    private readonly db: Db,
    private readonly options: DbStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.windowMs = options.windowMs;
  }

  /** Takes the limiter's window length. */
  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (this.options.onError === 'allow') throw err;
      this.options.logger?.error({ err, prefix: this.prefix }, 'rate-limit store failed: refusing the request');
      throw unavailable(this.options.unavailableMessage ?? 'This service is unavailable right now: try again shortly');
    }
  }

  /** Adds one hit to `key` (starting a new window if its last one has ended); returns the count and when it resets. */
  async increment(key: string): Promise<IncrementResponse> {
    const interval = `${this.windowMs} milliseconds`;
    const [row] = await this.guard(() =>
      query<CounterRow>(
        this.db,
        sql`insert into rate_limit_counters as c (key, reset_at, hits)
            values (${this.prefix + key}, now() + ${interval}::interval, 1)
            on conflict (key) do update set
              hits = case when c.reset_at <= now() then 1 else c.hits + 1 end,
              reset_at = case when c.reset_at <= now() then excluded.reset_at else c.reset_at end
            returning hits, reset_at`,
      ),
    );
    await this.cleanupIfDue();
    return { totalHits: Number(row!.hits), resetTime: new Date(row!.reset_at) };
  }

  /** Takes one hit back (express-rate-limit calls it for requests that should not count). */
  async decrement(key: string): Promise<void> {
    await this.guard(() =>
      query(
        this.db,
        sql`update rate_limit_counters set hits = greatest(hits - 1, 0)
            where key = ${this.prefix + key} and reset_at > now()`,
      ),
    );
  }

  /** Forgets `key`. */
  async resetKey(key: string): Promise<void> {
    await this.guard(() => query(this.db, sql`delete from rate_limit_counters where key = ${this.prefix + key}`));
  }

  /** The current window's count of `key`, or undefined when it has none. */
  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.guard(() =>
      query<CounterRow>(
        this.db,
        sql`select hits, reset_at from rate_limit_counters where key = ${this.prefix + key} and reset_at > now()`,
      ),
    );
    return row ? { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) } : undefined;
  }

  private async cleanupIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    try {
      await deleteExpiredCounters(this.db);
    } catch (err) {
      // Clean-up is housekeeping: a failure must not refuse or fail the request that happened to trigger it.
      this.options.logger?.warn({ err }, 'rate-limit counter clean-up failed');
    }
  }
}

/** Deletes up to `limit` counters whose window has ended (any limiter); returns how many it deleted. */
export async function deleteExpiredCounters(db: Db, limit = CLEANUP_BATCH): Promise<number> {
  const rows = await query<{ key: string }>(
    db,
    sql`delete from rate_limit_counters
        where key in (select key from rate_limit_counters where reset_at < now() limit ${limit})
        returning key`,
  );
  return rows.length;
}
