/**
 * Input hardening: control characters, unpaired surrogates and broken encodings in bodies, query strings, paths,
 * cookies, CSRF headers and CSV cells get a 400 (or no session) naming the field and the reason, never a 500, and
 * nothing is written.
 */
import net from 'node:net';
import request from 'supertest';
import { schema } from '../../server/db';
import * as fx from '../helpers/referenceFixture';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { countRows, createOrganization, seedGeography, serviceBody, snapshotDirectory } from '../helpers/directory';
import { CLEAN_CSV, TEST_MAP, importCsvAndWait } from '../helpers/imports';
import { MAX_INPUT_DEPTH } from '../../server/middleware/safeInput';

let t: TestApp;
let admin: AuthHeaders;
let editor: AuthHeaders;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  await seedGeography(db);
  // The import fixture's postcodes, except M13 9PL which seedGeography already added.
  for (const p of fx.POSTCODES.filter((p) => p.postcode !== 'M13 9PL'))
    await db
      .insert(schema.postcodes)
      .values({ key: p.postcode.replace(/\s+/g, ''), postcode: p.postcode, lat: p.lat, lng: p.lng });
  orgId = (await createOrganization(db)).id;
  admin = (await signedInAs(db, { role: 'admin' })).headers;
  editor = (await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgId] })).headers;
});
afterAll(() => t.close());

const problem = (res: request.Response) => ({
  status: res.status,
  code: res.body.code,
  errors: res.body.errors as { field: string; message: string }[] | undefined,
});

describe('malformed cookies and CSRF headers', () => {
  it('when the session cookie is not valid percent-encoding, then the request is anonymous, not a 500', async () => {
    for (const cookie of ['sp_session=%E0%A4%A', 'sp_session=%', 'sp_session=%00abc', 'sp_session=a%ZZ']) {
      const me = await request(t.app).get('/api/auth/me').set('Cookie', cookie);
      expect([cookie, me.status, me.body.user]).toEqual([cookie, 200, null]);
      const mine = await request(t.app).get('/api/my/organizations').set('Cookie', cookie);
      expect([cookie, mine.status]).toEqual([cookie, 401]);
      const signOut = await request(t.app).post('/api/auth/sign-out').set('Cookie', cookie);
      expect([cookie, signOut.status]).toEqual([cookie, 204]);
    }
  });

  it('when the CSRF header has non-ASCII bytes of the right length, then 403 csrf_failed, not a 500', async () => {
    // Raw bytes (0xE9, é in latin1): the server reads as many characters as the token has, but twice the UTF-8 bytes.
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as net.AddressInfo;
    const head =
      `POST /api/organizations HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${admin.Cookie}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\nx-csrf-token: `;
    const bytes = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.alloc(admin['x-csrf-token'].length, 0xe9),
      Buffer.from('\r\n\r\n{}', 'latin1'),
    ]);
    const response = await new Promise<string>((resolve, reject) => {
      // write, not end: a half-closed socket may be dropped before the (asynchronous) answer is written.
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(response).toContain('"code":"csrf_failed"');
    expect(await countRows(t.database.db, 'organizations')).toBe(1);
  });
});

describe('control characters in JSON bodies', () => {
  it('when a service name holds a NUL, then 400 naming name and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await request(t.app)
      .post(`/api/organizations/${orgId}/services`)
      .set(editor)
      .send(serviceBody({ name: 'Walking\u0000group' }));
    expect(problem(res)).toEqual({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'name', message: 'must not contain control characters' }],
    });
    expect(res.body.detail).toBe('name: must not contain control characters');
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when nested fields hold DEL, C1 or escape characters, then 400 naming each path', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await request(t.app)
      .post(`/api/organizations/${orgId}/services`)
      .set(editor)
      .send(
        serviceBody({
          locations: [{ name: 'Gate\u007f', postcode: 'M13 9PL' }],
          contacts: [{ name: 'Sam\u0085Lee' }, { title: '\u001b[31m' }],
        }),
      );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'locations.0.name', message: 'must not contain control characters' },
        { field: 'contacts.0.name', message: 'must not contain control characters' },
        { field: 'contacts.1.title', message: 'must not contain control characters' },
      ]),
    );
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when a field holds an unpaired surrogate (raw JSON \\ud800), then 400 naming it', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await request(t.app)
      .post('/api/organizations')
      .set(editor)
      .set('Content-Type', 'application/json')
      .send('{"name":"Friends of the \\ud800 park"}');
    expect(problem(res)).toEqual({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'name', message: 'must be valid Unicode text (no unpaired surrogates)' }],
    });
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when a single-line field holds a tab or line break, then 400; a multi-line field keeps them', async () => {
    const before = await countRows(t.database.db, 'services');
    const bad = await request(t.app)
      .post(`/api/organizations/${orgId}/services`)
      .set(editor)
      .send(serviceBody({ name: 'Walking\tgroup', alternateName: 'Health\nwalks' }));
    expect(problem(bad).status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'name', message: 'must be a single line (no tabs or line breaks)' },
      { field: 'alternateName', message: 'must be a single line (no tabs or line breaks)' },
    ]);
    expect(await countRows(t.database.db, 'services')).toBe(before);

    const description = 'Gentle walks.\n\n\tEvery Monday, 10am.\r\nBring water.';
    const ok = await request(t.app)
      .post(`/api/organizations/${orgId}/services`)
      .set(editor)
      .send(serviceBody({ description }));
    expect(ok.status).toBe(201);
    expect(ok.body.description).toBe(description.trim());
    expect(await countRows(t.database.db, 'services')).toBe(before + 1);
  });

  it(`when a body is nested deeper than ${MAX_INPUT_DEPTH} levels, then 400 (10,000 levels: no crash)`, async () => {
    const res = await request(t.app)
      .post('/api/organizations')
      .set(editor)
      .set('Content-Type', 'application/json')
      .send('['.repeat(10_000) + ']'.repeat(10_000));
    expect(problem(res)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(res.body.errors[0].message).toBe(`is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`);
  });
});

describe('control characters in query strings and paths', () => {
  it('when a query value holds NUL or a line break, then 400 naming the parameter', async () => {
    const nul = await request(t.app).get('/api/services/search?q=walk%00ing');
    expect(problem(nul)).toEqual({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'q', message: 'must not contain control characters' }],
    });
    const lineBreak = await request(t.app).get('/api/organizations?q=Friends%0Aof');
    expect(problem(lineBreak)).toEqual({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'q', message: 'must be a single line (no tabs or line breaks)' }],
    });
  });

  it('when a path holds NUL or broken percent-encoding, then 400 naming the path', async () => {
    const nul = await request(t.app).get('/api/oruk/services/%00');
    expect(problem(nul)).toEqual({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'path', message: 'must not contain control characters' }],
    });
    const broken = await request(t.app).get('/api/services/%E0%A4%A').set(admin);
    expect(problem(broken)).toMatchObject({ status: 400 });
  });
});

describe('control characters in CSV import cells', () => {
  it('when a cell holds a NUL, then the import job fails naming the line and column, and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const lines = CLEAN_CSV.split('\n');
    lines[2] = lines[2]!.replace('Emergency food parcels', 'Emergency food\u0000parcels');
    const job = await importCsvAndWait(t.app, admin, lines.join('\n'), { map: TEST_MAP });
    expect(job.status).toBe('failed');
    expect(job.result).toMatchObject({ written: false, rejected: 1 });
    expect(job.result.problems).toEqual([
      { line: 3, field: 'description', column: 'About', reason: 'must not contain control characters' },
    ]);
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });
});
