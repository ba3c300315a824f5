// The fsbus-central commands staff use for accounts, as docs/central.md describes them.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCentralCommand } from '../broker/src/central/cli.js';
import { centralSetup, connectToCentral, connected, startCentralHere } from './central-harness.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCentralCommand(argv, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('fsbus-central account commands', () => {
  it('adds a bus whose printed password logs in, lists it, renews and revokes it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cli-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const setup = await centralSetup(dir, []);
    const running = await startCentralHere(setup);
    cleanups.push(() => running.stop());
    const config = ['--config', setup.configFile];

    const added = await run('add-bus', 'bfs-87-012', ...config);
    expect(added.code).toBe(0);
    const password = added.out.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = path.join(dir, 'central', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bus = await connected(connectToCentral(setup, 'bfs-87-012', { password }));
    const closed = new Promise<void>((resolve) => {
      bus.once('close', () => {
        resolve();
      });
    });

    expect(await run('add-bus', 'bfs-87-012', ...config)).toMatchObject({ code: 65 });
    const renewed = await run('add-bus', 'bfs-87-012', '--replace', ...config);
    expect(renewed.code).toBe(0);
    expect(renewed.out.trim()).not.toBe(password);
    // A leaked password renewed: its connection is closed.
    await closed;
    // A name that could take the bus's client ids (bfs-87-012-uplink) is refused.
    const clash = await run('add-user', 'bfs-87', '--role', 'staff', ...config);
    expect(clash.code).toBe(65);
    expect(clash.err).toMatch(/bfs-87 and bfs-87-012/);

    expect(await run('add-user', 'paul', '--role', 'planner', ...config)).toMatchObject({
      code: 0,
    });
    const listed = await run('accounts', ...config);
    expect(
      listed.out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t').slice(0, 2)),
    ).toEqual([
      ['bfs-87-012', 'bus'],
      ['paul', 'planner'],
    ]);
    expect(await run('revoke-bus', 'paul', ...config)).toMatchObject({ code: 65 });
    expect(await run('revoke-bus', 'bfs-87-012', ...config)).toMatchObject({ code: 0 });
    const refused = await connected(
      connectToCentral(setup, 'bfs-87-012', { password: renewed.out.trim() }),
    ).catch((error: unknown) => error);
    expect((refused as { code?: unknown }).code).toBe(4);
  });

  it('says what is wrong with a command line, a bus id or a config', async () => {
    expect(await run('add-bus', 'x')).toMatchObject({ code: 64 });
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cli-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const setup = await centralSetup(dir, []);
    const config = ['--config', setup.configFile];
    const badId = await run('add-bus', 'bad/id', ...config);
    expect(badId).toMatchObject({ code: 64 });
    expect(badId.err).toMatch(/"bad\/id" is not a bus id/);
    expect(await run('frobnicate', ...config)).toMatchObject({ code: 64 });
    expect(await run('add-user', 'anne', ...config)).toMatchObject({ code: 64 });
    const missing = await run('accounts', '--config', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(78);
    expect(missing.err).toMatch(/nope\.yaml/);
    expect((await run('--help')).out).toMatch(/plan publish BUS_ID FILE/);
  });
});
