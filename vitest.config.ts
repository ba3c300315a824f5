// Vitest for every workspace: unit tests beside the code, cross-package tests in test/.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // @fsbus/* packages resolve to their TypeScript sources (the "source" export condition).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: [
      '*/src/**/*.test.ts',
      'kiosk/renderer/src/**/*.test.ts',
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
