/**
 * The embedded database (PGlite with PostGIS) on a worker thread of its own, behind the part of PGlite's interface
 * that Drizzle and Signpost use: query, exec, transaction, dumpDataDir and close.
 *
 * PGlite runs every statement synchronously on the thread that holds it. On the web server's thread one long
 * statement (the reference load, an all-England gap analysis) froze every request, /healthz included. Here a
 * statement blocks only the worker; the app's thread awaits a message and keeps serving.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';
import {
  fromWireError,
  type EmbeddedOpenOptions,
  type EmbeddedRequest,
  type EmbeddedResponse,
  type WireQueryOptions,
} from './embeddedProtocol';

/** Distributes the Omit over the request union, so each request keeps its own fields. */
type Outgoing = EmbeddedRequest extends infer R ? (R extends EmbeddedRequest ? Omit<R, 'id'> : never) : never;

/** What a transaction callback gets: statements that run inside that transaction. */
export interface EmbeddedTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
  /** Ends the transaction by rolling it back (throws, as PGlite's does, so the callback stops). */
  rollback(): Promise<never>;
  /** Whether the transaction has ended. */
  readonly closed: boolean;
}

/** Message of the error every request gets once the worker has stopped (isDatabaseUnavailable matches it). */
const CLOSED = 'PGlite is closed';

/** The parsers drizzle passes are identity functions for some type OIDs: sent as that list of OIDs. */
function wireOptions(options: QueryOptions | undefined): { wire: WireQueryOptions; blob?: Blob } {
  if (!options) return { wire: {} };
  const { rowMode, parsers, blob, serializers, onNotice, paramTypes } = options;
  if (serializers || onNotice || paramTypes) {
    throw new Error('the embedded database thread does not take serializers, onNotice or paramTypes');
  }
  const sentinel = '\u0000signpost-parser-probe';
  const rawTypes = parsers
    ? Object.entries(parsers).map(([oid, parse]) => {
        if (parse(sentinel, Number(oid)) !== sentinel)
          throw new Error(`only identity parsers can cross to the embedded database thread (type ${oid})`);
        return Number(oid);
      })
    : undefined;
  return { wire: { rowMode, rawTypes }, blob: blob ?? undefined };
}

/** PGlite on its own thread. Create with EmbeddedClient.open. */
export class EmbeddedClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private stopped: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: EmbeddedResponse) => this.settle(message));
    worker.on('error', (err) => this.stop(err));
    worker.on('exit', (code) => this.stop(new Error(`${CLOSED}: its thread exited with code ${code}`)));
    // The thread keeps the process alive only while a request is outstanding (see send), so a script that has
    // finished with the database may exit without closing it, as it could with PGlite on its own thread.
    worker.unref();
  }

  /** Starts the thread and opens PGlite in it; rejects with PGlite's own error if it cannot open. */
  static async open(options: EmbeddedOpenOptions): Promise<EmbeddedClient> {
    const worker = startTypeScriptWorker(path.join(__dirname, 'embeddedWorker.ts'), {
      workerData: options,
      transferList: options.loadDataDir ? [options.loadDataDir] : [],
    });
    const client = new EmbeddedClient(worker);
    worker.ref();
    try {
      await new Promise<unknown>((resolve, reject) => client.pending.set(0, { resolve, reject }));
    } catch (err) {
      await worker.terminate();
      throw err;
    } finally {
      worker.unref();
    }
    return client;
  }

  private settle(message: EmbeddedResponse): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(fromWireError(message.error));
  }

  private stop(err: Error): void {
    if (!this.stopped) this.stopped = err.message.startsWith(CLOSED) ? err : new Error(`${CLOSED}: ${err.message}`);
    for (const waiter of this.pending.values()) waiter.reject(this.stopped);
    this.pending.clear();
  }

  private send<T>(request: Outgoing, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  private async runQuery<T>(sql: string, params: unknown[], options: QueryOptions | undefined, tx?: number) {
    const { wire, blob } = wireOptions(options);
    const bytes = blob ? await blob.arrayBuffer() : undefined;
    const result = await this.send<Results<T> & { blob?: ArrayBuffer }>(
      { op: 'query', sql, params, options: { ...wire, blob: bytes }, tx },
      bytes ? [bytes] : [],
    );
    return (result.blob ? { ...result, blob: new Blob([result.blob]) } : result) as Results<T>;
  }

  /** Runs one statement with parameters. */
  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.runQuery<T>(sql, params, options);
  }

  /** Runs statements without parameters (several may be separated by semicolons). */
  exec(sql: string): Promise<Results[]> {
    return this.send<Results[]>({ op: 'exec', sql });
  }

  /**
   * Runs `callback` in a transaction: committed if it resolves, rolled back if it throws. Statements outside the
   * transaction wait until it ends (PGlite has one connection).
   */
  async transaction<T>(callback: (tx: EmbeddedTransaction) => Promise<T>): Promise<T> {
    const id = await this.send<number>({ op: 'begin' });
    let closed = false;
    const live = () => {
      if (closed) throw new Error('the transaction has ended');
    };
    const tx: EmbeddedTransaction = {
      query: <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
        live();
        return this.runQuery<R>(sql, params, options, id);
      },
      exec: (sql: string) => {
        live();
        return this.send<Results[]>({ op: 'exec', sql, tx: id });
      },
      rollback: async () => {
        live();
        throw new Error('the transaction was rolled back');
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (err) {
      closed = true;
      await this.send({ op: 'end', tx: id, commit: false }).catch(() => undefined);
      throw err;
    }
    closed = true;
    await this.send({ op: 'end', tx: id, commit: true });
    return result;
  }

  /** The whole data directory as a gzipped tarball. */
  async dumpDataDir(compression: 'gzip'): Promise<Blob> {
    void compression;
    return new Blob([await this.send<ArrayBuffer>({ op: 'dump' })]);
  }

  /** Closes PGlite cleanly and ends the thread. */
  async close(): Promise<void> {
    if (this.stopped) return;
    await this.send({ op: 'close' });
    this.stop(new Error(CLOSED));
    await this.worker.terminate();
  }
}
