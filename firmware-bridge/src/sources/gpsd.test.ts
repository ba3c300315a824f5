// The gpsd source against a local TCP server playing gpsd, and its pure parts (TPV/SKY to fix,
// line framing).
import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, freePort } from '@fsbus/shared/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../test/pty.js';
import { EMPTY_FIX, type Fix } from '../domain/fix.js';
import {
  EMPTY_SKY,
  fixFromTpv,
  GpsdSource,
  type GpsdSourceOptions,
  LineFramer,
  mergeSky,
  WATCH_COMMAND,
} from './gpsd.js';
import { Backoff, type GnssState } from './position-source.js';

// Reports as gpsd 3.22 sends them (from a gpsfake replay of bu353s4.log).
const VERSION =
  '{"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14}';
const NO_DEVICES = '{"class":"DEVICES","devices":[]}';
const DEVICE_ON = '{"class":"DEVICE","path":"/dev/pts/1","activated":"2026-11-23T01:04:17.737Z"}';
const DEVICE_OFF = '{"class":"DEVICE","path":"/dev/pts/1","activated":0}';
const SKY =
  '{"class":"SKY","device":"/dev/pts/1","xdop":0.63,"ydop":0.85,"vdop":1.50,"tdop":0.89,' +
  '"hdop":1.10,"gdop":2.01,"pdop":1.80,"nSat":12,"uSat":8,"satellites":[]}';

function tpv(second: number, mode = 3): string {
  return JSON.stringify({
    class: 'TPV',
    device: '/dev/pts/1',
    mode,
    time: `2014-12-31T03:07:${String(second).padStart(2, '0')}.000Z`,
    lat: -37.784795,
    lon: 175.314893333 + second * 1e-6,
    altHAE: 84.3,
    altMSL: 60.6,
    alt: 60.6,
    track: 181.39,
    speed: 0.34,
    eph: 12.1,
  });
}

