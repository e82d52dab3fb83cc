import { defineConfig } from 'vitest/config';

// Unit tests: beside the code, under Node, against the real addon and real files.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'native/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'native/build/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
