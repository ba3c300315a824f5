// The files a config names (passwords), read at start: a problem stops the service with exit 78
// and one line naming the key and the file.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';

/** A startup problem with a file the config names: one line saying which key, file and why. */
export function fileProblem(
  key: string,
  file: string,
  expected: string,
  found: string,
): ConfigError {
  return new ConfigError([{ source: 'config', path: key, expected, found: `${file}: ${found}` }]);
}

/** Reads a password file named by config key `key` (trimmed), or refuses saying which file. */
export async function readSecret(key: string, file: string | null): Promise<string | null> {
  if (file === null) return null;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw fileProblem(key, file, 'a readable file', (error as Error).message);
  }
}

/** The same, synchronously (the Electron shell reads it before its window exists). */
export function readSecretSync(key: string, file: string | null): string | null {
  if (file === null) return null;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw fileProblem(key, file, 'a readable file', (error as Error).message);
  }
}
