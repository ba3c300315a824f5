// The staff console's sessions at central, through its API and its MQTT over WebSocket on the
// API's port: a login for a token, the token as Bearer and as MQTT password, logout ending both;
// and the console's page served with its policy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionResponse } from '@fsbus/shared';
import { until } from '../broker/test/harness.js';
import {
  centralSetup,
  connected,
  secretOf,
  startCentralHere,
  type CentralSetup,
} from './central-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function call(
  setup: CentralSetup,
  port: number,
  method: string,
  url: string,
  options: { token?: string; json?: unknown } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        ca: readFileSync(setup.pki.caFile),
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
        });
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

async function central() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-sessions-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await centralSetup(dir, [
    { username: 'bfs-87-012', role: 'bus' },
    { username: 'marie', role: 'staff' },
    { username: 'paul', role: 'planner' },
  ]);
  const running = await startCentralHere(setup);
  cleanups.push(() => running.stop());
  const port = running.central.httpPort;
  const logIn = async (username: string, password = secretOf(username)) =>
    call(setup, port, 'POST', '/api/v1/session', { json: { username, password } });
  const ws = (username: string, password: string) =>
    mqtt.connect(`wss://127.0.0.1:${String(port)}/mqtt`, {
      username,
      password,
      clientId: `${username}-console-${Math.random().toString(16).slice(2, 8)}`,
      ca: readFileSync(setup.pki.caFile),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
  return { setup, port, logIn, ws };
}

describe('console sessions at central', () => {
  it('gives a token that is the API’s Bearer and the MQTT password, until logout', async () => {
    const { setup, port, logIn, ws } = await central();
    const answer = await logIn('marie');
    expect(answer.status).toBe(200);
    const session = JSON.parse(answer.body) as SessionResponse;
    expect(session).toMatchObject({ username: 'marie', role: 'staff', tileUrl: null, idleMin: 30 });
    expect(session.token).toMatch(/^fss_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(7.9 * 3_600_000);

    const fleet = await call(setup, port, 'GET', '/api/v1/fleet', { token: session.token });
    expect(fleet.status).toBe(200);
    // Over WebSocket on the API's own port, with the user name it belongs to only.
    const live = await connected(ws('marie', session.token));
    cleanups.push(() => live.endAsync(true));
    await expect(connected(ws('paul', session.token))).rejects.toThrow();

    expect(
      (await call(setup, port, 'DELETE', '/api/v1/session', { token: session.token })).status,
    ).toBe(204);
    const after = await call(setup, port, 'GET', '/api/v1/fleet', { token: session.token });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body)).toEqual({ error: 'session ended: log in again' });
    await until(() => !live.connected, 'the live link closed', 10_000);
    await expect(connected(ws('marie', session.token))).rejects.toThrow();
  });

  it('refuses a wrong password, a bus account and a malformed login', async () => {
    const { logIn, setup, port } = await central();
    expect((await logIn('marie', 'wrong')).status).toBe(401);
    expect((await logIn('bfs-87-012')).status).toBe(403);
    const malformed = await call(setup, port, 'POST', '/api/v1/session', { json: { user: 'x' } });
    expect(malformed.status).toBe(400);
    expect((await call(setup, port, 'GET', '/api/v1/fleet', { token: 'fss_nothing' })).status).toBe(
      401,
    );
  });

  it('serves the console at / and at its own paths, with a strict policy', async () => {
    const { setup, port } = await central();
    for (const url of ['/', '/reports?period=2026-11', '/buses/bfs-87-012/days/2026-11-23']) {
      const page = await call(setup, port, 'GET', url);
      expect(page.status, url).toBe(200);
      expect(page.body).toContain('console de la flotte');
      const policy = String(page.headers['content-security-policy']);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("connect-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
    }
    // Its files from the root, so that a deep link finds them too.
    const deep = await call(setup, port, 'GET', '/reports/monthly/bfs-87-012/2026-11');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(deep.body)?.[1];
    expect(script).toBeDefined();
    const asset = await call(setup, port, 'GET', String(script));
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    // Unknown API paths are not pages; encoded ones reach no route without a login.
    expect((await call(setup, port, 'GET', '/api/v1/nothing')).status).toBe(404);
    expect((await call(setup, port, 'GET', '/api/v2/fleet')).status).toBe(404);
    for (const sneaky of ['/%61pi/v1/fleet', '/api/v1/%66leet', '/api%2Fv1/fleet']) {
      const answer = await call(setup, port, 'GET', sneaky);
      expect(answer.status, sneaky).not.toBe(200);
      expect(answer.body, sneaky).not.toContain('"buses"');
    }
  });
});
