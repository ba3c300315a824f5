// The packed shell is one file (kiosk/dist/kiosk-shell.mjs, built by npm run build before the
// tests): electron-builder ships no node_modules with it, so it may import only Electron and
// Node's own modules.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = path.resolve(import.meta.dirname, '../../dist');

describe('the bundled kiosk shell', () => {
  it('imports nothing but electron and Node built-ins', () => {
    const imports = JSON.parse(
      readFileSync(path.join(dist, 'kiosk-shell.mjs.imports.json'), 'utf8'),
    ) as string[];
    expect(imports).toContain('electron');
    const builtins = new Set(builtinModules);
    const foreign = imports.filter(
      (name) => name !== 'electron' && !name.startsWith('node:') && !builtins.has(name),
    );
    expect(foreign).toEqual([]);
  });

  it('carries the shell itself, not a re-export of files left outside the package', () => {
    const code = readFileSync(path.join(dist, 'kiosk-shell.mjs'), 'utf8');
    expect(code).toContain('will-navigate');
    expect(code).toContain('setWindowOpenHandler');
  });
});
