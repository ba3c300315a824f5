// npm run build, second step: each service's CLI as one minified ES module (dist/fsbus-*.mjs),
// which its bin/ launcher runs, and the kiosk screen (Vite, kiosk/dist/renderer/). One file instead of hundreds of modules keeps a service's memory
// down on the bus's small box (the bridge: about 90 -> 75 MiB RSS). Native addons stay outside.
import path from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(import.meta.dirname, '..');

/** Packages that load a compiled addon next to their own files, so they cannot be bundled. */
const NATIVE = ['@serialport/bindings-cpp', 'classic-level', 'better-sqlite3'];

const SERVICES = [
  { entry: 'broker/dist/cli.js', out: 'broker/dist/fsbus-broker.mjs' },
  { entry: 'firmware-bridge/dist/cli.js', out: 'firmware-bridge/dist/fsbus-bridge.mjs' },
  { entry: 'kiosk/dist/server/cli.js', out: 'kiosk/dist/fsbus-kiosk.mjs' },
];

await Promise.all(
  SERVICES.map(({ entry, out }) =>
    build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, out),
      bundle: true,
      minify: true,
      sourcemap: 'linked',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: NATIVE,
      // CommonJS packages inside an ES module bundle still call require().
      banner: {
        js: "import { createRequire as __fsbusCreateRequire } from 'node:module'; const require = __fsbusCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
    }),
  ),
);

await viteBuild({
  configFile: path.join(root, 'kiosk/renderer/vite.config.ts'),
  logLevel: 'warn',
});
