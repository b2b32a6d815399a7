/**
 * Cooperative yielding for long JavaScript work on the web server's thread (imports' parsing and mapping): the event loop serves
 * pending I/O, such as /healthz and other requests, between slices of the work.
 */
import { performance } from 'node:perf_hooks';

/** Yields to the event loop: pending I/O (e.g. /healthz) is served before the caller goes on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long a slice of work may hold the event loop before a pacer yields (well under the /healthz p95 target). */
export const SLICE_MS = 10;

/**
 * A pacer for a loop: `await pace()` after each step yields to the event loop once at least `sliceMs` have passed
 * since it last yielded, and otherwise returns at once, so fast loops pay almost nothing for staying responsive.
 */
export function createPacer(sliceMs = SLICE_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
