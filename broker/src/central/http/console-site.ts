// The staff console's files on the API's port: its page at / (and at any path of its own, so a
// link to a bus's day can be opened or reloaded), its hashed assets under /assets/, and the
// headers that keep the page to its own origin (and the map tiles the config names).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { CentralConfig } from '@fsbus/shared';

/** The console's page in the kiosk package's build (kiosk/dist/console/console.html). */
export const CONSOLE_PAGE = 'console.html';

/**
 * React Aria's one inline stylesheet (usePress's touch-action rule), allowed by its hash, as on
 * the kiosk (kiosk/src/server/headers.ts).
 */
const REACT_ARIA_PRESS_STYLE_HASH = "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='";

/**
 * Observable Plot's one inline stylesheet (each chart's `<style>`, the same text for its
 * default class name), allowed by its hash. A Plot upgrade that changes it shows as a CSP
 * violation in the console's Chromium tests.
 */
const PLOT_STYLE_HASH = "'sha256-jSYQUrW7J0b3jPqhZP9C2Xh1PyJKHKXd4s0fpGGKrww='";

/** The folder of the built console, or null when the kiosk package is not built. */
export function consoleDir(): string | null {
  try {
    const kiosk = path.dirname(fileURLToPath(import.meta.resolve('@fsbus/kiosk/package.json')));
    const dir = path.join(kiosk, 'dist', 'console');
    return existsSync(path.join(dir, CONSOLE_PAGE)) ? dir : null;
  } catch {
    return null;
  }
}

/** The console page's Content-Security-Policy: its own origin, and the tile server if any. */
export function consolePolicy(settings: CentralConfig['console']): string {
  const tiles = settings.tileUrl === null ? '' : ` ${new URL(settings.tileUrl).origin}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' ${REACT_ARIA_PRESS_STYLE_HASH} ${PLOT_STYLE_HASH}`,
    `img-src 'self' data: blob:${tiles}`,
    "font-src 'self'",
    // 'self' covers the same origin's ws:/wss: (MQTT at /mqtt) in CSP 3 browsers.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A request's path, percent-decoded (undecodable: as it came). */
function decodedPath(url: string): string {
  const path = url.split('?')[0] ?? url;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Serves the console from `dir`; without a build, its paths answer 503 with what to do. */
export async function registerConsole(
  app: FastifyInstance,
  dir: string | null,
  settings: CentralConfig['console'],
): Promise<void> {
  const headers = {
    'content-security-policy': consolePolicy(settings),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
  };
  if (dir !== null) {
    await app.register(fastifyStatic, {
      root: path.join(dir, 'assets'),
      prefix: '/assets/',
      // Vite names each asset by its content's hash: it may be kept for good.
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (response) => {
        response.header('x-content-type-options', 'nosniff');
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    // The path as the router reads it (percent-decoded): /api/… and /assets/… are never pages.
    const path = decodedPath(request.url);
    const page =
      request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/');
    if (!page) return reply.code(404).send({ error: `no route ${request.method} ${request.url}` });
    if (dir === null) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The staff console is not built: run `npm run build` in the fsbus checkout.\n');
    }
    return reply
      .headers({ ...headers, 'cache-control': 'no-cache' })
      .sendFile(CONSOLE_PAGE, dir, { cacheControl: false });
  });
}
