// The built fsbus-config CLI, as an integrator runs it on the bus box.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '@fsbus/shared/node';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'shared/bin/fsbus-config.js');
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cli-'));

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<Result> {
  const run = promisify(execFile)(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  if (input !== undefined) {
    run.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await run;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('fsbus-config (built)', () => {
  it('prints its help and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: fsbus-config');
  });

  it('accepts the example config', async () => {
    const result = await cli(['check', '--config', path.join(ROOT, 'config/bus.example.yaml')]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('ok:') as string });
  });

  it('exits 78 with one line per problem naming file and key path', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'busId: b1\nbroker:\n  tcpPort: http\n  colour: red\n');
    const result = await cli(['check'], { FSBUS_CONFIG: file, FSBUS_KIOSK__IDLE_TIMEOUT_S: '1' });
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${file}: broker.tcpPort: expected a number, found "http"`,
      `${file}: broker.colour: expected a known key (bind, tcpPort, wsPort, wsPath, trustedProxies, allowAnonymous, anonymousRole, users, acl, maxMessageBytes, rateLimit, tls), found an unknown key`,
      'env FSBUS_KIOSK__IDLE_TIMEOUT_S: kiosk.idleTimeoutS: expected a value >= 15, found 1',
    ]);
  });

  it('shows the resolved config with env overrides applied', async () => {
    const result = await cli(['show'], { FSBUS_BUS_ID: 'b9', FSBUS_BROKER__TCP_PORT: '2883' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^busId: b9$/m);
    expect(result.stdout).toMatch(/^ {2}tcpPort: 2883$/m);
  });

  it('exits 64 on an unknown command or option', async () => {
    expect((await cli(['frobnicate'])).code).toBe(64);
    expect((await cli(['check', '--colour'])).code).toBe(64);
  });

  it('hashes a password read on stdin', async () => {
    const result = await cli(['hash-password'], {}, 'a long enough password\n');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  });

  it('hashes a staff PIN of digits, which the config then takes and the PIN matches', async () => {
    const result = await cli(['hash-pin'], {}, '2468\n');
    expect(result.code).toBe(0);
    const hash = result.stdout.trim();
    expect(await verifyPassword('2468', hash)).toBe(true);
    expect(await verifyPassword('2469', hash)).toBe(false);
    const check = await cli(['check'], { FSBUS_BUS_ID: 'b1', FSBUS_KIOSK__STAFF_PIN_HASH: hash });
    expect(check.code).toBe(0);
    for (const bad of ['12a4\n', '123\n', ''])
      expect((await cli(['hash-pin'], {}, bad)).stderr).toContain('a staff PIN is 4 to 12 digits');
  });
});
