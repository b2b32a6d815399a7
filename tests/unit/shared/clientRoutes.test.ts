import fs from 'node:fs';
import path from 'node:path';
import { CLIENT_ROUTES, isClientRoute } from '../../../shared/clientRoutes';

describe('client routes', () => {
  it("when App.tsx's routes are read, then the server's list has exactly them", () => {
    const app = fs.readFileSync(path.resolve(__dirname, '../../../client/App.tsx'), 'utf8');
    const paths = [...app.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => `/${m[1]}`).filter((p) => p !== '/*');
    // The sign-in route is written as SIGN_IN_PATH; the index route is "/".
    expect(app).toContain('path={SIGN_IN_PATH.slice(1)}');
    expect(['/', '/sign-in', ...paths].sort()).toEqual([...CLIENT_ROUTES].sort());
  });

  it.each([
    ['/', true],
    ['/find', true],
    ['/find/', true],
    ['/services/0b6f1a4e-1111-4222-8333-944455556666', true],
    ['/my-organisation/services/abc/edit', true],
    ['/organisations/abc/claim', true],
    ['/nowhere', false],
    ['/find/extra', false],
    ['/services', false],
    ['/services/a/b', false],
    ['/admin/secret', false],
  ])('when the path is %p, then it is a client route: %p', (pathname, expected) => {
    expect(isClientRoute(pathname)).toBe(expected);
  });
});
