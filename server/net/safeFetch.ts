/**
 * The one way the server fetches a URL someone else supplied (SSRF guard): http(s) only, no credentials, no `..`
 * segments; resolves DNS itself and refuses private, loopback, link-local and other non-public addresses unless
 * allow-listed (OUTBOUND_ALLOW); connects to the address it checked; follows redirects by hand re-checking every hop;
 * caps redirects, response size and total time.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an outbound fetch was refused before (or instead of) connecting. */
export type OutboundRefusal = 'scheme' | 'credentials' | 'dot_segment' | 'address' | 'bad_url';

/** Why an outbound fetch that was allowed failed. */
export type OutboundFailure = 'network' | 'timeout' | 'too_large' | 'too_many_redirects';

/** Base of every outbound-fetch error: `reason` is a short public phrase, `url` the URL (or hop) concerned. */
export class OutboundError extends Error {
  constructor(
    readonly reason: string,
    readonly url: string,
  ) {
    super(`${reason} (${url})`);
    this.name = 'OutboundError';
  }
}

/** The URL (or a redirect hop) is not allowed by policy; nothing was sent to it. Answer 4xx naming the URL field. */
export class OutboundRefusedError extends OutboundError {
  constructor(
    readonly kind: OutboundRefusal,
    reason: string,
    url: string,
  ) {
    super(reason, url);
    this.name = 'OutboundRefusedError';
  }
}

/** The fetch was allowed but failed: network error, timeout, response too large, too many redirects. */
export class OutboundFailedError extends OutboundError {
  constructor(
    readonly kind: OutboundFailure,
    reason: string,
    url: string,
  ) {
    super(reason, url);
    this.name = 'OutboundFailedError';
  }
}

