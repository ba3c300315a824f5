import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceCommand, type StartupIo } from './service-cli.js';
import { EXIT } from './service.js';

const command = { name: 'fsbus-test', summary: 'A test service.', moduleUrl: import.meta.url };
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cli-'));

interface Captured extends StartupIo {
  readonly printed: string[];
  readonly complained: string[];
}

function io(argv: string[], env: Record<string, string> = {}): Captured {
  const printed: string[] = [];
  const complained: string[] = [];
  return {
    argv,
    env,
    out: (t) => printed.push(t),
    err: (t) => complained.push(t),
    printed,
    complained,
  };
}

describe('parseServiceCommand', () => {
  it('prints help and exits 0', () => {
    const streams = io(['--help']);
    expect(parseServiceCommand(command, streams)).toEqual({ exit: EXIT.ok });
    expect(streams.printed.join('')).toContain('Usage: fsbus-test [--config FILE]');
  });

  it('prints the version and exits 0', () => {
    const streams = io(['-v']);
    expect(parseServiceCommand(command, streams)).toEqual({ exit: EXIT.ok });
    expect(streams.printed.join('')).toBe('0.1.0\n');
  });

  it('exits 64 on an unknown option', () => {
    const streams = io(['--colour']);
    expect(parseServiceCommand(command, streams)).toEqual({ exit: EXIT.usage });
    expect(streams.complained.join('')).toContain("Unknown option '--colour'");
  });

  it('exits 78 with one line per config problem', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'busId: b1\nbroker:\n  tcpPort: http\n');
    const streams = io(['--config', file], { FSBUS_LOG__LEVEL: 'loud' });
    expect(parseServiceCommand(command, streams)).toEqual({ exit: EXIT.config });
    expect(streams.complained.join('').trim().split('\n')).toEqual([
      'env FSBUS_LOG__LEVEL: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", found "loud"',
      `${file}: broker.tcpPort: expected a number, found "http"`,
    ]);
  });

  it('returns the config and version when all is well, the file coming from FSBUS_CONFIG', () => {
    const file = path.join(dir, 'good.yaml');
    writeFileSync(file, 'busId: b7\n');
    const outcome = parseServiceCommand(command, io([], { FSBUS_CONFIG: file }));
    expect(outcome).toMatchObject({ run: { version: '0.1.0', config: { busId: 'b7' } } });
  });
});
