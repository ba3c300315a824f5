#!/usr/bin/env node
// npm run bench: runs every */bench/*.bench.ts in turn (TypeScript through tsx, @fsbus/* from source).
// Each benchmark prints ratios against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const files = ['shared', 'broker', 'firmware-bridge', 'kiosk']
  .map((pkg) => path.join(root, pkg, 'bench'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => path.join(dir, f)),
  )
  .filter((file) => only.length === 0 || only.some((name) => path.basename(file).includes(name)));

let failed = 0;
for (const file of files) {
  console.log(`\n# ${path.relative(root, file)}`);
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
