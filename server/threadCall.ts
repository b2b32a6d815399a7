/** The thread runOffThread starts (threads.ts): calls one exported function with its input and posts the result. */
import { parentPort, workerData } from 'node:worker_threads';

const { file, name, input } = workerData as { file: string; name: string; input: unknown };
const fn = (require(file) as Record<string, (arg: unknown) => unknown>)[name];
Promise.resolve()
  .then(() => {
    if (typeof fn !== 'function') throw new Error(`${file} exports no function ${name}`);
    return fn(input);
  })
  .then(
    (value) => parentPort!.postMessage({ ok: true, value }),
    (err: unknown) =>
      parentPort!.postMessage({
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        name: err instanceof Error ? err.name : 'Error',
      }),
  );
