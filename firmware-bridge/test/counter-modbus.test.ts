// The Modbus RTU counter source against a Modbus RTU slave on a real pseudo-terminal pair:
// the slave (ours, written from the spec, not modbus-serial's) answers function 3 from a
// register bank the test changes, and misbehaves on demand: silence, exceptions, line noise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@fsbus/shared/node';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DoorReading } from '../src/domain/door-counts.js';
import {
  ModbusCounterSource,
  type ModbusCounterOptions,
  type ModbusCounterState,
} from '../src/sources/counter/modbus.js';
import { PtySlave, setTotal } from './modbus-pty-slave.js';
import { plugPty, until, type PtyPair } from './pty.js';

const UNIT = 17;
const BAUD = 19200;

let dir: string;
let ptys: PtyPair[];
let slaves: PtySlave[];
let source: ModbusCounterSource | undefined;
let readings: DoorReading[];
let states: ModbusCounterState[];
let logs: { level: number; msg: string; kind?: string }[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fsbus-modbus-'));
  ptys = [];
  slaves = [];
  readings = [];
  states = [];
  logs = [];
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  for (const slave of slaves) await slave.close();
  for (const pty of ptys) await pty.unplug();
  rmSync(dir, { recursive: true, force: true });
});

/** A pty standing for the RS-485 adapter, with the slave on its other end. */
async function plug(bank: Map<number, number>): Promise<{ pty: PtyPair; slave: PtySlave }> {
  const pty = await plugPty(dir, 'counter');
  ptys.push(pty);
  const slave = await PtySlave.open(path.join(dir, 'counter-feed'), UNIT, bank, BAUD);
  slaves.push(slave);
  return { pty, slave };
}

function open(device: string, extra: Partial<ModbusCounterOptions> = {}): ModbusCounterSource {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line !== '') logs.push(JSON.parse(line) as (typeof logs)[number]);
      }
      done();
    },
  });
  source = new ModbusCounterSource({
    path: device,
    baudRate: BAUD,
    unitId: UNIT,
    pollMs: 30,
    timeoutMs: 150,
    wordOrder: 'big',
    registerWords: 1,
    doors: [
      { door: 1, inAddress: 0, outAddress: 1 },
      { door: 2, inAddress: 2, outAddress: 3 },
    ],
    silentAfterPolls: 3,
    retryMs: 100,
    logger: createLogger({ service: 'test', level: 'debug', destination }),
    onReading: (reading) => readings.push(reading),
    onState: (state) => states.push(state),
    ...extra,
  });
  source.start();
  return source;
}

const ofDoor = (door: number) => readings.filter((r) => r.door === door);
const latest = (door: number) => ofDoor(door).at(-1);
const warnings = () => logs.filter((line) => line.level === 40).map((line) => line.msg);

