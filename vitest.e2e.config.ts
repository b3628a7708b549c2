import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: the real server, the built tab and the Agents Playground in Debian's Chromium.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
