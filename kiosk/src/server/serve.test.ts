import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@fsbus/shared';
import { createLogger, hashPassword } from '@fsbus/shared/node';
import { startKioskServer, type RunningKioskServer } from './serve.js';

const running: RunningKioskServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pinHash = await hashPassword('2468', { N: 1024, r: 8, p: 1 });

async function server(kiosk: Record<string, unknown> = {}, driver: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-kiosk-server-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
  writeFileSync(path.join(dir, 'driver.html'), '<!doctype html><title>driver</title>');
  writeFileSync(path.join(dir, 'password'), 'kiosk secret\n');
  const config = ConfigSchema.parse({
    busId: 'bfs-87-012',
    dataDir: dir,
    kiosk: {
      instance: 'kiosk-2',
      http: { port: 0 },
      passwordFile: path.join(dir, 'password'),
      staffPinHash: pinHash,
      ...kiosk,
    },
    driver,
  });
  const logger = createLogger({ service: 'kiosk', level: 'fatal', destination: new PassThrough() });
  const started = await startKioskServer({ config, logger, version: '0.1.0', rendererDir: dir });
  running.push(started);
  return started;
}

const staff = (url: string, body: string) =>
  fetch(new URL('staff', url), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });

describe('fsbus-kiosk', () => {
  it('serves the screen with its security headers, and its settings without the PIN hash', async () => {
    const { url } = await server();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Any path of the single-page app is the screen.
    expect((await fetch(new URL('why', url))).status).toBe(200);
    const settings = (await (await fetch(new URL('kiosk-config.json', url))).json()) as Record<
      string,
      unknown
    >;
    expect(settings).toMatchObject({
      busId: 'bfs-87-012',
      instance: 'kiosk-2',
      series: 'B',
      password: 'kiosk secret',
      staff: true,
      languages: ['fr', 'en', 'ar'],
      idleTimeoutS: 60,
    });
    // HEAD as the shell's app:// protocol answers it: the headers, no body.
    const head = await fetch(new URL('kiosk-config.json', url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(JSON.stringify(settings)).not.toContain('scrypt');
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405);
  });

  it('checks the staff PIN, and stops checking for 30 s after 5 wrong ones', async () => {
    const { url } = await server();
    expect((await staff(url, JSON.stringify({ pin: '2468' }))).status).toBe(204);
    expect((await staff(url, JSON.stringify({ pin: '1111' }))).status).toBe(403);
    expect((await staff(url, 'not json')).status).toBe(403);
    expect((await staff(url, JSON.stringify({ pin: 'x'.repeat(1000) }))).status).toBe(403);
    for (let i = 0; i < 2; i++) await staff(url, JSON.stringify({ pin: '0000' }));
    expect((await staff(url, JSON.stringify({ pin: '2468' }))).status).toBe(429);
  });

  it('serves the driver display at /driver, with its own settings', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-driver-password-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'driver.password'), 'driver secret\n');
    const { url, driverUrl } = await server(
      { languages: ['fr', 'ar'] },
      { username: 'driver-2', passwordFile: path.join(dir, 'driver.password') },
    );
    expect(driverUrl).toBe(`${url}driver`);
    const page = await fetch(driverUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>driver</title>');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // /driver/ would load its files from /driver/assets/: it goes to /driver.
    const slash = await fetch(new URL('driver/', url), { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/driver');
    const settings = (await (await fetch(new URL('driver-config.json', url))).json()) as Record<
      string,
      unknown
    >;
    expect(settings).toEqual({
      busId: 'bfs-87-012',
      username: 'driver-2',
      brokerUrl: 'ws://127.0.0.1:8083/mqtt',
      password: 'driver secret',
      languages: ['fr', 'ar'],
      version: '0.1.0',
    });
  });

  it('has no staff corner without a PIN hash', async () => {
    const { url } = await server({ staffPinHash: null });
    expect((await staff(url, JSON.stringify({ pin: '2468' }))).status).toBe(404);
  });
});
