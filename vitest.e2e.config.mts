import { defineConfig } from 'vitest/config';

// End-to-end tests: Debian's Chromium through Playwright against the browser host.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // A loaded 2-core machine can take more than the default second to show a page.
    expect: { poll: { timeout: 5_000 } },
  },
});
