// The screens' builds, small bundles with their fonts; nothing is fetched from the network at
// run time (but map tiles, if configured). Two builds:
// - the bus's screens (the default): the visitor kiosk and the driver display, into
//   dist/renderer/, with relative addresses: fsbus-kiosk serves them over HTTP, the Electron
//   shell over app://;
// - `--mode console`: the staff console, into dist/console/, with addresses from the root:
//   fsbus-central serves it at / and at the console's own paths (/buses/…/days/…), so that a
//   deep link loads its files from /assets/.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { franceBasemap } from './france-basemap.js';
import { linguiCatalogues } from './lingui-catalogs.js';

export default defineConfig(({ mode }) => ({
  root: import.meta.dirname,
  base: mode === 'console' ? '/' : './',
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
    outDir: mode === 'console' ? '../dist/console' : '../dist/renderer',
    // One bundle per page over shared chunks.
    rolldownOptions: {
      input:
        mode === 'console'
          ? { console: path.join(import.meta.dirname, 'console.html') }
          : {
              kiosk: path.join(import.meta.dirname, 'index.html'),
              driver: path.join(import.meta.dirname, 'driver.html'),
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
}));
