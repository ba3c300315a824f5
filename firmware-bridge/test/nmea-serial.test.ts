// The NMEA serial source on a real pseudo-terminal pair made by socat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_FIX, type Fix } from '../src/domain/fix.js';
import { destination } from '../src/domain/geo.js';
import { encodeFix, withChecksum } from '../src/sources/nmea/encode.js';
import { NmeaSerialSource } from '../src/sources/nmea-serial.js';
import type { GnssState } from '../src/sources/position-source.js';
import { plugPty, until, type PtyPair } from './pty.js';

const START = { lat: 45.9198, lon: 1.3975 };
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

/** The sentences of epoch `i` of a drive east at 10 m/s. */
function epoch(i: number, mode: Fix['mode'] = '3d'): string {
  const fix: Fix = {
    ...EMPTY_FIX,
    time: T0 + i * 1000,
    mode,
    ...destination(START, 90, 10 * i),
    speed: 10,
    track: 90,
    hdop: 0.9,
    satellitesUsed: 8,
  };
  return encodeFix(fix).join('');
}

let dir: string;
let ptys: PtyPair[];
let source: NmeaSerialSource | undefined;
let fixes: Fix[];
let states: GnssState[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fsbus-serial-'));
  ptys = [];
  fixes = [];
  states = [];
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  for (const pty of ptys) await pty.unplug();
  rmSync(dir, { recursive: true, force: true });
});

async function plug(): Promise<PtyPair> {
  const pty = await plugPty(dir);
  ptys.push(pty);
  return pty;
}

function open(
  device: string,
  extra: Partial<ConstructorParameters<typeof NmeaSerialSource>[0]> = {},
) {
  source = new NmeaSerialSource({
    path: device,
    baudRate: 9600,
    autoBaud: false,
    watchdogMs: 2000,
    retryMs: 100,
    onFix: (fix) => fixes.push(fix),
    onState: (state) => states.push(state),
    ...extra,
  });
  source.start();
  return source;
}

