// Re-plugging a serial device the way Linux does it: the device node goes, the stable
// /dev/serial/by-id/ symlink (and, with the last device, its folder) goes or dangles, then a new
// node appears and the symlink is pointed at it. The device must be read again at once, however
// long it was away, with one log line when it goes and one when it comes back.
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@fsbus/shared/node';
import { EMPTY_FIX, type Fix } from '../src/domain/fix.js';
import { destination } from '../src/domain/geo.js';
import { encodeFix } from '../src/sources/nmea/encode.js';
import { NmeaSerialSource } from '../src/sources/nmea-serial.js';
import type { GnssState } from '../src/sources/position-source.js';
import { LineCounterSource } from '../src/sources/counter/line-serial.js';
import { formatCounterSentence } from '../src/sources/counter/line-protocol.js';
import { plugPty, until, type PtyPair } from './pty.js';

const START = { lat: 45.9198, lon: 1.3975 };
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
/** How long the receiver stays away in the long test: a backoff would be at its 60 s cap. */
const LONG_GAP_MS = 3 * 60_000;

function epoch(i: number): string {
  const fix: Fix = {
    ...EMPTY_FIX,
    time: T0 + i * 1000,
    mode: '3d',
    ...destination(START, 90, 10 * i),
    speed: 10,
    track: 90,
    hdop: 0.9,
    satellitesUsed: 8,
  };
  return encodeFix(fix).join('');
}

/** One FSDC line of door 1. */
const count = (seq: number, inTotal: number) =>
  formatCounterSentence({
    type: 'reading',
    door: 1,
    seq,
    inTotal,
    outTotal: 0,
    flags: { blocked: false, tamper: false, lowSignal: false, poweredUp: false },
  });

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

let dir: string;
let ptys: PtyPair[];
let stops: (() => Promise<void>)[];
let logs: LogLine[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fsbus-replug-'));
  ptys = [];
  stops = [];
  logs = [];
});

afterEach(async () => {
  for (const stop of stops) await stop();
  for (const pty of ptys) await pty.unplug();
  rmSync(dir, { recursive: true, force: true });
});

function logger() {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return createLogger({ service: 'test', level: 'info', destination: sink });
}

/** A new device node (socat pty) under `dir`, as the kernel makes one per plug. */
async function plug(name: string): Promise<PtyPair> {
  const pty = await plugPty(dir, name);
  ptys.push(pty);
  return pty;
}

/** Points the stable by-id path at a device node, atomically (as udev's rules do). */
function pointAt(link: string, pty: PtyPair): void {
  mkdirSync(path.dirname(link), { recursive: true });
  const temporary = `${link}.new`;
  symlinkSync(realpathSync(pty.device), temporary);
  renameSync(temporary, link);
}

/** Feeds one epoch a second from `first` on, until stopped; returns the index of the next. */
function talk(pty: PtyPair, first: number): { stop(): void } {
  let i = first;
  pty.write(epoch(i++));
  const timer = setInterval(() => {
    pty.write(epoch(i++));
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
    },
  };
}

const sinceReplug = (fixes: readonly Fix[], first: number) =>
  fixes.filter((fix) => fix.time !== null && fix.time >= T0 + first * 1000);

describe('a GPS receiver re-plugged on its by-id path', () => {
  it(
    'is read again within an epoch of its new node appearing, after a 3-minute unplug, with one log line each way',
    async () => {
      const byId = path.join(dir, 'serial', 'by-id');
      const link = path.join(byId, 'usb-u-blox_GNSS_receiver-if00');
      const before = await plug('gps-a');
      pointAt(link, before);
      const fixes: Fix[] = [];
      const states: GnssState[] = [];
      const source = new NmeaSerialSource({
        path: link,
        baudRate: 9600,
        autoBaud: false,
        watchdogMs: 10_000,
        logger: logger(),
        onFix: (fix) => fixes.push(fix),
        onState: (state) => states.push(state),
      });
      stops.push(() => source.stop());
      source.start();
      await until(() => source.stats.opens === 1, 'the first open');
      before.write(epoch(0) + epoch(1));
      await until(() => fixes.length >= 1, 'a fix before the unplug');

      // Unplugged: the node goes, and udev removes the by-id folder with the last device.
      await before.unplug();
      rmSync(byId, { recursive: true, force: true });
      await until(() => states.at(-1) === 'no_device', 'no_device at once', 2000);
      const linesWhileAway = logs.length;
      await new Promise((resolve) => setTimeout(resolve, LONG_GAP_MS));
      expect(logs.length).toBe(linesWhileAway); // not a line while it is away

      // Plugged back: a new node, the folder and the symlink come back, pointing at it.
      const after = await plug('gps-b');
      const first = 1000;
      pointAt(link, after);
      const talking = talk(after, first);
      try {
        await until(() => sinceReplug(fixes, first).length >= 3, 'fixes after the re-plug', 10_000);
      } finally {
        talking.stop();
      }
      const firstFix = sinceReplug(fixes, first)[0];
      // The receiver talks from the moment its node appears: at most that first epoch is lost.
      expect(firstFix?.time).toBeLessThanOrEqual(T0 + (first + 1) * 1000);
      expect(firstFix?.mode).toBe('3d');
      expect(states.at(-1)).toBe('fix_3d');
      expect(source.stats).toMatchObject({ opens: 2, disconnects: 1, absences: 1, open_errors: 0 });
      const gone = logs.filter((line) => line.msg.startsWith('gps receiver disconnected'));
      const back = logs.filter((line) => line.msg === 'gps receiver opened');
      expect(gone).toHaveLength(1);
      expect(back).toHaveLength(2); // the first open, and the one after the re-plug
    },
    LONG_GAP_MS + 60_000,
  );
});

describe('a door counter re-plugged on its by-id path', () => {
  it('is read again as soon as its new node appears, after 20 s away', async () => {
    const link = path.join(dir, 'serial', 'by-id', 'usb-FTDI_door_counter-if00-port0');
    const before = await plug('counter-a');
    pointAt(link, before);
    const totals: number[] = [];
    const source = new LineCounterSource({
      path: link,
      baudRate: 9600,
      watchdogMs: 10_000,
      logger: logger(),
      onReading: (reading) => totals.push(reading.inTotal),
      onState: () => undefined,
    });
    stops.push(() => source.stop());
    source.start();
    await until(() => source.stats.opens === 1, 'the first open');
    before.write(count(1, 5));
    await until(() => totals.includes(5), 'a reading before the unplug');
    await before.unplug();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const after = await plug('counter-b');
    pointAt(link, after);
    await until(() => source.stats.opens === 2, 'the open after the re-plug', 3000);
    after.write(count(2, 9));
    await until(() => totals.includes(9), 'a reading after the re-plug');
    expect(source.stats).toMatchObject({ disconnects: 1, absences: 1, open_errors: 0 });
  }, 60_000);
});
