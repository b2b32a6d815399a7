/**
 * Worker threads that run Signpost's TypeScript: the embedded database's thread (db/embedded.ts) and one-off CPU-heavy
 * pure functions (the catchment assignment of the first load), so the web server's thread keeps answering.
 */
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. The thread loads it through tsx's require hook: the app itself runs
 * under tsx, and Jest's transform does not reach worker threads.
 */
export function startTypeScriptWorker(entry: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, {
    ...options,
    eval: true,
  });
}

/**
 * Calls the exported function `name` of the module `file` (absolute path) with `input` on a thread of its own and
 * resolves with what it returns. Input and result cross by structured clone (plain data, Maps, arrays …).
 */
export function runOffThread<T>(file: string, name: string, input: unknown): Promise<T> {
  const worker = startTypeScriptWorker(path.join(__dirname, 'threadCall.ts'), { workerData: { file, name, input } });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (message: { ok: true; value: T } | { ok: false; message: string; name: string }) => {
      if (message.ok) resolve(message.value);
      else reject(Object.assign(new Error(message.message), { name: message.name }));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker thread exited with code ${code} before answering`)));
  });
}
