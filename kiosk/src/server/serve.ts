// fsbus-kiosk's HTTP side: the kiosk screen (the built renderer) for a browser, the driver display
// (/driver) for a second screen or the driver's tablet, their settings from the bus config, and
// the staff PIN check. Everything is served from
// the bus itself: nothing is fetched from elsewhere.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import type { Config } from '@fsbus/shared';
import { readSecret, verifyPassword, type Logger, type Running } from '@fsbus/shared/node';
import { driverSettings, kioskSettings } from './settings.js';
import { PinGate } from './pin-gate.js';
import { SECURITY_HEADERS } from './headers.js';

export interface KioskServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly version: string;
  /** The built renderer (default: next to this module's build). */
  readonly rendererDir?: string;
}

export interface RunningKioskServer extends Running {
  /** The screen's URL, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  /** The driver display's URL, e.g. http://127.0.0.1:8080/driver */
  readonly driverUrl: string;
}

/** Where `npm run build` puts the renderer, seen from the bundle (dist/) or the sources. */
function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const [bundled, sources] = [path.join(here, 'renderer'), path.join(here, '../../dist/renderer')];
  return existsSync(path.join(bundled, 'index.html')) ? bundled : sources;
}

/** A small JSON body (the PIN), or null when it is too long or not JSON. */
async function smallJson(request: IncomingMessage, max = 256): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export async function startKioskServer(options: KioskServerOptions): Promise<RunningKioskServer> {
  const { config, logger } = options;
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`no kiosk screen built in ${rendererDir}: run npm run build`);
  }
  const password = await readSecret('kiosk.passwordFile', config.kiosk.passwordFile);
  const driverPassword = await readSecret('driver.passwordFile', config.driver.passwordFile);
  const settings = {
    '/kiosk-config.json': JSON.stringify({
      ...kioskSettings(config, password),
      version: options.version,
    }),
    '/driver-config.json': JSON.stringify({
      ...driverSettings(config, driverPassword),
      version: options.version,
    }),
  };
  const pins = new PinGate();
  const files = sirv(rendererDir, { single: true, etag: true, gzip: false, dev: false });

  const send = (response: ServerResponse, status: number, body = '', type = 'text/plain') => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  const staff = async (request: IncomingMessage, response: ServerResponse) => {
    const hash = config.kiosk.staffPinHash;
    if (hash === null) {
      send(response, 404);
      return;
    }
    if (!pins.open()) {
      send(response, 429, 'too many wrong PINs: wait');
      return;
    }
    const body = await smallJson(request);
    const pin = (body as { pin?: unknown } | null)?.pin;
    const ok =
      typeof pin === 'string' && /^\d{1,12}$/.test(pin) && (await verifyPassword(pin, hash));
    pins.record(ok);
    if (!ok) logger.warn('staff corner: wrong PIN');
    send(response, ok ? 204 : 403);
  };

  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? '/', 'http://kiosk');
    const screenSettings = settings[url.pathname as keyof typeof settings] as string | undefined;
    if (screenSettings !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
      send(response, 200, request.method === 'HEAD' ? '' : screenSettings, 'application/json');
      return;
    }
    if (url.pathname === '/staff' && request.method === 'POST') {
      staff(request, response).catch((error: unknown) => {
        logger.error({ err: error }, 'staff corner: cannot check the PIN');
        send(response, 500);
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405);
      return;
    }
    // The driver display's page is driver.html; its files are relative to /, not to /driver/.
    if (url.pathname === '/driver/') {
      response.writeHead(308, { location: '/driver' });
      response.end();
      return;
    }
    files(request, response, () => {
      send(response, 404);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.kiosk.http.port, config.kiosk.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${String(port)}/`;
  const driverUrl = `${url}driver`;
  logger.info({ url, instance: config.kiosk.instance }, `kiosk screen at ${url}`);
  logger.info(
    { url: driverUrl, username: config.driver.username },
    `driver display at ${driverUrl}`,
  );
  return {
    url,
    driverUrl,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
