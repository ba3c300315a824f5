// The app:// protocol on real files: the screens (the kiosk's, the driver display's), their
// settings, the staff PIN, and nothing outside the renderer folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, hashPassword } from '@fsbus/shared/node';
import { PinGate } from '../server/pin-gate.js';
import { SECURITY_HEADERS } from '../server/headers.js';
import { appProtocolHandler, rendererFile } from './app-protocol.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-kiosk-app-'));
const rendererDir = path.join(dir, 'renderer');
mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
writeFileSync(path.join(rendererDir, 'driver.html'), '<!doctype html><title>driver</title>');
writeFileSync(path.join(rendererDir, 'assets/index.js'), 'export {};');
writeFileSync(path.join(dir, 'secret.txt'), 'not for the screen');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const pinHash = await hashPassword('2468', { N: 1024, r: 8, p: 1 });
const logger = createLogger({ service: 'kiosk', level: 'fatal', destination: new PassThrough() });
const settings = JSON.stringify({ instance: 'kiosk-2', version: '0.1.0' });
const driverSettings = JSON.stringify({ username: 'driver', version: '0.1.0' });

function handler(
  staffPinHash: string | null = pinHash,
  now = () => 0,
  driver: string | null = driverSettings,
) {
  return appProtocolHandler({
    rendererDir,
    settings,
    driverSettings: driver,
    staffPinHash,
    logger,
    pins: new PinGate({ now }),
  });
}

const staff = (pin: unknown) =>
  new Request('app://kiosk/staff', {
    method: 'POST',
    body:
      typeof pin === 'string' && pin.startsWith('raw:') ? pin.slice(4) : JSON.stringify({ pin }),
    headers: { 'content-type': 'application/json' },
  });

describe('rendererFile', () => {
  it('maps URL paths into the renderer folder, and extensionless ones to index.html', () => {
    expect(rendererFile(rendererDir, '/assets/index.js')).toBe(
      path.join(rendererDir, 'assets/index.js'),
    );
    expect(rendererFile(rendererDir, '/')).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFile(rendererDir, '/why')).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFile(rendererDir, '/driver')).toBe(path.join(rendererDir, 'driver.html'));
  });

  it('refuses every way out of the folder', () => {
    for (const pathname of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd.txt',
      '/..\0/x.js',
      '/%E0%A4%A', // malformed escape
    ]) {
      expect(rendererFile(rendererDir, pathname), pathname).toBeNull();
    }
    // An absolute path in the URL stays inside.
    expect(rendererFile(rendererDir, '//etc/passwd.txt')).toBe(
      path.join(rendererDir, 'etc/passwd.txt'),
    );
  });
});

describe('the app:// protocol', () => {
  it('serves the screen with its type and the security headers', async () => {
    const answer = handler();
    const page = await answer(new Request('app://kiosk/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(page.headers.get(name)).toBe(value);
    }
    expect(await page.text()).toContain('<title>kiosk</title>');
    const script = await answer(new Request('app://kiosk/assets/index.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await answer(new Request('app://kiosk/assets/missing.js'))).status).toBe(404);
  });

  it('serves the settings, and nothing for another host or method', async () => {
    const answer = handler();
    const config = await answer(new Request('app://kiosk/kiosk-config.json'));
    expect(config.headers.get('content-type')).toBe('application/json');
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toEqual({ instance: 'kiosk-2', version: '0.1.0' });
    const driver = await answer(new Request('app://kiosk/driver-config.json'));
    expect(await driver.json()).toEqual({ username: 'driver', version: '0.1.0' });
    expect(await (await answer(new Request('app://kiosk/driver'))).text()).toContain(
      '<title>driver</title>',
    );
    const slash = await answer(new Request('app://kiosk/driver/'));
    expect([slash.status, slash.headers.get('location')]).toEqual([308, '/driver']);
    // A shell without a driver display keeps the driver's settings (its password) to itself.
    const none = handler(pinHash, () => 0, null);
    expect((await none(new Request('app://kiosk/driver-config.json'))).status).toBe(404);
    expect((await answer(new Request('app://other/index.html'))).status).toBe(404);
    expect((await answer(new Request('app://kiosk/', { method: 'DELETE' }))).status).toBe(405);
  });

  it('never reads outside the renderer folder', async () => {
    const answer = handler();
    for (const url of ['app://kiosk/%2e%2e/secret.txt', 'app://kiosk/..%2fsecret.txt']) {
      const response = await answer(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('not for the screen');
    }
  });

  it('checks the staff PIN as fsbus-kiosk does: 204, 403, then 429 after 5 wrong', async () => {
    let now = 0;
    const answer = handler(pinHash, () => now);
    const ok = await answer(staff('2468'));
    expect(ok.status).toBe(204);
    expect(ok.headers.get('content-security-policy')).toBe(
      SECURITY_HEADERS['content-security-policy'],
    );
    expect((await answer(staff('1111'))).status).toBe(403);
    expect((await answer(staff('raw:not json'))).status).toBe(403);
    expect((await answer(staff(2468))).status).toBe(403);
    expect((await answer(staff(`raw:${'1'.repeat(300)}`))).status).toBe(403);
    expect((await answer(staff('1111'))).status).toBe(403); // the 5th wrong one
    expect((await answer(staff('2468'))).status).toBe(429);
    now = 30_000;
    expect((await answer(staff('2468'))).status).toBe(204);
  });

  it('has no staff corner without a PIN hash', async () => {
    expect((await handler(null)(staff('2468'))).status).toBe(404);
  });
});
