// npm run docs: writes docs/schemas/*.json, config/{bus,central}.example.yaml and the generated part of
// docs/protocol.md; with --check, fails listing the files that are stale instead.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaFiles } from './json-schemas.js';
import { centralConfigExample, configExample } from './config-example.js';
import { withProtocolBlock } from './protocol-doc.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every generated file (absolute path -> expected content). */
export function expectedFiles(root = REPO_ROOT): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, content] of jsonSchemaFiles())
    files.set(path.join(root, 'docs/schemas', name), content);
  files.set(path.join(root, 'config/bus.example.yaml'), configExample());
  files.set(path.join(root, 'config/central.example.yaml'), centralConfigExample());
  const protocol = path.join(root, 'docs/protocol.md');
  files.set(protocol, withProtocolBlock(read(protocol) ?? ''));
  return files;
}

/** Generated files whose committed content differs, plus stray files in docs/schemas/. */
export function staleFiles(root = REPO_ROOT): string[] {
  const expected = expectedFiles(root);
  const stale = [...expected]
    .filter(([file, content]) => read(file) !== content)
    .map(([file]) => file);
  const schemaDir = path.join(root, 'docs/schemas');
  const strays = readdirSync(schemaDir)
    .map((name) => path.join(schemaDir, name))
    .filter((file) => !expected.has(file));
  return [...stale, ...strays].map((file) => path.relative(root, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(`stale generated files (run npm run docs):\n${stale.join('\n')}`);
      process.exitCode = 1;
    }
  } else {
    const expected = expectedFiles();
    const schemaDir = path.join(REPO_ROOT, 'docs/schemas');
    for (const name of readdirSync(schemaDir)) {
      if (!expected.has(path.join(schemaDir, name))) rmSync(path.join(schemaDir, name));
    }
    for (const [file, content] of expected) writeFileSync(file, content);
    console.log(`wrote ${expected.size} files`);
  }
}
