// npm run build, second step: each service's CLI as one minified ES module (dist/fsbus-*.mjs),
// which its bin/ launcher runs; the kiosk's Electron main process the same way
// (kiosk/dist/kiosk-shell.mjs, what electron-builder packs, with no node_modules); and the kiosk
// screen (Vite, kiosk/dist/renderer/). One file instead of hundreds of modules keeps a service's
// memory down on the bus's small box (the bridge: about 90 -> 75 MiB RSS). Native addons stay
// outside. Then the screens (Vite): the bus's into kiosk/dist/renderer/, the staff console into
// kiosk/dist/console/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(import.meta.dirname, '..');

/** Packages that load a compiled addon next to their own files, so they cannot be bundled. */
const NATIVE = ['@serialport/bindings-cpp', 'classic-level', 'better-sqlite3'];

const SERVICES = [
  { entry: 'broker/dist/cli.js', out: 'broker/dist/fsbus-broker.mjs' },
  { entry: 'broker/dist/central/serve.js', out: 'broker/dist/fsbus-central.mjs' },
  { entry: 'firmware-bridge/dist/cli.js', out: 'firmware-bridge/dist/fsbus-bridge.mjs' },
  { entry: 'kiosk/dist/server/cli.js', out: 'kiosk/dist/fsbus-kiosk.mjs' },
  // Electron itself is the runtime that loads it.
  {
    entry: 'kiosk/dist/electron/main.js',
    out: 'kiosk/dist/kiosk-shell.mjs',
    external: ['electron'],
  },
];

await Promise.all(
  SERVICES.map(async ({ entry, out, external = [] }) => {
    const result = await build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, out),
      bundle: true,
      minify: true,
      sourcemap: 'linked',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: [...NATIVE, ...external],
      // CommonJS packages inside an ES module bundle still call require().
      banner: {
        js: "import { createRequire as __fsbusCreateRequire } from 'node:module'; const require = __fsbusCreateRequire(import.meta.url);",
      },
      metafile: true,
      logLevel: 'warning',
    });
    // What the bundle still imports at run time, for its tests (out.imports.json).
    const outputs = Object.values(result.metafile.outputs).filter((o) => o.entryPoint);
    const imports = [...new Set(outputs.flatMap((o) => o.imports.map((i) => i.path)))].sort();
    writeFileSync(path.join(root, `${out}.imports.json`), `${JSON.stringify(imports)}\n`);
  }),
);

// The screen as shipped, whoever runs the build: vitest sets NODE_ENV=test, which Vite would
// otherwise bake in (React's development build, React Aria's test paths).
process.env.NODE_ENV = 'production';
// The bus's screens (dist/renderer/), then the staff console (dist/console/).
for (const mode of ['production', 'console']) {
  await viteBuild({
    configFile: path.join(root, 'kiosk/renderer/vite.config.ts'),
    mode,
    logLevel: 'warn',
  });
}
