// The kiosk screen's build: one small bundle with its fonts, served by fsbus-kiosk (HTTP) or
// the Electron shell (app://). Nothing is fetched from the network at run time.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  // @fsbus/shared from its TypeScript sources, by path (see tsconfig.json).
  resolve: {
    alias: { '@fsbus/shared': path.join(import.meta.dirname, '../../shared/src/index.ts') },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    // Size is measured by npm run bench -- kiosk (gzip), against its target.
    chunkSizeWarningLimit: 2000,
  },
});
