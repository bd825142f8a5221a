// @ts-check
// ESLint: the recommended rules of ESLint, typescript-eslint and React's hooks plugin.

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // dist: the build; src/lib/api-schema.d.ts: generated from openapi.json (`npm run api-types`).
  globalIgnores(['dist/', 'node_modules/', 'src/lib/api-schema.d.ts']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  // Node scripts: the e2e tests, the benchmark, the configs.
  {
    files: ['e2e/**/*.mjs', 'bench/**/*.mjs', '*.config.{js,ts}'],
    ignores: ['bench/instrument.mjs'],
    languageOptions: { globals: globals.node },
  },
  // Scripts that drive Chromium: their page.evaluate() callbacks run in the page.
  {
    files: ['e2e/**/*.mjs', 'bench/measure.mjs', 'bench/search-measure.mjs', 'bench/session.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // Runs only in the page (page.addInitScript), not in node.
  {
    files: ['bench/instrument.mjs'],
    languageOptions: { globals: globals.browser },
  },
);
