/**
 * The embedded database's own thread: holds PGlite (with PostGIS) and runs each request the app sends (embedded.ts).
 * A statement that runs for seconds here blocks only this thread; the web server keeps answering.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import {
  toWireError,
  type EmbeddedOpenOptions,
  type EmbeddedRequest,
  type EmbeddedResponse,
  type WireQueryOptions,
} from './embeddedProtocol';

const port = parentPort!;
const ROLLBACK = Symbol('rollback');

interface OpenTransaction {
  tx: Transaction;
  /** Ends the transaction: commit (true) or roll back (false). */
  finish(commit: boolean): void;
  /** Settles when the transaction has committed or rolled back. */
  done: Promise<void>;
}

function reply(response: EmbeddedResponse, transfer: ArrayBuffer[] = []): void {
  port.postMessage(response, transfer);
}

const identity = (value: unknown) => value;

function queryOptions(wire: WireQueryOptions): QueryOptions {
  return {
    rowMode: wire.rowMode,
    ...(wire.rawTypes ? { parsers: Object.fromEntries(wire.rawTypes.map((oid) => [oid, identity])) } : {}),
    ...(wire.blob ? { blob: new Blob([wire.blob]) } : {}),
  };
}

/** A result as plain data: a COPY TO blob becomes bytes. */
async function plain(result: Results<unknown>): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  if (!result.blob) return { value: result, transfer: [] };
  const bytes = await result.blob.arrayBuffer();
  return { value: { ...result, blob: bytes }, transfer: [bytes] };
}

async function open(options: EmbeddedOpenOptions): Promise<PGlite> {
  return PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir ? new Blob([options.loadDataDir]) : undefined,
    extensions: { postgis },
    ...(options.startParams ? { startParams: [...PGlite.defaultStartParams, ...options.startParams] } : {}),
  });
}

async function serve(db: PGlite): Promise<void> {
  const transactions = new Map<number, OpenTransaction>();
  const target = (tx: number | undefined) => {
    if (tx === undefined) return db;
    const open = transactions.get(tx);
    if (!open) throw new Error(`transaction ${tx} is not open`);
    return open.tx;
  };

  async function begin(id: number): Promise<void> {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let started!: (tx: Transaction) => void;
    const opened = new Promise<Transaction>((resolve) => (started = resolve));
    const done = db
      .transaction(async (tx) => {
        started(tx);
        if (!(await decided)) throw ROLLBACK;
      })
      .then(
        () => undefined,
        (err) => {
          if (err !== ROLLBACK) throw err;
        },
      );
    const tx = await Promise.race([
      opened,
      done.then(() => Promise.reject(new Error('the transaction ended before it began'))),
    ]);
    transactions.set(id, { tx, finish, done });
  }

  async function handle(request: EmbeddedRequest): Promise<void> {
    switch (request.op) {
      case 'query': {
        const result = await target(request.tx).query(request.sql, request.params, queryOptions(request.options));
        const { value, transfer } = await plain(result);
        return reply({ id: request.id, ok: true, value }, transfer);
      }
      case 'exec':
        return reply({ id: request.id, ok: true, value: await target(request.tx).exec(request.sql) });
      case 'begin':
        await begin(request.id);
        return reply({ id: request.id, ok: true, value: request.id });
      case 'end': {
        const open = transactions.get(request.tx);
        if (!open) throw new Error(`transaction ${request.tx} is not open`);
        transactions.delete(request.tx);
        open.finish(request.commit);
        await open.done;
        return reply({ id: request.id, ok: true, value: null });
      }
      case 'dump': {
        const bytes = await (await db.dumpDataDir('gzip')).arrayBuffer();
        return reply({ id: request.id, ok: true, value: bytes }, [bytes]);
      }
      case 'close':
        for (const open of transactions.values()) open.finish(false);
        await db.close();
        reply({ id: request.id, ok: true, value: null });
        port.close();
        return;
    }
  }

  port.on('message', (request: EmbeddedRequest) => {
    handle(request).catch((err) => reply({ id: request.id, ok: false, error: toWireError(err) }));
  });
}

open(workerData as EmbeddedOpenOptions).then(
  (db) => {
    void serve(db);
    reply({ id: 0, ok: true, value: 'open' });
  },
  (err) => reply({ id: 0, ok: false, error: toWireError(err) }),
);
