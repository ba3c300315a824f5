// The shell's app:// protocol: the built screens (the kiosk's, and the driver display's at
// /driver), their settings and the staff PIN check, with the same answers and headers as
// fsbus-kiosk's HTTP server. No Electron here (a Request in, a Response out), so it is tested on
// real files.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyPassword, type Logger } from '@fsbus/shared/node';
import { PinGate } from '../server/pin-gate.js';
import { KIOSK_SECURITY } from './security.js';

export interface AppProtocolOptions {
  /** The built renderer; nothing outside it is ever read. */
  readonly rendererDir: string;
  /** The body of /kiosk-config.json (kioskSettings + version). */
  readonly settings: string;
  /** The body of /driver-config.json (driverSettings + version); null: no driver display. */
  readonly driverSettings: string | null;
  readonly staffPinHash: string | null;
  readonly logger: Logger;
  readonly pins?: PinGate;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a URL path names inside the renderer folder, or null when it would be outside
 * (`..`, encoded or not), is malformed or holds a NUL. A path without an extension is the
 * single-page app's index.html, as with fsbus-kiosk.
 */
export function rendererFile(rendererDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${path.sep}${decoded}`);
  const relative = path.relative(root, file);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return null;
  }
  // The driver display's page; any other path without an extension is the kiosk's.
  if (relative === 'driver') return path.join(root, 'driver.html');
  return path.extname(file) === '' ? path.join(root, 'index.html') : file;
}

/** What a Response is made of (Node's fetch types, whatever the lib setting). */
type ResponseBody = ConstructorParameters<typeof Response>[0];

/** A small JSON body (the PIN), or null when it is too long or not JSON. */
async function smallJson(request: Request, max = 256): Promise<unknown> {
  if (request.body === null) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.length;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(next.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The protocol.handle handler of app://kiosk/. */
export function appProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const { logger, staffPinHash } = options;
  const pins = options.pins ?? new PinGate();

  const send = (
    status: number,
    body: ResponseBody = null,
    type = 'text/plain',
    cache = 'no-store',
  ) =>
    new Response(status === 204 ? null : body, {
      status,
      headers: { ...KIOSK_SECURITY.headers, 'content-type': type, 'cache-control': cache },
    });

  const staff = async (request: Request): Promise<Response> => {
    if (staffPinHash === null) return send(404);
    if (!pins.open()) return send(429, 'too many wrong PINs: wait');
    const body = await smallJson(request);
    const pin = (body as { pin?: unknown } | null)?.pin;
    const ok =
      typeof pin === 'string' &&
      /^\d{1,12}$/.test(pin) &&
      (await verifyPassword(pin, staffPinHash));
    pins.record(ok);
    if (!ok) logger.warn('staff corner: wrong PIN');
    return send(ok ? 204 : 403);
  };

  const file = async (pathname: string, head: boolean): Promise<Response> => {
    const found = rendererFile(options.rendererDir, pathname);
    if (found === null) {
      logger.warn({ pathname }, 'app protocol: refused a path outside the screen');
      return send(404);
    }
    try {
      const bytes = await readFile(found);
      const type = TYPES[path.extname(found)] ?? 'application/octet-stream';
      return send(200, head ? null : bytes, type, 'no-cache');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return send(404);
      throw error;
    }
  };

  const answer = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.host !== KIOSK_SECURITY.host) return send(404);
    const read = request.method === 'GET' || request.method === 'HEAD';
    const settings =
      url.pathname === '/kiosk-config.json'
        ? options.settings
        : url.pathname === '/driver-config.json'
          ? options.driverSettings
          : null;
    if (settings !== null && read) {
      return send(200, request.method === 'HEAD' ? null : settings, 'application/json');
    }
    // The driver display's files are relative to /, not to /driver/.
    if (url.pathname === '/driver/' && read) {
      return new Response(null, {
        status: 308,
        headers: { ...KIOSK_SECURITY.headers, location: '/driver' },
      });
    }
    if (url.pathname === '/staff' && request.method === 'POST') return staff(request);
    if (!read) return send(405);
    return file(url.pathname, request.method === 'HEAD');
  };
  // A rejected promise would show the visitor a network error page: answer 500 instead.
  return (request) =>
    answer(request).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'app protocol: cannot answer');
      return send(500);
    });
}
