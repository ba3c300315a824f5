// Vitest for every workspace: unit tests beside the code, cross-package tests in test/.
import { defineConfig } from 'vitest/config';

// @fsbus/* packages resolve to their TypeScript sources (the "source" export condition).
const conditions = ['source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: [
      '*/src/**/*.test.ts',
      '*/scripts/**/*.test.ts',
      '*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    globalSetup: ['test/build.global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
