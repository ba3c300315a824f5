// The outbox on real files under the failures a bus sees: killed with SIGKILL while it writes
// (again and again), and a full disk (a small tmpfs, so the test runs as root, as CI does).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type OutboxFault, type OutboxMessage } from '../src/outbox/outbox.js';
import { until } from './pty.js';

const BUILT_OUTBOX = fileURLToPath(new URL('../dist/outbox/outbox.js', import.meta.url));

const dirs: string[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) execFileSync('umount', [mount]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-outbox-'));
  dirs.push(dir);
  return dir;
}

/**
 * A writer that adds messages without pause and prints `c id` once a message's commit resolved,
 * and `a id` when it acknowledges one as central would.
 */
const WRITER = `
import { Outbox } from ${JSON.stringify(BUILT_OUTBOX)};
const [file, start] = process.argv.slice(1);
const outbox = new Outbox({ file, commitWindowMs: 5, telemetryCapBytes: 1e8, hardCapBytes: 2e8 });
let n = Number(start);
const hex = (i) => i.toString(16).padStart(12, '0');
setInterval(() => {
  for (let k = 0; k < 20; k++) {
    n += 1;
    const id = '0190a0c0-0000-7000-8000-' + hex(n);
    const kind = n % 4 === 0 ? 'telemetry' : 'event';
    outbox
      .add({ id, stream: kind === 'event' ? 'visit' : 'gnss', topic: 'fsbus/v1/bus-1/x', payload: JSON.stringify({ id, n }), class: kind })
      .then(() => process.stdout.write('c ' + id + '\\n'));
  }
  // Central acknowledges some of what is there, so deletes interleave with inserts.
  for (const row of outbox.next('event', 0, 5)) {
    outbox.ack(row);
    process.stdout.write('a ' + row.id + '\\n');
  }
}, 2);
`;

describe('Outbox durability', () => {
  it('keeps every committed message and an intact file through 25 SIGKILLs mid-write', async () => {
    const dir = workDir();
    const file = path.join(dir, 'outbox.sqlite');
    const committed = new Set<string>();
    const acked = new Set<string>();
    for (let round = 0; round < 25; round++) {
      const child = spawn(
        process.execPath,
        ['--input-type=module', '-e', WRITER, file, String(round * 1e6)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Kill it once it is writing, at a different moment each round.
      await until(
        () => output.split('\n').length > 20 + round * 7,
        `round ${String(round)} writing`,
        20_000,
      );
      child.kill('SIGKILL');
      await exited;
      for (const line of output.split('\n')) {
        const [what, id = ''] = line.split(' ');
        if (what === 'c') committed.add(id);
        if (what === 'a') acked.add(id);
      }
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(db.prepare('SELECT id FROM messages').pluck().all() as string[]);
      expect(committed.size).toBeGreaterThan(1000);
      // Acknowledged rows may be gone; every other committed one is still there.
      const lost = [...committed].filter((id) => !stored.has(id) && !acked.has(id));
      expect(lost).toEqual([]);
    } finally {
      db.close();
    }
  }, 120_000);

  it('keeps messages in memory while the disk is full, says so, and writes them when space returns', async () => {
    const mount = path.join(workDir(), 'tmpfs');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    mounts.push(mount);
    const faults: OutboxFault[] = [];
    const box = new Outbox({
      file: path.join(mount, 'outbox.sqlite'),
      commitWindowMs: 10,
      telemetryCapBytes: 1e8,
      hardCapBytes: 2e8,
      retryMs: 100,
      onFault: (fault) => faults.push(fault),
    });
    try {
      // Something else fills the card.
      writeFileSync(path.join(mount, 'filler'), Buffer.alloc(3.5 * 1024 * 1024));
      const messages: OutboxMessage[] = Array.from({ length: 300 }, (_, i) => {
        const id = `0190a0c0-0000-7000-8000-${String(i).padStart(12, '0')}`;
        return {
          id,
          stream: 'visit',
          topic: 'fsbus/v1/bus-1/visit',
          payload: JSON.stringify({ id, pad: 'v'.repeat(4000) }),
          class: 'event',
        };
      });
      const settled: string[] = [];
      const adds = messages.map((m) => box.add(m).then(() => settled.push(m.id)));
      await until(() => faults.includes('disk_full'), 'the disk full fault', 10_000);
      expect(box.fault).toBe('disk_full');
      expect(box.stats().uncommitted).toBeGreaterThan(0);
      const before = settled.length;
      expect(before).toBeLessThan(messages.length);
      // Space comes back: everything waiting is written, nothing lost.
      rmSync(path.join(mount, 'filler'));
      await Promise.all(adds);
      expect(faults.at(-1)).toBeNull();
      expect(box.next('event', 0, 1000).map((r) => r.id)).toEqual(messages.map((m) => m.id));
    } finally {
      box.close();
    }
  }, 30_000);
});
