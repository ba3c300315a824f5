// The screens' build: the visitor kiosk and the driver display, small bundles with their fonts,
// served by fsbus-kiosk (HTTP) or the Electron shell (app://). Nothing is fetched from the
// network at run time.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { linguiCatalogues } from './lingui-catalogs.js';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [linguiCatalogues(), react()],
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
    // Two screens, one bundle each over shared chunks: the visitor kiosk and the driver display.
    rolldownOptions: {
      input: {
        kiosk: path.join(import.meta.dirname, 'index.html'),
        driver: path.join(import.meta.dirname, 'driver.html'),
      },
    },
    emptyOutDir: true,
    target: 'chrome120',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    // Size is measured by npm run bench -- kiosk (gzip), against its target.
    chunkSizeWarningLimit: 2000,
  },
});