/** One resolved address, as dns.lookup returns it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Options of safeFetch. */
export interface SafeFetchOptions {
  /** OUTBOUND_ALLOW entries (hostnames and CIDRs) exempt from the address check. Default none. */
  allow?: readonly string[];
  /** Largest response body accepted, in bytes. Default 10 MB. */
  maxBytes?: number;
  /** Total time for every hop and the body, in milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Request headers (Authorization is dropped on a redirect to another origin). */
  headers?: Record<string, string>;
  /** Caller's own cancellation. */
  signal?: AbortSignal;
  /** Resolver of a hostname to all its addresses. Default dns.lookup with `all: true` (tests inject their own). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

/** A fetched response with its whole (capped) body. */
export interface SafeResponse {
  /** The URL finally fetched, after redirects. */
  url: string;
  status: number;
  statusText: string;
  ok: boolean;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (throws SyntaxError when it is not). */
  json(): unknown;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed OUTBOUND_ALLOW: hostnames (lower case, no trailing dot) and CIDR ranges. */
interface AllowList {
  hosts: Set<string>;
  ranges: [Address, number][];
}

/**
 * Checks one OUTBOUND_ALLOW entry: a hostname, an IP address (taken as /32 or /128) or a CIDR. Returns the reason it
 * is invalid, or undefined when it is fine.
 */
export function invalidAllowEntry(entry: string): string | undefined {
  if (entry.includes('/')) return ipaddr.isValidCIDR(entry) ? undefined : `"${entry}" is not a valid CIDR`;
  if (net.isIP(entry) || HOSTNAME.test(entry)) return undefined;
  return `"${entry}" is neither a hostname nor a CIDR`;
}

function compileAllow(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('/')) ranges.push(ipaddr.parseCIDR(entry));
    else if (net.isIP(entry)) {
      const a = ipaddr.parse(entry);
      ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(normaliseHost(entry));
  }
  return { hosts, ranges };
}

const normaliseHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/** IPv4-mapped, NAT64 (64:ff9b::/96), IPv4-translated and 6to4 addresses stand for the IPv4 address inside them. */
function embeddedIPv4(a: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = a.range();
  if (range === 'ipv4Mapped') return a.toIPv4Address();
  const b = a.toByteArray();
  if (range === 'rfc6145' || a.match(NAT64)) return new ipaddr.IPv4(b.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  return undefined;
}

/** Whether an address is public unicast (IPv4 `unicast`, or IPv6 `unicast`, or an IPv6 form of a public IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const a = ipaddr.parse(address);
  if (a.kind() === 'ipv4') return a.range() === 'unicast';
  const v6 = a as ipaddr.IPv6;
  const v4 = embeddedIPv4(v6);
  if (v4) return v4.range() === 'unicast';
  return v6.range() === 'unicast';
}

function allowedByList(address: string, allow: AllowList): boolean {
  const a = ipaddr.parse(address);
  const forms: Address[] = [a];
  if (a.kind() === 'ipv6') {
    const v4 = embeddedIPv4(a as ipaddr.IPv6);
    if (v4) forms.push(v4);
  }
  return forms.some((f) => allow.ranges.some(([net, bits]) => net.kind() === f.kind() && f.match(net, bits)));
}

/** Whether a raw URL (or redirect target) has a `..` path segment, plain or percent-encoded, before any ? or #. */
export function hasDotDotSegment(raw: string): boolean {
  const path = raw.split(/[?#]/, 1)[0]!;
  return path.split(/[/\\]/).some((segment) => segment.replace(/%2e/gi, '.') === '..');
}

/**
 * Checks what can be checked without DNS: parses `raw` (against `base` for a relative redirect target) and refuses
 * non-http(s) schemes, credentials and `..` segments. Returns the parsed URL.
 */
export function checkOutboundUrl(raw: string, base?: string): URL {
  if (hasDotDotSegment(raw)) throw new OutboundRefusedError('dot_segment', 'must not contain ".." path segments', raw);
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new OutboundRefusedError('bad_url', 'is not a valid URL', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundRefusedError('scheme', 'must be an http or https URL', url.href);
  if (url.username || url.password)
    throw new OutboundRefusedError('credentials', 'must not contain a user name or password', redact(url));
  return url;
}

const redact = (url: URL) => {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
};

const defaultResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })) as ResolvedAddress[];

/** Resolves the URL's host and checks every address; returns the addresses to connect to. */
async function checkedAddresses(
  url: URL,
  allow: AllowList,
  resolve: (hostname: string) => Promise<ResolvedAddress[]>,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const host = normaliseHost(url.hostname);
  let addresses: ResolvedAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) as 4 | 6 }];
  else {
    try {
      addresses = await untilAborted(resolve(host), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      throw new OutboundFailedError(
        'network',
        `cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        url.href,
      );
    }
    if (addresses.length === 0) throw new OutboundFailedError('network', `cannot resolve ${host}`, url.href);
  }
  if (allow.hosts.has(host)) return addresses;
  const refused = addresses.find((a) => !isPublicAddress(a.address) && !allowedByList(a.address, allow));
  if (refused)
    throw new OutboundRefusedError(
      'address',
      `points to a private or loopback address (${refused.address}); add it to OUTBOUND_ALLOW to allow it`,
      url.href,
    );
  return addresses;
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (a hung DNS lookup must not outlast the timeout). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A `lookup` for http(s).request that answers only the addresses already checked, so DNS is never asked again. */
function pinnedLookup(addresses: ResolvedAddress[]): net.LookupFunction {
  return ((_hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    if (usable.length === 0) {
      callback(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }));
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  }) as net.LookupFunction;
}

/** One GET to a checked URL; resolves with the response (body unread). */
function requestOnce(
  url: URL,
  addresses: ResolvedAddress[],
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: { 'Accept-Encoding': 'identity', ...headers },
        lookup: pinnedLookup(addresses),
        agent: false,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads a response body, aborting once it passes `maxBytes` (whatever Content-Length said). */
function readBody(res: http.IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new OutboundFailedError('too_large', `answered more than ${maxBytes} bytes`, url);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('the connection closed before the response was complete'));
    });
  });
}

function failure(e: unknown, url: string, timeoutMs: number, timeout: AbortSignal): OutboundError {
  if (e instanceof OutboundError) return e;
  if (timeout.aborted) return new OutboundFailedError('timeout', `did not answer within ${timeoutMs} ms`, url);
  const err = e as NodeJS.ErrnoException;
  return new OutboundFailedError('network', err.code ? `${err.code} ${err.message}` : err.message, url);
}

/**
 * GETs a URL someone else supplied, safely (see the file header). Throws OutboundRefusedError when policy forbids the
 * URL or any redirect hop, OutboundFailedError when the fetch fails, times out, is too large or redirects too often.
 * Any status other than a followed redirect is returned (check `ok`).
 */
export async function safeFetch(raw: string, options: SafeFetchOptions = {}): Promise<SafeResponse> {
  const allow = compileAllow(options.allow ?? []);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const resolve = options.resolve ?? defaultResolve;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let headers = { ...options.headers };
  let url = checkOutboundUrl(raw);
  for (let hop = 0; ; hop += 1) {
    let res: http.IncomingMessage;
    try {
      const addresses = await checkedAddresses(url, allow, resolve, signal);
      signal.throwIfAborted();
      res = await requestOnce(url, addresses, headers, signal);
    } catch (e) {
      throw failure(e, url.href, timeoutMs, timeout);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location) {
      res.destroy();
      if (hop >= maxRedirects)
        throw new OutboundFailedError('too_many_redirects', `redirected more than ${maxRedirects} times`, url.href);
      const next = checkOutboundUrl(location, url.href);
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      }
      url = next;
      continue;
    }
    let body: Buffer;
    try {
      body = await readBody(res, maxBytes, url.href);
    } catch (e) {
      throw failure(e, url.href, timeoutMs, timeout);
    }
    const finalUrl = url.href;
    return {
      url: finalUrl,
      status,
      statusText: res.statusMessage ?? '',
      ok: status >= 200 && status < 300,
      headers: res.headers,
      body,
      text: () => body.toString('utf8'),
      json: () => JSON.parse(body.toString('utf8')) as unknown,
    };
  }
}
