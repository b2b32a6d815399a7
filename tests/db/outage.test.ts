/**
 * Database outages answer 503 with Retry-After and a problem body, never a 500 or a hung request, and the app
 * recovers by itself. Server engine: the app reaches PostgreSQL through a TCP relay on loopback that the test cuts and
 * restores (a real outage of the connection, without restarting the shared server). Embedded engine: the database
 * is closed under the app.
 */
import net from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openDatabase, type Database } from '../../server/db';
import { createServerTestDatabaseUrl, createTestDatabase, TEST_ENGINE } from '../helpers/db';

/** A TCP relay from a loopback port to the PostgreSQL server that can be cut (every socket destroyed) and restored. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

const problemOf503 = (res: request.Response) => {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 503, code: 'database_unavailable' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
};

const buildApp = (database: Database): Express => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REFERENCE_DATA: 'skip' });
  return createApp({ config, logger: createLogger(config.logLevel), database });
};

// Each engine's leg defines only its own case (a skipped test would fail the strict run).
if (TEST_ENGINE === 'postgres')
  describe('PostgreSQL outage (server engine)', () => {
    let relay: Relay;
    let database: Database;
    let drop: () => Promise<void>;
    let app: Express;
    beforeAll(async () => {
      const created = await createServerTestDatabaseUrl();
      drop = created.drop;
      const url = new URL(created.url);
      relay = new Relay(url.hostname, Number(url.port || 5432));
      await relay.open();
      url.hostname = '127.0.0.1';
      url.port = String(relay.port);
      database = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
      app = buildApp(database);
    });
    afterAll(async () => {
      await database.close().catch(() => undefined);
      await relay.cut().catch(() => undefined);
      await drop();
    });

    it('when the connection to PostgreSQL is cut, then reads, writes and /readyz answer 503 promptly; when it returns, the app recovers', async () => {
      await request(app).get('/api/organizations?q=food').expect(200);

      await relay.cut();
      problemOf503(await request(app).get('/api/organizations?q=food'));
      problemOf503(await request(app).get('/api/taxonomy'));
      // A write (sign-in) too: refused as unavailable, not as wrong credentials or an internal error.
      problemOf503(
        await request(app)
          .post('/api/auth/sign-in')
          .send({ email: 'a@example.org', password: 'x'.repeat(12) }),
      );
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not_ready');
      await request(app).get('/healthz').expect(200);

      await relay.open(); // the same port: the pool reconnects on its own
      const res = await request(app).get('/api/organizations?q=food');
      expect(res.status).toBe(200);
      await request(app).get('/readyz').expect(200);
    });
  });

if (TEST_ENGINE === 'pglite')
  describe('embedded database closed under the app', () => {
    it('when the embedded database has been closed, then requests answer 503, not 500', async () => {
      const database = await createTestDatabase();
      const app = buildApp(database);
      await request(app).get('/api/organizations?q=food').expect(200);
      await database.close();
      problemOf503(await request(app).get('/api/organizations?q=food'));
      await request(app).get('/readyz').expect(503);
      await request(app).get('/healthz').expect(200);
    });
  });
