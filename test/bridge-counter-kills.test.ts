// The door counter through SIGKILLs of the built bridge: a line-protocol counter on a pty, the
// bridge killed again and again while people come in and out, and fsbus-central (over TLS)
// recording what it receives. After every kill: the door events at central add up to the people
// the device counted, the last occupancy says the same, no occupancy goes back, and no seq of a
// stream is used twice.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoorMessage, OccupancyMessage } from '@fsbus/shared';
import { plugPty } from '../firmware-bridge/test/pty.js';
import { until } from '../broker/test/harness.js';
import { builtBridge, busAndCentral } from './bus-and-central.js';
import { Device } from './counter-device.js';

const KILLS = 10;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the door counter through SIGKILLs of the bridge', () => {
  it('counts every person once at central, occupancy equal to the door events, after every kill', async () => {
    const bus = await busAndCentral(cleanups);
    const { dir, recorder } = bus;
    const pty = await plugPty(dir, 'counter');
    cleanups.push(() => pty.unplug());
    const device = new Device(pty);
    const bridge = builtBridge(bus, {
      dataDir: path.join(bus.dir, 'bus'),
      counter: `{ protocol: fsbus-line, path: ${pty.device} }`,
    });
    const kill = async (running: ChildProcess) => {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    };
    cleanups.push(() => {
      bridge.child?.kill('SIGKILL');
    });

    // The device talks ten times a second; while `busy`, a person comes or goes at each line.
    let busy = false;
    let tick = 0;
    const talking = setInterval(() => {
      if (busy) {
        tick += 1;
        if (tick % 3 === 0) device.people(0, 1);
        else device.people(1, 0);
      }
      device.send();
    }, 100);
    cleanups.push(() => {
      clearInterval(talking);
    });

    const doors = () =>
      recorder.rows<Pick<DoorMessage, 'in' | 'out'>>(
        'SELECT count_in AS "in", count_out AS "out" FROM door_counts',
      );
    const occupancies = () =>
      recorder
        .rows<{ body: string }>('SELECT body FROM occupancy_states')
        .map((row) => JSON.parse(row.body) as OccupancyMessage);
    /** Seqs in the order central recorded them (`rowid`: arrival order; `statuses`, kept
     * without one, by when it received them). */
    const order = (table: string, where = '') =>
      recorder
        .rows<{ seq: number }>(
          `SELECT seq FROM ${table} ${where} ORDER BY ${table === 'statuses' ? 'received_at' : 'rowid'}`,
        )
        .map((row) => row.seq);
    const atCentral = () => ({
      in: doors().reduce((sum, d) => sum + d.in, 0),
      out: doors().reduce((sum, d) => sum + d.out, 0),
    });
    /** The occupancy with the highest seq: the bridge's latest. */
    const latest = () =>
      occupancies().reduce<OccupancyMessage | undefined>(
        (best, o) => (best === undefined || o.seq > best.seq ? o : best),
        undefined,
      );
    const agree = async (what: string) => {
      await until(
        () => {
          const { in: inAt, out: outAt } = atCentral();
          return (
            inAt === device.truth.in &&
            outAt === device.truth.out &&
            latest()?.today.in === device.truth.in &&
            latest()?.today.out === device.truth.out
          );
        },
        () =>
          `${what}: central has ${JSON.stringify(atCentral())} in door events and ${JSON.stringify(latest()?.today)} in its latest occupancy, the device counted ${JSON.stringify(device.truth)}`,
        60_000,
      );
    };

    // The first start: the bridge takes the device's totals as its baseline.
    let running = bridge.start();
    await until(() => occupancies().length > 0, 'a first occupancy at central', 30_000);
    for (let round = 0; round < KILLS; round++) {
      // People come and go; the bridge is killed in the middle of it, at a different moment
      // each round, while door events are being committed and sent.
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, 400 + 137 * round));
      await kill(running);
      // People keep coming while it is down: the device's totals carry them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      busy = false;
      running = bridge.start();
      await agree(`after kill ${String(round + 1)}`);
    }
    await kill(running);

    // No occupancy went back, and no seq was used twice (a repeat means a re-send).
    const byseq = [...occupancies()].sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < byseq.length; i++) {
      expect(byseq[i]?.today.in).toBeGreaterThanOrEqual(byseq[i - 1]?.today.in ?? 0);
      expect(byseq[i]?.today.out).toBeGreaterThanOrEqual(byseq[i - 1]?.today.out ?? 0);
    }
    for (const [stream, seqs] of [
      ['door', order('door_counts')],
      ['occupancy', order('occupancy_states')],
      ['stop', order('stop_events')],
      ['status/bridge', order('statuses', "WHERE service = 'bridge'")],
    ] as const) {
      expect(new Set(seqs).size, `${stream}: seq used twice`).toBe(seqs.length);
    }
    const doorSeqs = order('door_counts');
    expect(doorSeqs).toEqual([...doorSeqs].sort((a, b) => a - b));
    expect(device.truth.in).toBeGreaterThan(40);
  }, 600_000);
});
