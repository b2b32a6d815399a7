/**
 * safeFetch (the SSRF guard) against real loopback HTTP servers on 127.0.0.1 and 127.0.0.2: non-public addresses
 * refused unless allow-listed, every redirect hop re-checked, redirect/size/time caps, `..` segments, schemes and
 * credentials refused, DNS answers pinned, and the address classification itself.
 */
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isPublicAddress,
  OutboundFailedError,
  OutboundRefusedError,
  safeFetch,
  type ResolvedAddress,
  type SafeFetchOptions,
} from '../../../server/net/safeFetch';

interface Seen {
  path: string;
  host: string | undefined;
  authorization: string | undefined;
}

/** A loopback server that records each request and answers by path. */
async function serve(address: string, handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', host: req.headers.host, authorization: req.headers.authorization });
    waiters.splice(0).forEach((w) => w());
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://${address}:${port}`,
    seen,
    /** Resolves once a request for `path` has arrived (a condition, not a clock). */
    arrived: (path: string) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.some((s) => s.path === path) ? resolve() : waiters.push(check));
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let main: Awaited<ReturnType<typeof serve>>;
let other: Awaited<ReturnType<typeof serve>>;
const BIG = 'x'.repeat(5000);

beforeAll(async () => {
  other = await serve('127.0.0.2', (_req, res) => res.end('{"other":true}'));
  main = await serve('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const hops = /^\/hops\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/ok') {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"ok":true}');
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { Location: url.searchParams.get('to')! }).end();
    } else if (hops) {
      const left = Number(hops[1]);
      if (left === 0) res.end('{"arrived":true}');
      else res.writeHead(301, { Location: `/hops/${left - 1}` }).end();
    } else if (url.pathname === '/big-with-length') {
      res.writeHead(200, { 'Content-Length': BIG.length }).end(BIG);
    } else if (url.pathname === '/big-chunked') {
      // No Content-Length: sent in chunks (Transfer-Encoding: chunked).
      res.writeHead(200);
      for (let i = 0; i < 50; i += 1) res.write('x'.repeat(100));
      res.end();
    } else if (url.pathname === '/lying-length') {
      // Claims 5 bytes, then sends 5000 on the raw socket.
      req.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n${BIG}`);
    } else if (url.pathname === '/hang') {
      // Never answers.
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
});

afterAll(async () => {
  await main.close();
  await other.close();
});

const LOOPBACK = { allow: ['127.0.0.1/32'] } satisfies SafeFetchOptions;

async function refusal(url: string, options: SafeFetchOptions = {}) {
  const e = await safeFetch(url, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OutboundRefusedError);
  return e as OutboundRefusedError;
}

async function failure(url: string, options: SafeFetchOptions = {}) {
  const e = await safeFetch(url, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OutboundFailedError);
  return e as OutboundFailedError;
}

describe('addresses', () => {
  it('without an allow-list, a loopback URL is refused and nothing reaches the server', async () => {
    const before = main.seen.length;
    const e = await refusal(`${main.origin}/ok`);
    expect(e.kind).toBe('address');
    expect(e.reason).toMatch(/^points to a private or loopback address \(127\.0\.0\.1\)/);
    expect(main.seen.length).toBe(before);
  });

  it('with the address allow-listed (CIDR or bare address), the same URL is fetched', async () => {
    for (const allow of [['127.0.0.1/32'], ['127.0.0.0/8'], ['127.0.0.1']]) {
      const res = await safeFetch(`${main.origin}/ok`, { allow });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ ok: true });
    }
  });

  it('a hostname that resolves to loopback (localhost) is refused, unless the hostname is allow-listed', async () => {
    const e = await refusal(`http://localhost:${main.port}/ok`);
    expect(e.reason).toMatch(/private or loopback/);
    const res = await safeFetch(`http://LOCALHOST:${main.port}/ok`, { allow: ['localhost'] });
    expect(res.json()).toEqual({ ok: true });
  });

  it.each([
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://2130706433/',
    'http://0x7f.1/',
  ])('%s is refused before any connection', async (url) => {
    expect((await refusal(url, { timeoutMs: 2000 })).kind).toBe('address');
  });

  it('a resolver answer mixing public and private addresses is refused', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    expect((await refusal(`http://feed.test:${main.port}/ok`, { resolve })).kind).toBe('address');
  });

  it('DNS is asked once per hop and the connection goes to the checked address (no rebinding)', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    const asked: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      asked.push(host);
      return [{ address: answers.shift()!, family: 4 }];
    };
    const before = other.seen.length;
    const res = await safeFetch(`http://feed.test:${main.port}/ok`, { ...LOOPBACK, resolve });
    expect(res.json()).toEqual({ ok: true });
    expect(asked).toEqual(['feed.test']);
    expect(main.seen.at(-1)).toMatchObject({ path: '/ok', host: `feed.test:${main.port}` });
    expect(other.seen.length).toBe(before);
  });
});

