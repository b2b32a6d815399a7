// Lint with fences: each rule's message says what to do instead (see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'zlib', 'stream', 'url', 'util'];
const DRIVERS = [
  'pg',
  '@electric-sql/pglite',
  '@electric-sql/pglite-postgis',
  'drizzle-orm/pglite',
  'drizzle-orm/node-postgres',
  'drizzle-orm/pglite/*',
  'drizzle-orm/node-postgres/*',
];
const LEAFLET = ['leaflet', 'react-leaflet', 'leaflet/*'];

const restrict = (patterns) => ['error', { patterns }];

// No HTML strings into the DOM: names come from organisations and imported feeds. Leaflet parses a string given as
// tooltip, popup, icon html or attribution; hand it an element from client/map/dom.ts built in place instead.
const BUILD_NODES = 'Build DOM with textElement/linkElement/textTooltip (client/map/dom.ts), never an HTML string.';
const LEAFLET_CONTENT = /^(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)$/;
const NOT_BUILT_IN_PLACE = /^(?!CallExpression$|ArrowFunctionExpression$|FunctionExpression$)/;
const NO_HTML_STRINGS = [
  { selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]', message: BUILD_NODES },
  { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: BUILD_NODES },
  { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: BUILD_NODES },
  {
    selector: `CallExpression[callee.property.name=${LEAFLET_CONTENT}][arguments.0.type=${NOT_BUILT_IN_PLACE}]`,
    message: `Leaflet puts string content in with innerHTML: pass a call that builds the element. ${BUILD_NODES}`,
  },
  {
    selector: `Property[key.name='html'][value.type=${NOT_BUILT_IN_PLACE}]`,
    message: `divIcon puts string html in with innerHTML: pass a call that builds the element. ${BUILD_NODES}`,
  },
  {
    selector: "JSXAttribute[name.name='attribution'], CallExpression[callee.property.name='addAttribution']",
    message:
      "Leaflet's attribution control uses innerHTML: use AttributionControl (client/map/AttributionControl.tsx).",
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      '.test-cache/**',
      'coverage/**',
      'data/**',
      'tmp/**',
      'server/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['**/server/**', '@server/*', '**/client/**', '@client/*'],
          message: 'shared/ imports neither side: move the code into shared/ or pass it in as data.',
        },
        {
          group: [...NODE_BUILTINS, 'node:*'],
          message: 'shared/ runs in the browser too: no Node APIs; do I/O in server/ or scripts/.',
        },
        {
          group: [...LEAFLET, 'react', 'react-dom'],
          message: 'shared/ has no DOM or UI: keep pure functions here and UI in client/.',
        },
      ]),
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['**/server/**', '@server/*'],
          message: 'client/ never imports server/: share types and schemas through shared/.',
        },
        {
          group: LEAFLET,
          message:
            'Leaflet lives only in client/map/: add or extend a component there and pass it plain GeoJSON and props.',
        },
        {
          group: [...NODE_BUILTINS, 'node:*', ...DRIVERS],
          message: 'client/ runs in the browser: call the API instead.',
        },
      ]),
      'no-restricted-syntax': ['error', ...NO_HTML_STRINGS],
    },
  },
  {
    files: ['client/map/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['**/server/**', '@server/*'],
          message: 'client/ never imports server/: share types and schemas through shared/.',
        },
      ]),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/client/**', '@client/*'], message: 'server/ never imports client/: share through shared/.' },
        {
          group: DRIVERS,
          message: 'Only server/db/ imports a database driver: add a repository function and call it.',
        },
        {
          group: ['../*/routes', '../*/domain', '../*/repository', '../*/presenter', '../*/schemas'],
          message: 'Import another feature only through its index.ts front door.',
        },
      ]),
    },
  },
  {
    files: ['server/db/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/client/**', '@client/*'], message: 'server/ never imports client/.' },
      ]),
    },
  },
);
