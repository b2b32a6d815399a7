/** Messages between the app and the embedded database's worker thread (see embedded.ts and embeddedWorker.ts). */

/** How the worker opens PGlite: the options that can cross a thread (extensions are the worker's own). */
export interface EmbeddedOpenOptions {
  /** Folder of the database; absent means in memory. */
  dataDir?: string;
  /** A gzipped data directory to start from (the tests' migrated template), as bytes. */
  loadDataDir?: ArrayBuffer;
  /** Extra PostgreSQL start parameters, appended to PGlite's defaults. */
  startParams?: string[];
}

/** Query options that can cross a thread: parsers become the list of type OIDs to leave as text. */
export interface WireQueryOptions {
  /** Rows as objects (default) or arrays. */
  rowMode?: 'object' | 'array';
  /** OIDs whose values are returned as PostgreSQL's text, unparsed (what drizzle's identity parsers ask for). */
  rawTypes?: number[];
  /** Input of `COPY … FROM '/dev/blob'`, as bytes. */
  blob?: ArrayBuffer;
}

/** A request to the worker; `tx` names the open transaction a statement belongs to. */
export type EmbeddedRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; options: WireQueryOptions; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

/** A database error as plain data: its message, name and PostgreSQL fields (code, detail, constraint …). */
export interface WireError {
  /** Error message. */
  message: string;
  /** Error class name. */
  name: string;
  /** The error's own fields (code, detail, constraint, table, severity …), copied when they are plain values. */
  fields: Record<string, unknown>;
}

/** The worker's answer to one request, or its report that it opened or failed to. */
export type EmbeddedResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: 0; ok: true; value: 'open' }
  | { id: 0; ok: false; error: WireError };

/** Turns any thrown value into a WireError. */
export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { message: err.message, name: err.name, fields };
}

/** Rebuilds an Error from a WireError, with the PostgreSQL fields callers test (code, constraint …). */
export function fromWireError(wire: WireError): Error {
  const err = new Error(wire.message);
  err.name = wire.name;
  return Object.assign(err, wire.fields);
}
