import { defineConfig } from 'vitest/config';

// Unit and integration tests. Browser end-to-end tests live in tests/e2e and run via `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
