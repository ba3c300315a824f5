// The screens' build: the visitor kiosk and the driver display, small bundles with their fonts,
// served by fsbus-kiosk (HTTP) or the Electron shell (app://); and the staff console, served by
// fsbus-central. Nothing is fetched from the network at run time (but map tiles, if configured).
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { franceBasemap } from './france-basemap.js';
import { linguiCatalogues } from './lingui-catalogs.js';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [linguiCatalogues(), franceBasemap(), react()],
  // @fsbus/shared from its TypeScript sources, by path (see tsconfig.json).
  resolve: {
    alias: [
      {
        find: '@fsbus/shared',
        replacement: path.join(import.meta.dirname, '../../shared/src/index.ts'),
      },
      // The Node modules mqtt.js's own modules import, as their npm browser versions (see
      // src/delivery/mqtt-ws.ts). The trailing slash some importers write names the package too.
      { find: /^buffer\/?$/, replacement: 'buffer/index.js' },
      { find: /^events\/?$/, replacement: 'events/events.js' },
      { find: /^process\/?$/, replacement: 'process/browser.js' },
    ],
  },
  build: {
    outDir: '../dist/renderer',
    // Three screens, one bundle each over shared chunks: the visitor kiosk, the driver display
    // and the staff console.
    rolldownOptions: {
      input: {
        kiosk: path.join(import.meta.dirname, 'index.html'),
        driver: path.join(import.meta.dirname, 'driver.html'),
        console: path.join(import.meta.dirname, 'console.html'),
      },
      output: {
        // zod and src/no-eval.ts (which turns zod's eval probe off) in one chunk of their own:
        // every chunk that builds a schema imports it, so it runs before any schema is built,
        // however the screens' modules are split (a probe is a CSP violation report).
        codeSplitting: {
          groups: [
            {
              name: 'zod',
              test: /[\\/](node_modules[\\/]zod[\\/]|src[\\/]no-eval\.ts$)/,
              priority: 10,
            },
          ],
        },
      },
    },
    emptyOutDir: true,
    // .vite/manifest.json: what each page loads, for npm run bench -- console.
    manifest: true,
    target: 'chrome120',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    // Size is measured by npm run bench -- kiosk (gzip), against its target.
    chunkSizeWarningLimit: 2000,
  },
});
