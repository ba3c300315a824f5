// Vitest global setup: builds every package and bundles the services first, so tests that run a
// built CLI (bin/ -> dist/) never run stale code. tsc -b is incremental; bundling takes a second.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export default function build(): void {
  const require = createRequire(import.meta.url);
  const cwd = path.resolve(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    {
      cwd,
      stdio: 'inherit',
    },
  );
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/bundle.ts'], {
    cwd,
    stdio: 'inherit',
  });
}