describe('ModbusCounterSource against a Modbus RTU slave on a pty', () => {
  it('reads 16-bit totals of two doors with one request when their registers are contiguous', async () => {
    const bank = new Map([
      [0, 12],
      [1, 3],
      [2, 40],
      [3, 38],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device);
    await until(() => ofDoor(2).length >= 3, 'three readings of door 2');
    setTotal(bank, 0, 13);
    await until(() => latest(1)?.inTotal === 13, 'the new total of door 1');
    expect(latest(1)).toMatchObject({ door: 1, inTotal: 13, outTotal: 3 });
    expect(latest(2)).toMatchObject({ door: 2, inTotal: 40, outTotal: 38 });
    expect(counter.blocks).toEqual([{ address: 0, length: 4 }]);
    expect(new Set(slave.requests.map((r) => `${r.address}+${r.length}`))).toEqual(
      new Set(['0+4']),
    );
    // seq counts each door's polls, one by one; the flags are a line protocol's, all clear.
    expect(ofDoor(1).map((r) => r.seq)).toEqual(ofDoor(1).map((_, i) => i));
    expect(readings.every((r) => Object.values(r.flags).every((flag) => !flag))).toBe(true);
    expect(states).toEqual(['no_device', 'ok']);
    // One request, one answer, one reading per door.
    expect(ofDoor(1).length).toBe(counter.stats.answers);
    expect(ofDoor(2).length).toBe(counter.stats.answers);
  });

  it.each(['big', 'little'] as const)(
    'reads 32-bit totals in %s word order, one request per door, reduced mod 65536',
    async (order) => {
      const bank = new Map<number, number>();
      setTotal(bank, 100, 70_000, 2, order);
      setTotal(bank, 102, 3 * 65_536 + 5, 2, order);
      setTotal(bank, 200, 1_000_000, 2, order);
      setTotal(bank, 202, 999_999, 2, order);
      const { pty, slave } = await plug(bank);
      const counter = open(pty.device, {
        registerWords: 2,
        wordOrder: order,
        doors: [
          { door: 1, inAddress: 100, outAddress: 102 },
          { door: 2, inAddress: 200, outAddress: 202 },
        ],
      });
      await until(() => ofDoor(1).length >= 2 && ofDoor(2).length >= 2, 'readings of both doors');
      expect(latest(1)).toMatchObject({ inTotal: 70_000 % 65_536, outTotal: 5 });
      expect(latest(2)).toMatchObject({ inTotal: 1_000_000 % 65_536, outTotal: 999_999 % 65_536 });
      expect(counter.blocks).toEqual([
        { address: 100, length: 4 },
        { address: 200, length: 4 },
      ]);
      expect(slave.requests.slice(0, 2)).toEqual(counter.blocks);
      // A step within the low word and one across it both come through.
      setTotal(bank, 100, 70_001, 2, order);
      setTotal(bank, 202, 1_000_001, 2, order);
      await until(
        () => latest(1)?.inTotal === 70_001 % 65_536 && latest(2)?.outTotal === 1_000_001 % 65_536,
        'a step in the low word, and a carry into the high word',
      );
      expect(readings.every((r) => !r.flags.poweredUp)).toBe(true);
    },
  );

  it('flags a 32-bit counter reset that the reduced totals would hide (66,000 -> 600)', async () => {
    const bank = new Map<number, number>();
    setTotal(bank, 0, 66_000, 2);
    setTotal(bank, 2, 65_990, 2);
    const { pty } = await plug(bank);
    const counter = open(pty.device, {
      registerWords: 2,
      doors: [{ door: 1, inAddress: 0, outAddress: 2 }],
    });
    await until(() => ofDoor(1).length >= 2, 'readings before the reset');
    setTotal(bank, 0, 600, 2);
    setTotal(bank, 2, 590, 2);
    await until(() => latest(1)?.inTotal === 600, 'the reading after the reset');
    const after = ofDoor(1).findIndex((r) => r.inTotal === 600);
    // Reduced, 464 -> 600 would read as 136 people in: the flag is what says "reset".
    expect(ofDoor(1)[after - 1]?.inTotal).toBe(66_000 % 65_536);
    expect(ofDoor(1)[after]?.flags.poweredUp).toBe(true);
    await until(() => ofDoor(1).length > after + 1, 'a reading after that');
    expect(ofDoor(1).filter((r) => r.flags.poweredUp)).toHaveLength(1);
    expect(counter.stats.resets).toBe(1);
  });

  it('brings a 16-bit wrap 65535 -> 0 through as it is, not as a reset', async () => {
    const bank = new Map([
      [0, 65_534],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    const { pty } = await plug(bank);
    open(pty.device);
    for (const value of [65_534, 65_535, 0, 2]) {
      setTotal(bank, 0, value);
      await until(() => latest(1)?.inTotal === value, `in total ${value}`);
    }
    const seen = ofDoor(1)
      .map((r) => r.inTotal)
      .filter((value, i, all) => value !== all[i - 1]);
    expect(seen).toEqual([65_534, 65_535, 0, 2]);
    expect(readings.every((r) => !r.flags.poweredUp)).toBe(true);
  });

  it('goes silent when the slave stops answering, keeps polling, and is ok once it answers', async () => {
    const bank = new Map([
      [0, 5],
      [1, 1],
      [2, 7],
      [3, 2],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device);
    await until(() => states.at(-1) === 'ok', 'ok');
    slave.behaviour = 'silent';
    await until(() => states.at(-1) === 'silent', 'silent');
    const seqBefore = latest(1)?.seq ?? -1;
    const readingsWhenSilent = readings.length;
    await until(() => counter.stats.timeouts >= 5, 'more timeouts: polling goes on');
    expect(readings.length).toBe(readingsWhenSilent); // no reading made up meanwhile
    setTotal(bank, 0, 9);
    slave.behaviour = 'answer';
    await until(() => states.at(-1) === 'ok', 'ok again');
    await until(() => latest(1)?.inTotal === 9, 'the total counted meanwhile');
    expect(states).toEqual(['no_device', 'ok', 'silent', 'ok']);
    // The polls that failed show as a gap in seq, as lost lines do in the line protocol.
    expect(ofDoor(1).find((r) => r.seq > seqBefore)?.seq).toBeGreaterThan(seqBefore + 5);
    // One warning for the outage, not one per timeout.
    expect(warnings()).toEqual(['counter does not answer']);
    expect(logs.filter((line) => line.msg === 'counter answers again')).toHaveLength(1);
  });

  it('never takes a late answer for another door’s', async () => {
    // Two doors in two requests, far apart in value: a mix-up would show.
    const bank = new Map([
      [0, 5],
      [1, 4],
      [10, 900],
      [11, 800],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device, {
      doors: [
        { door: 1, inAddress: 0, outAddress: 1 },
        { door: 2, inAddress: 10, outAddress: 11 },
      ],
    });
    await until(() => ofDoor(2).length >= 2, 'both doors read');
    // Door 2's answer comes just after its timeout (150 ms), and door 1's next answer takes a
    // while: door 2's late answer must not be taken for door 1's.
    slave.late = [
      { address: 10, ms: 170 },
      { address: 0, ms: 60 },
    ];
    await until(() => counter.stats.timeouts >= 1, 'the late answer timed out');
    const after = readings.length;
    await until(() => readings.length >= after + 10, 'polling on');
    expect(ofDoor(1).map((r) => [r.inTotal, r.outTotal])).toEqual(ofDoor(1).map(() => [5, 4]));
    expect(ofDoor(2).every((r) => r.inTotal === 900 && r.outTotal === 800)).toBe(true);
  });

  it('counts exception responses by code, reports fault, and keeps polling', async () => {
    const bank = new Map([
      [0, 5],
      [1, 1],
      [2, 7],
      [3, 2],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device);
    await until(() => states.at(-1) === 'ok', 'ok');
    slave.behaviour = { exception: 6 }; // slave device busy
    await until(() => states.at(-1) === 'fault', 'fault');
    await until(() => (counter.stats.exception_busy ?? 0) >= 3, 'three busy answers');
    slave.behaviour = { exception: 4 }; // slave device failure
    await until(() => (counter.stats.exception_device_failure ?? 0) >= 2, 'device failures');
    slave.behaviour = 'answer';
    await until(() => states.at(-1) === 'ok', 'ok again');
    expect(states).toEqual(['no_device', 'ok', 'fault', 'ok']);
    expect(counter.stats.exceptions).toBe(
      (counter.stats.exception_busy ?? 0) + (counter.stats.exception_device_failure ?? 0),
    );
    expect(counter.stats.timeouts).toBe(0);
    // Once per kind per outage.
    expect(warnings()).toEqual(['counter answers an exception', 'counter answers an exception']);
  });

  it('reports fault for a register map the device does not have (illegal data address)', async () => {
    const bank = new Map([
      [0, 5],
      [1, 1],
    ]);
    const { pty } = await plug(bank);
    const counter = open(pty.device, {
      doors: [
        { door: 1, inAddress: 0, outAddress: 1 },
        { door: 2, inAddress: 40, outAddress: 41 },
      ],
    });
    await until(() => (counter.stats.exception_illegal_address ?? 0) >= 3, 'illegal address');
    expect(states).toEqual(['no_device', 'fault']);
    // The door the device has is still read.
    expect(ofDoor(1).length).toBeGreaterThanOrEqual(2);
    expect(ofDoor(2)).toEqual([]);
  });

  it('sees the adapter unplugged, waits for it without retrying, reads again once plugged back', async () => {
    const bank = new Map([
      [0, 20],
      [1, 4],
      [2, 0],
      [3, 0],
    ]);
    const first = await plug(bank);
    const counter = open(first.pty.device);
    await until(() => latest(1)?.inTotal === 20, 'a reading');
    await first.slave.close();
    await first.pty.unplug();
    // socat killed leaves its link behind, pointing at a pty number the system may give to
    // someone else: remove it, as udev removes the node of an unplugged adapter.
    rmSync(first.pty.device, { force: true });
    await until(() => states.at(-1) === 'no_device', 'no_device after the unplug');
    // Nothing to open while the path is missing: no tries, no errors, it waits for the path.
    await until(() => counter.stats.absences === 1, 'the wait for the adapter');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(counter.stats.open_errors).toBe(0);
    setTotal(bank, 0, 26); // people came in meanwhile
    await plug(bank); // the same path, a new device node
    await until(() => latest(1)?.inTotal === 26, 'readings after the replug');
    expect(states.slice(-3)).toEqual(['ok', 'no_device', 'ok']);
    expect(counter.stats).toMatchObject({ opens: 2, reopens: 1, disconnects: 1 });
    expect(warnings().filter((msg) => msg === 'counter port disconnected')).toHaveLength(1);
    expect(warnings()).not.toContain('cannot open the counter port');
  });

  it('reads through garbage, split answers and bad CRCs, never taking a wrong total', async () => {
    const bank = new Map([
      [0, 321],
      [1, 123],
      [2, 7],
      [3, 8],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device);
    await until(() => readings.length >= 2, 'readings');
    // Noise before each answer, answers split in two writes, noise between polls.
    slave.noise = Buffer.from([0xff, 0x00, 0x55, 0xaa, 0x13, 0xfe]);
    slave.split = true;
    pty.write(Buffer.from([0x80, 0x7f, 0x00, 0xff, 0x21]));
    let count = readings.length;
    await until(() => readings.length >= count + 10, 'readings through the noise');
    // An answer whose CRC is wrong, once.
    slave.behaviour = 'corrupt';
    await until(() => counter.stats.crc_errors >= 1, 'a CRC error');
    slave.behaviour = 'answer';
    count = readings.length;
    await until(() => readings.length >= count + 4, 'readings after the bad CRC');
    // Noise that starts like an answer (unit, function): costs a poll, not a wrong total.
    slave.noise = Buffer.from([UNIT, 3]);
    const failed = counter.stats.crc_errors + counter.stats.bad_frames + counter.stats.timeouts;
    await until(
      () => counter.stats.crc_errors + counter.stats.bad_frames + counter.stats.timeouts > failed,
      'the frame-like noise rejected',
    );
    slave.noise = null;
    count = readings.length;
    await until(() => readings.length >= count + 4, 'readings after the frame-like noise');
    expect(
      readings.filter((r) => r.door === 1).every((r) => r.inTotal === 321 && r.outTotal === 123),
    ).toBe(true);
    expect(
      readings.filter((r) => r.door === 2).every((r) => r.inTotal === 7 && r.outTotal === 8),
    ).toBe(true);
    expect(states.at(-1)).toBe('ok');
  });

  it('stop() with a request in flight releases the port and every timer', async () => {
    const bank = new Map([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const { pty, slave } = await plug(bank);
    const counter = open(pty.device, { timeoutMs: 500 });
    await until(() => readings.length >= 1, 'a reading');
    slave.behaviour = 'silent';
    const asked = slave.requests.length;
    await until(() => slave.requests.length > asked, 'a request left unanswered');
    await counter.stop();
    source = undefined;
    // The answer timer modbus-serial keeps after a close included (vitest's own are unref'd).
    expect(timeouts()).toBe(0);
    // Nobody holds the port: it opens again with an exclusive lock.
    const again = new SerialPort({ path: pty.device, baudRate: BAUD, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      again.open((error) => {
        if (error) {
          reject(error);
          return;
        }
        again.close(() => {
          resolve();
        });
      });
    });
  });
});

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}
