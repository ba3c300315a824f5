// A Vite plugin: the kiosk's message files (src/i18n/messages/*.json, ICU MessageFormat) are
// compiled by Lingui's own compiler when they are bundled, so the screen ships no ICU parser
// and a malformed message fails the build, naming its file and key.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileMessageOrThrow } from '@lingui/message-utils/compileMessage';
import type { Plugin } from 'vite';

const CATALOGUE = /[\\/]i18n[\\/]messages[\\/][a-z]{2,3}\.json$/;

/** Every message of one catalogue compiled; throws `file: key: why` on the first bad one. */
export function compileCatalogue(file: string, source: string): Record<string, unknown> {
  const messages = JSON.parse(source) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(messages).map(([key, message]) => {
      try {
        return [key, compileMessageOrThrow(message)];
      } catch (error) {
        throw new Error(`${path.basename(file)}: ${key}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }),
  );
}

export function linguiCatalogues(): Plugin {
  return {
    name: 'fsbus-lingui-catalogues',
    // Loads the file before Vite's JSON plugin, which then makes the compiled JSON a module.
    enforce: 'pre',
    async load(id) {
      if (!CATALOGUE.test(id)) return null;
      return JSON.stringify(compileCatalogue(id, await readFile(id, 'utf8')));
    },
  };
}
