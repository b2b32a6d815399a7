/**
 * Responsive while the database works: the real server's first start loads reference data that includes England's
 * 2.7 M real postcodes, while a poller hits /healthz every 100 ms and /readyz every half second. Every /healthz
 * answers, /readyz answers throughout (503 with the step and a percentage that never goes down), then 200.
 * Bounds are generous on purpose (a shared CI machine): this guards against a server that stops answering, it does
 * not time the load; npm run bench:liveness measures it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FILES } from '../../server/features/areas/datasets';
import { writeReferenceFixture } from '../helpers/referenceFixture';
import { startServer, waitFor } from '../helpers/serverProcess';

const ROOT = path.resolve(__dirname, '..', '..');

/** GETs url; resolves with status, body and milliseconds, or status 0 when no answer came within `timeoutMs`. */
async function probe(url: string, timeoutMs: number): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.json(), ms: performance.now() - started };
  } catch {
    return { status: 0, body: null, ms: performance.now() - started };
  }
}

describe('first start with real postcodes', () => {
  jest.setTimeout(600_000);
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-live-ref-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-live-data-'));
  afterAll(() => {
    fs.rmSync(dataRoot, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the reference data loads, then /healthz and /readyz keep answering and the percentage only rises', async () => {
    writeReferenceFixture(dataRoot);
    fs.copyFileSync(path.join(ROOT, 'data', 'reference', FILES.postcodes), path.join(dataRoot, FILES.postcodes));
    const server = startServer({
      PORT: '0',
      DATA_DIR: dataDir,
      REFERENCE_DATA: 'auto',
      REFERENCE_DATA_DIR: dataRoot,
    });
    await waitFor(() => /Signpost serving on http:\/\/localhost:\d+/.test(server.output()), 300_000, server.output);
    const port = Number(/Signpost serving on http:\/\/localhost:(\d+)/.exec(server.output())![1]);
    const base = `http://127.0.0.1:${port}`;

    const health: { status: number; ms: number }[] = [];
    const readiness: { status: number; percent?: number; step?: string }[] = [];
    let ready = false;
    const healthLoop = (async () => {
      while (!ready) {
        const r = await probe(`${base}/healthz`, 30_000);
        health.push({ status: r.status, ms: r.ms });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const deadline = Date.now() + 540_000;
    while (!ready && Date.now() < deadline) {
      const r = await probe(`${base}/readyz`, 30_000);
      const startup = (r.body as { startup?: { percent?: number; step?: string } } | null)?.startup;
      readiness.push({ status: r.status, percent: startup?.percent, step: startup?.step });
      ready = r.status === 200;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    ready = true;
    await healthLoop;

    expect(readiness.at(-1)?.status).toBe(200);
    // Every /readyz answered (no 30 s time-out) — while loading with 503, the step and a percentage.
    expect(readiness.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    const loading = readiness.filter((r) => r.status === 503);
    expect(loading.length).toBeGreaterThan(0);
    expect(loading.every((r) => typeof r.percent === 'number' && typeof r.step === 'string')).toBe(true);
    const percents = loading.map((r) => r.percent!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // Every /healthz answered 200, and most of them promptly even on a loaded machine.
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200)).toBe(true);
    const sorted = health.map((h) => h.ms).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(1000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