describe('redirects', () => {
  it.each([
    ['another loopback address', () => `${other.origin}/`],
    ['[::1]', () => `http://[::1]:${other.port}/`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('from an allowed address to %s is refused at the hop', async (_name, target) => {
    const before = other.seen.length;
    const to = target();
    const e = await refusal(`${main.origin}/redirect?to=${encodeURIComponent(to)}`, LOOPBACK);
    expect(e.kind).toBe('address');
    expect(e.url).toBe(new URL(to).href);
    expect(other.seen.length).toBe(before);
  });

  it('from an allowed hostname to a hostname resolving to loopback (localhost) is refused at the hop', async () => {
    // feed.test is allow-listed by name and resolves to 127.0.0.1; localhost resolves normally.
    const resolve = async (host: string): Promise<ResolvedAddress[]> =>
      host === 'feed.test'
        ? [{ address: '127.0.0.1', family: 4 }]
        : ((await dns.promises.lookup(host, { all: true })) as ResolvedAddress[]);
    const before = main.seen.length;
    const to = `http://localhost:${main.port}/ok`;
    const e = await refusal(`http://feed.test:${main.port}/redirect?to=${encodeURIComponent(to)}`, {
      allow: ['feed.test'],
      resolve,
    });
    expect(e.kind).toBe('address');
    expect(e.url).toBe(to);
    expect(main.seen.slice(before).map((s) => s.path)).toEqual([`/redirect?to=${encodeURIComponent(to)}`]);
  });

  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['ftp://example.org/x', 'scheme'],
    ['http://user:secret@127.0.0.1/ok', 'credentials'],
    ['/a/../ok', 'dot_segment'],
    ['/a/%2E%2e/ok', 'dot_segment'],
  ])('to %s is refused (%s)', async (to, kind) => {
    const e = await refusal(`${main.origin}/redirect?to=${encodeURIComponent(to)}`, LOOPBACK);
    expect(e.kind).toBe(kind);
    expect(e.url).not.toContain('secret');
  });

  it('a redirect to an allowed host is followed; Authorization is not sent to another origin', async () => {
    const res = await safeFetch(`${main.origin}/redirect?to=${encodeURIComponent(`${other.origin}/x`)}`, {
      allow: ['127.0.0.1/32', '127.0.0.2/32'],
      headers: { Authorization: 'Bearer t' },
    });
    expect(res.json()).toEqual({ other: true });
    expect(res.url).toBe(`${other.origin}/x`);
    expect(main.seen.at(-1)!.authorization).toBe('Bearer t');
    expect(other.seen.at(-1)).toMatchObject({ path: '/x', authorization: undefined });
  });

  it('five redirects are followed; a sixth is refused after exactly six requests', async () => {
    expect((await safeFetch(`${main.origin}/hops/5`, LOOPBACK)).json()).toEqual({ arrived: true });
    const before = main.seen.length;
    const e = await failure(`${main.origin}/hops/6`, LOOPBACK);
    expect(e.kind).toBe('too_many_redirects');
    expect(main.seen.slice(before).map((s) => s.path)).toEqual([5, 4, 3, 2, 1, 0].map((n) => `/hops/${n + 1}`));
  });
});

describe('caps', () => {
  it('a body over maxBytes is refused with a Content-Length, without one (chunked), and when Content-Length lies', async () => {
    for (const path of ['/big-with-length', '/big-chunked']) {
      expect((await failure(`${main.origin}${path}`, { ...LOOPBACK, maxBytes: 1000 })).kind).toBe('too_large');
      expect((await safeFetch(`${main.origin}${path}`, { ...LOOPBACK, maxBytes: 5000 })).body).toHaveLength(5000);
    }
    // The declared length bounds what is read: never more than it, never more than maxBytes.
    const lying = await safeFetch(`${main.origin}/lying-length`, { ...LOOPBACK, maxBytes: 1000 });
    expect(lying.body.toString()).toBe('xxxxx');
  });

  it('a server that never answers is given up after timeoutMs', async () => {
    const arrived = main.arrived('/hang');
    const e = await failure(`${main.origin}/hang`, { ...LOOPBACK, timeoutMs: 300 });
    await arrived;
    expect(e.kind).toBe('timeout');
    expect(e.reason).toBe('did not answer within 300 ms');
  });

  it('a closed port is a network failure, not a refusal', async () => {
    const closed = await serve('127.0.0.1', () => undefined);
    await closed.close();
    expect((await failure(`${closed.origin}/`, LOOPBACK)).kind).toBe('network');
  });
});

describe('URLs', () => {
  it.each(['/a/../ok', '/a/%2e%2e/ok', '/a/%2E%2E/ok', '/a/.%2E/ok', '/a/%2e./ok', '/..', '\\..\\ok'])(
    '%s is refused as a dot segment and nothing is sent',
    async (path) => {
      const before = main.seen.length;
      expect((await refusal(`${main.origin}${path}`, LOOPBACK)).kind).toBe('dot_segment');
      expect(main.seen.length).toBe(before);
    },
  );

  it('dots elsewhere (a file name, the query) are fine', async () => {
    expect((await safeFetch(`${main.origin}/ok?x=../y`, LOOPBACK)).status).toBe(200);
    expect((await safeFetch(`${main.origin}/a..b`, LOOPBACK)).status).toBe(404);
  });

  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['ftp://127.0.0.1/', 'scheme'],
    ['gopher://127.0.0.1:70/', 'scheme'],
    ['data:text/plain,hi', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'bad_url'],
  ])('%s is refused (%s)', async (url, kind) => {
    expect((await refusal(url, LOOPBACK)).kind).toBe(kind);
  });

  it('a URL with a user name or password is refused without echoing the password', async () => {
    const e = await refusal(`http://user:hunter2@127.0.0.1:${main.port}/ok`, LOOPBACK);
    expect(e.kind).toBe('credentials');
    expect(e.message).not.toContain('hunter2');
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['93.184.216.34', true],
    ['2606:4700::1111', true],
    ['64:ff9b::808:808', true],
    ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false],
    ['127.255.255.254', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.0.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['240.0.0.1', false],
    ['192.0.2.1', false],
    ['::', false],
    ['::1', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['64:ff9b::7f00:1', false],
    ['64:ff9b:1::1', false],
    ['2002:7f00:1::1', false],
    ['2001:db8::1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
