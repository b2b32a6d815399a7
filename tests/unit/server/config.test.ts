import { loadConfig, ConfigError } from '../../../server/config';

describe('loadConfig', () => {
  it('when nothing is set, then it uses the documented defaults (embedded database, port 3000, OSM tiles)', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('./.data');
    expect(config.tileUrl).toContain('tile.openstreetmap.org');
    expect(config.sessionSecret).toHaveLength(64);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.capacityStaleDays).toBe(14);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['TILE_URL', 'ftp://tiles'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['SESSION_SECRET', 'short'],
    ['CAPACITY_STALE_DAYS', '0'],
    ['CAPACITY_STALE_DAYS', 'two weeks'],
    ['OUTBOUND_ALLOW', '10.0.0.0/33'],
    ['OUTBOUND_ALLOW', 'feeds.example.org,not a host'],
  ])('when %s=%s, then it refuses naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(new RegExp(`^${name}: `, 'm'));
    }
  });

  it('when NODE_ENV is not production and HOST is unset, then it binds to loopback only; production binds everywhere', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({}).hostExplicit).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).host).toBe('0.0.0.0');
    const explicit = loadConfig({ HOST: '0.0.0.0' });
    expect(explicit.host).toBe('0.0.0.0');
    expect(explicit.hostExplicit).toBe(true);
  });

  it('when DEV_OUTBOX is unset, then the outbox is off; DEV_OUTBOX=on in production is refused', () => {
    expect(loadConfig({}).devOutbox).toBe(false);
    expect(loadConfig({ DEV_OUTBOX: 'on' }).devOutbox).toBe(true);
    expect(() => loadConfig({ DEV_OUTBOX: 'yes' })).toThrow(/DEV_OUTBOX: must be on or off/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DEV_OUTBOX: 'on' })).toThrow(
      /DEV_OUTBOX: must be off when NODE_ENV=production/,
    );
  });

  it('OUTBOUND_ALLOW is empty by default and otherwise a trimmed list of hostnames and CIDRs', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    expect(loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32, feeds.internal.example,,fd00::/8' }).outboundAllow).toEqual([
      '127.0.0.1/32',
      'feeds.internal.example',
      'fd00::/8',
    ]);
  });

  it('when NODE_ENV=production without SESSION_SECRET, then it refuses naming SESSION_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: is required/);
  });

  it('when a variable is empty, then it is treated as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });
});
