/** Vite build of the React client (client/ → dist/client), with NHS.UK frontend CSS made CSP- and offline-safe. */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const fromRoot = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The API server the dev server proxies to (npm run dev). */
const API_ORIGIN = 'http://localhost:3000';

/** Dev-server proxy to the API that lets Vite serve our own modules under /api/ (client/api/*.ts share the prefix). */
const apiProxy = {
  target: API_ORIGIN,
  bypass: (req: { url?: string }) => (/^\/api\/[^?]*\.tsx?(\?|$)/.test(req.url ?? '') ? req.url : undefined),
};

/** The compiled nhsuk-frontend stylesheet this build rewrites. */
const NHSUK_CSS = /[\\/]nhsuk-frontend[\\/]dist[\\/]nhsuk[\\/]nhsuk-frontend(\.min)?\.css$/;

/** Removes every at-rule block whose prelude matches `prelude` (balanced braces), e.g. IE-only `@media screen\0` hacks. */
function dropBlocks(css: string, prelude: RegExp): string {
  let out = '';
  let rest = css;
  for (let match = prelude.exec(rest); match; match = prelude.exec(rest)) {
    const open = rest.indexOf('{', match.index);
    let depth = 0;
    let end = open;
    for (; end < rest.length; end++) {
      if (rest[end] === '{') depth++;
      else if (rest[end] === '}' && --depth === 0) break;
    }
    out += rest.slice(0, match.index);
    rest = rest.slice(end + 1);
  }
  return out + rest;
}

/**
 * Makes nhsuk-frontend's compiled CSS self-contained: drops its @font-face rules, which load Frutiger from
 * assets.nhs.uk (blocked by our CSP and unavailable offline; the font stack already falls back to Arial, as
 * NHS.UK does), turns its root-absolute `/assets/images/…` icon URLs into relative ones so Vite bundles them, and drops
 * Internet Explorer-only `@media screen\0` hacks that Vite's CSS minifier (lightningcss) cannot parse.
 */
function nhsukSelfContainedCss(): Plugin {
  return {
    name: 'signpost:nhsuk-self-contained-css',
    enforce: 'pre',
    transform(code, id) {
      if (!NHSUK_CSS.test(id.split('?')[0] ?? id)) return null;
      const css = dropBlocks(code, /@media screen\\0[^{]*\{/)
        .replace(/@font-face\s*\{[^}]*\}/g, '')
        .replace(/url\((['"]?)\/assets\/images\//g, 'url($1./assets/images/')
        .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, ''); // the shipped map no longer matches
      if (/url\((['"]?)(https?:)?\/\//.test(css)) {
        this.error('nhsuk-frontend CSS still references an external URL; update signpost:nhsuk-self-contained-css');
      }
      return { code: css, map: null };
    },
  };
}

export default defineConfig(({ command }) => ({
  root: fromRoot('./client'),
  publicDir: fromRoot('./client/public'),
  plugins: [nhsukSelfContainedCss()],
  resolve: {
    alias: {
      '@shared': fromRoot('./shared'),
      '@client': fromRoot('./client'),
    },
  },
  // Vite 8 compiles TSX with oxc itself: React's automatic runtime, with dev-only source info when serving.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react', development: command === 'serve' },
  },
  build: {
    outDir: fromRoot('./dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // Timing warnings only measure how busy the shared build machine is.
      checks: { bundlerTimings: false },
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for React Server Components; meaningless in this SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && /node_modules/.test(warning.id ?? '')) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': apiProxy,
      '/healthz': API_ORIGIN,
      '/readyz': API_ORIGIN,
    },
  },
}));
