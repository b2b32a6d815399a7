/** The app shell fallback: client routes get the app with 200, any other page the app (its not-found page) with 404. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';

const SHELL = '<!doctype html><html><body><div id="root"></div><!-- signpost shell --></body></html>';

let t: TestApp;
let clientDir: string;
beforeAll(async () => {
  clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-shell-'));
  fs.writeFileSync(path.join(clientDir, 'index.html'), SHELL);
  t = await buildTestApp({}, { clientDir });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(clientDir, { recursive: true, force: true });
});

describe('app shell', () => {
  it.each(['/', '/find', '/find?postcode=M32', '/services/0b6f1a4e-1111-4222-8333-944455556666', '/need/concerns'])(
    'when %s is asked for as a page, then the app shell answers 200',
    async (url) => {
      const res = await request(t.app).get(url).set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('signpost shell');
    },
  );

  it.each(['/nowhere', '/find/extra', '/admin/secret', '/services'])(
    'when the unknown page %s is asked for, then the app shell (its not-found page) answers with 404',
    async (url) => {
      const res = await request(t.app).get(url).set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('signpost shell');
    },
  );

  it('when an unknown API path is asked for, then it is still a problem+json 404', async () => {
    const res = await request(t.app).get('/api/nowhere').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});