describe('NmeaSerialSource on a pty', () => {
  it('reads fixes, one per epoch, through split and joined lines, garbage and bad checksums', async () => {
    const pty = await plug();
    const serial = open(pty.device);
    await until(() => serial.stats.opens === 1, 'the port to open');
    // Garbage before anything, then epochs 0 and 1 joined in one write.
    pty.write(Buffer.from([0xff, 0x00, 0x13, 0x80, 0x24, 0x47, 0xfe]));
    pty.write('noise\r\n' + epoch(0) + epoch(1));
    // Epoch 2 split in the middle of a sentence, across writes.
    const split = epoch(2);
    pty.write(split.slice(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 50));
    pty.write(split.slice(30));
    // A sentence with a wrong checksum, then epoch 3 and the start of 4 (which completes 3).
    pty.write('$GPGGA,080004.000,4555.1880,N,00123.8500,E,1,08,0.9,300.0,M,,M,,*00\r\n');
    pty.write(epoch(3) + epoch(4));
    await until(() => fixes.length >= 4, 'four fixes', 5000);
    expect(fixes.slice(0, 4).map((f) => f.time)).toEqual([0, 1, 2, 3].map((i) => T0 + i * 1000));
    expect(fixes[2]?.lon).toBeCloseTo(destination(START, 90, 20).lon, 6);
    expect(serial.stats.nmea_rejected_checksum).toBeGreaterThanOrEqual(1);
    expect(serial.stats.nmea_rejected_garbage).toBeGreaterThanOrEqual(1);
    expect(states).toEqual(['no_device', 'fix_3d']);
  });

  it('keeps the speed and track of an RMC whose date a week-rollover firmware garbled', async () => {
    const pty = await plug();
    const serial = open(pty.device);
    await until(() => serial.stats.opens === 1, 'the port to open');
    // The date field as such a receiver sends it: `2208-1` for 23 November 2026.
    const garbled = (i: number) =>
      epoch(i)
        .split('\r\n')
        .filter(Boolean)
        .map((sentence) => {
          const body = sentence.slice(1, sentence.indexOf('*'));
          return body.startsWith('GPRMC')
            ? withChecksum(body.replace(/,231126,/, ',2208-1,'))
            : `${sentence}\r\n`;
        })
        .join('');
    expect(garbled(0)).toContain(',2208-1,');
    pty.write(garbled(0) + garbled(1) + garbled(2) + garbled(3));
    await until(() => fixes.length >= 3, 'three fixes', 5000);
    for (const fix of fixes.slice(0, 3)) {
      expect(fix.mode).toBe('3d');
      expect(fix.speed).toBeCloseTo(10, 1);
      expect(fix.track).toBeCloseTo(90, 1);
    }
    expect(serial.stats.nmea_bad_field_date).toBeGreaterThanOrEqual(3);
    expect(serial.stats.nmea_rejected_malformed).toBe(0);
  });

  it('reports no_fix when the receiver has no fix', async () => {
    const pty = await plug();
    open(pty.device);
    await until(() => source?.stats.opens === 1, 'the port to open');
    pty.write(epoch(0, 'none') + epoch(1, 'none') + epoch(2, 'none'));
    await until(() => states.includes('no_fix'), 'state no_fix');
    expect(fixes.every((f) => f.mode === 'none')).toBe(true);
  });

  it('sees the receiver pulled out, waits for it, and reads again once it is plugged back', async () => {
    const first = await plug();
    const serial = open(first.device);
    await until(() => serial.stats.opens === 1, 'the port to open');
    first.write(epoch(0) + epoch(1));
    await until(() => fixes.length >= 1, 'a fix');
    await first.unplug();
    await until(() => states.at(-1) === 'no_device', 'no_device after the unplug');
    // Nothing to open while the path is missing: no tries, it waits for the path to appear.
    await until(() => serial.stats.absences === 1, 'the wait for the receiver');
    expect(serial.stats.open_errors).toBe(0);
    const second = await plug(); // the same path, a new device node
    const before = fixes.length;
    // A receiver talks all the time: an epoch every 100 ms, whenever the bridge gets there.
    let i = 10;
    const talking = setInterval(() => {
      second.write(epoch(i++));
    }, 100);
    try {
      await until(() => fixes.length > before, 'fixes after the replug', 8000);
    } finally {
      clearInterval(talking);
    }
    expect(serial.stats.opens).toBeGreaterThanOrEqual(2);
    expect(states.at(-1)).toBe('fix_3d');
    expect(fixes.at(-1)?.time).toBeGreaterThanOrEqual(T0 + 10_000);
  });

  it('reopens a receiver that went silent (watchdog)', async () => {
    const pty = await plug();
    const serial = open(pty.device, { watchdogMs: 300 });
    await until(() => serial.stats.opens === 1, 'the port to open');
    pty.write(epoch(0) + epoch(1));
    await until(() => serial.stats.silences >= 1, 'the watchdog');
    expect(states).toContain('no_device');
    await until(() => serial.stats.opens >= 2, 'a reopen after the silence');
  });

  it('releases a port that was still opening when stopped: nothing comes after stop()', async () => {
    const pty = await plug();
    const serial = open(pty.device);
    await serial.stop();
    const statesAtStop = states.length;
    pty.write(epoch(0) + epoch(1) + epoch(2));
    // The pty would deliver within milliseconds; a port left open would have read these.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fixes).toEqual([]);
    expect(states.length).toBe(statesAtStop);
  });

  it('keeps reading when the fix handler throws, and counts it', async () => {
    const pty = await plug();
    let calls = 0;
    const serial = open(pty.device, {
      onFix: () => {
        calls += 1;
        if (calls === 1) throw new Error('a bug downstream');
      },
    });
    await until(() => serial.stats.opens === 1, 'the port to open');
    pty.write(epoch(0) + epoch(1) + epoch(2) + epoch(3));
    await until(() => calls >= 3, 'fixes after the failure');
    expect(serial.stats.handler_errors).toBe(1);
  });

  it('keeps its counters across a reopen: status numbers never go back', async () => {
    const first = await plug();
    const serial = open(first.device);
    await until(() => serial.stats.opens === 1, 'the port to open');
    first.write('$GPGGA,080004.000,4555.1880,N,00123.8500,E,1,08,0.9,300.0,M,,M,,*00\r\n');
    first.write(epoch(0) + epoch(1));
    await until(() => (serial.stats.nmea_rejected_checksum ?? 0) === 1, 'the bad checksum');
    await first.unplug();
    await plug();
    await until(() => serial.stats.opens === 2, 'the port to reopen');
    expect(serial.stats.nmea_rejected_checksum).toBe(1);
    expect(serial.stats.nmea_fixes).toBeGreaterThanOrEqual(1);
  });

  it('finds the baud rate: tries others until valid sentences come, then stays', async () => {
    const pty = await plug();
    // The receiver talks at 38400: at any other rate the bridge would read garbage. A pty has
    // no baud rate of its own, so the test plays the line: garbage unless the source is at 38400.
    const serial = open(pty.device, { autoBaud: true, baudProbeMs: 200 });
    await until(() => serial.stats.opens === 1, 'the port to open');
    let i = 0;
    const timer = setInterval(() => {
      i += 1;
      pty.write(
        serial.baudRate === 38400
          ? epoch(i)
          : Buffer.from(Array.from({ length: 80 }, (_, k) => (k * 37 + i * 11) % 256)),
      );
    }, 50);
    try {
      await until(() => fixes.length >= 3, 'fixes at the right baud rate', 8000);
    } finally {
      clearInterval(timer);
    }
    expect(serial.baudRate).toBe(38400);
    expect(serial.stats.baud_changes).toBe(2); // 9600 -> 4800 -> 38400
    expect(fixes.every((f) => f.mode === '3d')).toBe(true);
  });
});