/** A TCP server playing gpsd: records what clients send, writes what the test says. */
class FakeGpsd {
  readonly server = net.createServer((socket) => {
    this.sockets.push(socket);
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString()));
    socket.on('error', () => undefined); // the client going away is what some tests do
    this.onConnection(socket);
  });
  readonly sockets: net.Socket[] = [];
  received = '';
  /** What a new connection gets first (gpsd sends VERSION at once). */
  onConnection: (socket: net.Socket) => void = (socket) => socket.write(`${VERSION}\n`);

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  }

  /** Writes raw text to the latest connection. */
  write(text: string): void {
    const socket = this.sockets.at(-1) ?? expect.unreachable('no client connected');
    socket.write(text);
  }

  send(...lines: string[]): void {
    this.write(lines.map((line) => `${line}\n`).join(''));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Records the delays it hands out. */
class RecordingBackoff extends Backoff {
  readonly delays: number[] = [];
  override next(): number {
    const delay = super.next();
    this.delays.push(delay);
    return delay;
  }
}

let gpsd: FakeGpsd;
let source: GpsdSource | undefined;
let fixes: Fix[];
let states: GnssState[];

beforeEach(() => {
  gpsd = new FakeGpsd();
  fixes = [];
  states = [];
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await gpsd.close();
});

function open(port: number, extra: Partial<GpsdSourceOptions> = {}): GpsdSource {
  source = new GpsdSource({
    host: '127.0.0.1',
    port,
    watchdogMs: 5000,
    backoff: new Backoff(10, 50),
    onFix: (fix) => fixes.push(fix),
    onState: (state) => states.push(state),
    ...extra,
  });
  source.start();
  return source;
}

/** Starts the fake gpsd and a source connected to it, past the WATCH command. */
async function connected(extra: Partial<GpsdSourceOptions> = {}): Promise<GpsdSource> {
  const client = open(await gpsd.listen(), extra);
  await until(() => gpsd.received.includes(WATCH_COMMAND), 'the WATCH command');
  return client;
}

describe('fixFromTpv', () => {
  it('maps a 3D TPV and the sky to a fix: ISO time to ms, altMSL, m/s, eph', () => {
    const sky = { hdop: 1.1, vdop: 1.5, pdop: 1.8, satellitesUsed: 8, satellitesVisible: 12 };
    expect(fixFromTpv(JSON.parse(tpv(26)) as Record<string, unknown>, sky)).toEqual({
      time: Date.UTC(2014, 11, 31, 3, 7, 26),
      mode: '3d',
      lat: -37.784795,
      lon: 175.314893333 + 26e-6,
      alt: 60.6,
      speed: 0.34,
      track: 181.39,
      eph: 12.1,
      ...sky,
    });
  });

  it('maps modes 0 and 1 to none, 2 to 2d, 3 to 3d', () => {
    const modes = [0, 1, 2, 3].map((mode) => fixFromTpv({ mode, lat: 45, lon: 1 }, EMPTY_SKY).mode);
    expect(modes).toEqual(['none', 'none', '2d', '3d']);
  });

  it('leaves every missing or malformed field null', () => {
    const fix = fixFromTpv(
      { class: 'TPV', mode: 2, time: 'yesterday', lat: 45, lon: '1', speed: null },
      EMPTY_SKY,
    );
    expect(fix).toEqual({
      ...EMPTY_FIX,
      mode: '2d',
    });
  });

  it('gives no position without a fix or out of range, and falls back to alt without altMSL', () => {
    expect(fixFromTpv({ mode: 1, lat: 45, lon: 1, alt: 300 }, EMPTY_SKY).lat).toBeNull();
    expect(fixFromTpv({ mode: 2, lat: 91, lon: 1 }, EMPTY_SKY).lon).toBeNull();
    expect(fixFromTpv({ mode: 3, lat: 45, lon: 1, alt: 300 }, EMPTY_SKY).alt).toBe(300);
  });
});

describe('mergeSky', () => {
  it('takes the DOPs and uSat/nSat of a SKY', () => {
    expect(mergeSky(EMPTY_SKY, JSON.parse(SKY) as Record<string, unknown>)).toEqual({
      hdop: 1.1,
      vdop: 1.5,
      pdop: 1.8,
      satellitesUsed: 8,
      satellitesVisible: 12,
    });
  });

  it('counts satellites from satellites[].used when uSat and nSat are missing', () => {
    const satellites = [
      { PRN: 1, used: true },
      { PRN: 2, used: false },
      { PRN: 3, used: true },
    ];
    const sky = mergeSky(EMPTY_SKY, { class: 'SKY', satellites });
    expect([sky.satellitesUsed, sky.satellitesVisible]).toEqual([2, 3]);
  });

  it('keeps the fields a partial SKY omits', () => {
    const full = mergeSky(EMPTY_SKY, JSON.parse(SKY) as Record<string, unknown>);
    expect(mergeSky(full, { class: 'SKY', hdop: 0.54, uSat: 12 })).toEqual({
      ...full,
      hdop: 0.54,
      satellitesUsed: 12,
    });
  });
});

describe('LineFramer', () => {
  it('joins lines split across chunks, splits several in one chunk, strips CR LF', () => {
    const framer = new LineFramer(1024);
    const text = Buffer.from('{"a":1}\r\n{"b":"é"}\n\n{"c":3}\n');
    // One byte at a time: splits inside the two-byte é too.
    const lines = [...text].flatMap((byte) => framer.push(Buffer.from([byte])));
    expect(lines).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
    expect(new LineFramer(1024).push(text)).toEqual(lines);
  });

  it('drops a line over the limit, counted once, and reads the next one intact', () => {
    const framer = new LineFramer(16);
    expect(framer.push(Buffer.from('{"short":1}\n{"long":"'))).toEqual(['{"short":1}']);
    for (let i = 0; i < 100; i++) expect(framer.push(Buffer.from('x'.repeat(10)))).toEqual([]);
    expect(framer.push(Buffer.from('"}\n{"next":2}\n'))).toEqual(['{"next":2}']);
    expect(framer.tooLong).toBe(1);
    expect(framer.push(Buffer.from(`${'y'.repeat(20)}\n{"z":0}\n`))).toEqual(['{"z":0}']);
    expect(framer.tooLong).toBe(2);
  });
});

describe('GpsdSource', () => {
  it('watches, and turns TPVs into fixes carrying the latest SKY, through split packets', async () => {
    const client = await connected();
    gpsd.send(NO_DEVICES, DEVICE_ON);
    await until(() => states.includes('no_fix'), 'no_fix once gpsd opens the receiver');
    gpsd.send(tpv(23));
    await until(() => fixes.length === 1, 'a fix before any SKY');
    // A SKY and half a TPV in one write, the rest of it and two more TPVs in another.
    const tpv24 = tpv(24);
    gpsd.write(`${SKY}\n${tpv24.slice(0, 50)}`);
    await until(() => client.stats.reports === 5, 'the SKY before the cut');
    gpsd.write(`${tpv24.slice(50)}\n${tpv(25)}\n${tpv(26)}\n`);
    await until(() => fixes.length === 4, 'four fixes');
    expect(fixes.map((fix) => fix.time)).toEqual(
      [23, 24, 25, 26].map((s) => Date.UTC(2014, 11, 31, 3, 7, s)),
    );
    expect(fixes[0]?.hdop).toBeNull(); // before the first SKY
    expect(fixes[1]).toMatchObject({ hdop: 1.1, satellitesUsed: 8, satellitesVisible: 12 });
    expect(fixes[3]?.lon).toBeCloseTo(175.314893333 + 26e-6, 9);
    expect(states).toEqual(['no_device', 'no_fix', 'fix_3d']);
    expect(client.stats).toMatchObject({ connects: 1, fixes: 4, reports: 8, bad_json: 0 });
  });

  it('follows the fix mode: 2d, none, 3d', async () => {
    await connected();
    gpsd.send(tpv(1, 2), tpv(2, 1), tpv(3, 3));
    await until(() => fixes.length === 3, 'three fixes');
    expect(states).toEqual(['no_device', 'fix_2d', 'no_fix', 'fix_3d']);
    expect(fixes[1]).toMatchObject({ mode: 'none', lat: null, lon: null });
  });

  it('counts bad JSON, non-reports and over-long lines, ignores other classes, and carries on', async () => {
    const client = await connected({ maxLineBytes: 1024 });
    gpsd.write('{"class":"TPV",\n[1,2]\n"TPV"\n{"mode":3}\n');
    gpsd.write(`{"class":"SKY","x":"${'z'.repeat(5000)}"}\n`);
    gpsd.send('{"class":"GST","rms":1.2}', '{"class":"PPS"}', tpv(30));
    await until(() => fixes.length === 1, 'the fix after the bad lines');
    expect(client.stats).toMatchObject({ bad_json: 4, too_long: 1, ignored: 2, fixes: 1 });
    expect(states.at(-1)).toBe('fix_3d');
  });

  it('keeps reading when onFix throws, and counts it', async () => {
    let calls = 0;
    const client = await connected({
      onFix: (fix) => {
        calls += 1;
        if (calls === 1) throw new Error('consumer bug');
        fixes.push(fix);
      },
    });
    gpsd.send(tpv(1), tpv(2));
    await until(() => fixes.length === 1, 'the second fix');
    expect(client.stats.handler_errors).toBe(1);
    expect(fixes[0]?.time).toBe(Date.UTC(2014, 11, 31, 3, 7, 2));
  });

  it('reports no_device when gpsd closes its receiver', async () => {
    await connected();
    gpsd.send(DEVICE_ON, tpv(1));
    await until(() => states.at(-1) === 'fix_3d', 'a 3D fix');
    gpsd.send(DEVICE_OFF);
    await until(() => states.at(-1) === 'no_device', 'no_device');
  });

  it('reconnects when gpsd closes the socket, and starts the sky afresh', async () => {
    const client = await connected();
    gpsd.send(SKY, tpv(1));
    await until(() => fixes.length === 1, 'a fix');
    gpsd.sockets[0]?.destroy();
    await until(() => states.at(-1) === 'no_device', 'no_device after the close');
    await until(() => gpsd.sockets.length === 2, 'a new connection');
    await until(() => gpsd.received.split(WATCH_COMMAND).length === 3, 'a second WATCH');
    gpsd.send(tpv(2));
    await until(() => fixes.length === 2, 'a fix after the reconnect');
    expect(fixes[1]?.hdop).toBeNull();
    expect(states.at(-1)).toBe('fix_3d');
    expect(client.stats).toMatchObject({ connects: 2, disconnects: 1, reconnects: 1 });
  });

  it('retries while gpsd is down, with growing delays, and connects once it is up', async () => {
    const port = await freePort();
    const backoff = new RecordingBackoff(10, 40);
    const client = open(port, { backoff });
    await until(() => client.stats.connect_errors >= 5, 'five refused connections');
    expect(backoff.delays.slice(0, 5)).toEqual([10, 15, 23, 35, 40]);
    expect(states).toEqual(['no_device']);
    await gpsd.listen(port);
    await until(() => gpsd.received.includes(WATCH_COMMAND), 'the WATCH once gpsd is up');
    gpsd.send(tpv(1));
    await until(() => fixes.length === 1, 'a fix');
    // A good connection resets the backoff: the next loss waits the first delay again.
    const before = backoff.delays.length;
    gpsd.sockets[0]?.destroy();
    await until(() => backoff.delays.length > before, 'a reconnect after the loss');
    expect(backoff.delays[before]).toBe(10);
  });

  it('logs one warning per outage, not one per retry', async () => {
    const lines: { level: number; msg: string; component?: string; port?: number }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) {
          if (line !== '') lines.push(JSON.parse(line) as (typeof lines)[number]);
        }
        done();
      },
    });
    const logger = createLogger({ service: 'test', level: 'debug', destination });
    const port = await freePort();
    const client = open(port, { logger });
    await until(() => client.stats.connect_errors >= 3, 'three refused connections');
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual(['cannot connect to gpsd']);
    expect(warnings[0]).toMatchObject({ port });
  });

  it('closes and reopens a connection on which gpsd says nothing (watchdog)', async () => {
    const client = await connected({ watchdogMs: 200 });
    gpsd.send(DEVICE_ON);
    await until(() => states.at(-1) === 'no_fix', 'no_fix');
    await until(() => client.stats.silences === 1, 'the watchdog');
    expect(states.at(-1)).toBe('no_device');
    await until(() => gpsd.sockets.length === 2, 'a new connection after the silence');
  });

  it('stop() releases the socket and every timer', async () => {
    const port = await gpsd.listen();
    const baseline = resources();
    const client = open(port);
    await until(() => gpsd.received.includes(WATCH_COMMAND), 'the WATCH command');
    gpsd.send(tpv(1));
    await until(() => fixes.length === 1, 'a fix');
    const serverSide = gpsd.sockets[0] ?? expect.unreachable('a connection');
    const ended = new Promise((resolve) => serverSide.once('close', resolve));
    await client.stop();
    await ended;
    source = undefined;
    expect(resources()).toEqual(baseline);
    expect(states.at(-1)).toBe('fix_3d'); // nothing reported after stop
  });

  it('stop() during the wait before a reconnect cancels it', async () => {
    const port = await freePort();
    const baseline = resources();
    const client = open(port, { backoff: new Backoff(60_000, 60_000) });
    await until(() => client.stats.reconnects === 1, 'a reconnect scheduled');
    await client.stop();
    source = undefined;
    expect(resources()).toEqual(baseline);
    expect(states).toEqual(['no_device']);
  });
});

/** Counts of the live sockets and timers of the process, by kind. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind === 'TCPSocketWrap') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
