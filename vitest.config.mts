import { defineConfig } from 'vitest/config';

// Unit tests: beside the code, under Node, against the real addon and real files. The find tests
// run twice: with the native regex engine (PCRE2, when the addon has it) and with the JavaScript
// one forced by HEXLOG_REGEX_ENGINE=js, so both engines pass the same tests.
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'out/**', 'native/build/**'],
    testTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'native/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'find with the JavaScript regex engine',
          include: ['src/main/services/find/*.test.ts', 'src/main/services/contract.fuzz.test.ts'],
          env: { HEXLOG_REGEX_ENGINE: 'js' },
        },
      },
    ],
  },
});
