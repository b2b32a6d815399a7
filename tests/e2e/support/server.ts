/** Runs the real Signpost app (built client included) on a free local port for browser tests. */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildTestApp, type TestApp, type TestDeps } from '../../helpers/app';
import { TEST_TILE_URL } from './tiles';

/** Folder of the built client the app serves. */
export const CLIENT_DIR = path.resolve(__dirname, '..', '..', '..', 'dist', 'client');

/** Throws a clear instruction when the client has not been built (browser tests need dist/client). */
export function assertClientBuilt(): void {
  if (!fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) {
    throw new Error(
      `The client is not built: ${path.join(CLIENT_DIR, 'index.html')} is missing. Run \`npm run build\` first ` +
        '(`npm test` and `npm run test:e2e` build it for you).',
    );
  }
}

/** A listening test app. */
export interface RunningApp {
  /** Origin to browse, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** The underlying test app and database. */
  testApp: TestApp;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

/** Options of startApp. */
export interface StartAppOptions {
  /** Arranges the database before the app listens (e.g. loads reference data). Default none: an empty database. */
  setup?: (testApp: TestApp) => Promise<void>;
  /** Dependencies of the app beyond configuration and database (e.g. a start-up status). Default none. */
  deps?: TestDeps;
}

/** Builds the app on a fresh database with test tiles, runs `setup`, and listens on 127.0.0.1 at a free port. */
export async function startApp(env: Record<string, string> = {}, options: StartAppOptions = {}): Promise<RunningApp> {
  const testApp = await buildTestApp({ TILE_URL: TEST_TILE_URL, ...env }, options.deps);
  try {
    await options.setup?.(testApp);
  } catch (error) {
    await testApp.close();
    throw error;
  }
  const server: Server = await new Promise((resolve, reject) => {
    const listening = testApp.app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    testApp,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testApp.close();
    },
  };
}
