/** DEMO: when the demo loads at start and when one-click demo sign-in is allowed. */
import { ConfigError, loadConfig } from '../../../server/config';
import { demoAtStart, demoOneClickAllowed } from '../../../server/features/demo';

const SECRET = 'x'.repeat(32);

describe('DEMO configuration', () => {
  it('when nothing is set, then the demo is auto: loaded at the first start of the embedded database', () => {
    const config = loadConfig({});
    expect(config.demo).toBe('auto');
    expect(demoAtStart(config)).toBe(true);
    expect(demoOneClickAllowed(config)).toBe(true);
  });

  it('when DEMO=off, then the demo never loads and one-click sign-in is not offered', () => {
    const config = loadConfig({ DEMO: 'off' });
    expect([demoAtStart(config), demoOneClickAllowed(config)]).toEqual([false, false]);
  });

  it('when DATABASE_URL is set, then the demo loads only with DEMO=on', () => {
    const url = 'postgres://localhost/signpost';
    expect(demoAtStart(loadConfig({ DATABASE_URL: url }))).toBe(false);
    expect(demoAtStart(loadConfig({ DATABASE_URL: url, DEMO: 'auto' }))).toBe(false);
    expect(demoAtStart(loadConfig({ DATABASE_URL: url, DEMO: 'on' }))).toBe(true);
  });

  it('when NODE_ENV=production, then the demo never loads and one-click sign-in is never offered', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET });
    expect(config.demo).toBe('off');
    expect([demoAtStart(config), demoOneClickAllowed(config)]).toEqual([false, false]);
    expect(demoAtStart({ ...config, demo: 'on' })).toBe(false);
    expect(demoOneClickAllowed({ ...config, demo: 'on' })).toBe(false);
  });

  it('when NODE_ENV=production and DEMO=on, then the configuration is refused naming DEMO', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, DEMO: 'on' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, DEMO: 'on' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(['DEMO: must not be on when NODE_ENV=production']);
    }
  });

  it('when DEMO is not auto, on or off, then it is refused', () => {
    expect(() => loadConfig({ DEMO: 'yes' })).toThrow(/DEMO: must be auto, on or off/);
  });
});
