// Property tests of DoorCounts: a simulated device per door, a line that drops, duplicates and
// reorders, and the counts compared with what the devices really counted.
import { describe, expect, it } from 'vitest';
import { DoorCounts, type DoorEvent, type DoorReading } from './door-counts.js';
import { seededRandom } from './seeded-random.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');

/** One line on the wire, with what the simulator knows about it. */
interface SimLine {
  readonly reading: DoorReading;
  /** Which power-up of its device the line belongs to, 0 being the one before the bridge started. */
  readonly cycle: number;
  /** The device's totals since that power-up, not wrapped. */
  readonly inCount: number;
  readonly outCount: number;
}

interface Device {
  door: number;
  cycle: number;
  seq: number;
  inCount: number;
  outCount: number;
  poweredUpUntil: number;
  lastResetAt: number;
}

/**
 * A device per door counting random people for an hour, one heartbeat a second and a line per
 * change, totals starting near the wrap, resets (`resetGapS` apart at least, none when null);
 * then the line drops 5% of the lines, duplicates 3% and swaps 3% of neighbours (never a line
 * of one power-up with one of the next: a serial line cannot do that either).
 */
function simulate(seed: number, resetGapS: number | null) {
  const random = seededRandom(seed);
  const devices: Device[] = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
    door: i + 1,
    cycle: 0,
    seq: 65_500 + Math.floor(random() * 36),
    inCount: 65_400 + Math.floor(random() * 136),
    outCount: Math.floor(random() * 65_536),
    poweredUpUntil: -1,
    lastResetAt: 0,
  }));
  const sent: SimLine[] = [];
  const send = (d: Device, at: number) => {
    const flags = {
      blocked: random() < 0.02,
      tamper: false,
      lowSignal: random() < 0.01,
      poweredUp: at < d.poweredUpUntil,
    };
    const reading = {
      at,
      door: d.door,
      seq: d.seq % 65_536,
      inTotal: d.inCount % 65_536,
      outTotal: d.outCount % 65_536,
      flags,
    };
    d.seq++;
    sent.push({ reading, cycle: d.cycle, inCount: d.inCount, outCount: d.outCount });
  };
  for (let s = 0; s < 3600; s++) {
    for (const d of devices) {
      const at = T0 + s * 1000;
      if (resetGapS !== null && s - d.lastResetAt >= resetGapS && random() < 1 / 300) {
        Object.assign(d, { cycle: d.cycle + 1, seq: 0, inCount: 0, outCount: 0 });
        Object.assign(d, { poweredUpUntil: at + 10_000, lastResetAt: s });
      }
      const changes = random() < 0.3 ? 1 + Math.floor(random() * 3) : 0;
      for (let k = 0; k < changes; k++) {
        d.inCount += Math.floor(random() * 3);
        d.outCount += Math.floor(random() * 3);
        send(d, at + k * 100);
      }
      if (changes === 0) send(d, at);
    }
  }
  const wire: SimLine[] = [];
  for (const line of sent) {
    if (random() < 0.05) continue;
    wire.push(line);
    if (random() < 0.03) wire.push(line);
  }
  for (let i = 0; i + 1 < wire.length; i++) {
    const [a, b] = [wire[i], wire[i + 1]];
    if (!a || !b || random() >= 0.03) continue;
    if (a.reading.door === b.reading.door && a.cycle !== b.cycle) continue;
    [wire[i], wire[i + 1]] = [b, a];
    i++;
  }
  // A last heartbeat from each device, delivered, so that the bridge ends up level with it.
  for (const d of devices) {
    const at = T0 + 3600_000;
    send(d, at);
    const last = sent.at(-1);
    if (last) wire.push(last);
  }
  return { devices, sent, wire };
}

/**
 * What the bridge should count, per door: everyone the device counted after the first line
 * the bridge got (the baseline), the truth, less the people of each power-up counted after its
 * last line that got through (lost to the reset).
 */
function expectedCounts(sent: readonly SimLine[], wire: readonly SimLine[], door: number) {
  const first = wire.find((l) => l.reading.door === door);
  if (!first) throw new Error('no line');
  // Within a power-up the totals only grow: the greatest line is the last one.
  const lastOf = (lines: readonly SimLine[]) => {
    const last = new Map<number, SimLine>();
    for (const l of lines) {
      const seen = last.get(l.cycle);
      if (
        l.reading.door === door &&
        (!seen || l.inCount + l.outCount > seen.inCount + seen.outCount)
      )
        last.set(l.cycle, l);
    }
    return last;
  };
  const sentLast = lastOf(sent);
  const wireLast = lastOf(wire);
  const truth = { in: -first.inCount, out: -first.outCount };
  const lost = { in: 0, out: 0 };
  for (const [cycle, l] of sentLast) {
    truth.in += l.inCount;
    truth.out += l.outCount;
    const got = wireLast.get(cycle);
    lost.in += l.inCount - (got?.inCount ?? 0);
    lost.out += l.outCount - (got?.outCount ?? 0);
  }
  return { truth, lost, resets: sentLast.size - 1 };
}

function runBridge(wire: readonly SimLine[]) {
  const counts = new DoorCounts();
  const totals = new Map<number, { in: number; out: number }>();
  const all: DoorEvent[] = [];
  for (const line of wire) {
    const e = counts.take(line.reading);
    if (!e) continue;
    all.push(e);
    const t = totals.get(e.door) ?? { in: 0, out: 0 };
    totals.set(e.door, { in: t.in + e.in, out: t.out + e.out });
  }
  return { counts, totals, all };
}

describe('DoorCounts against a simulated device and a faulty line', () => {
  it('counts exactly the true number of people without resets, across wraps and line faults', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { devices, sent, wire } = simulate(seed, null);
      const { counts, totals } = runBridge(wire);
      for (const d of devices) {
        const { truth } = expectedCounts(sent, wire, d.door);
        expect(totals.get(d.door) ?? { in: 0, out: 0 }, `seed ${String(seed)}`).toEqual(truth);
      }
      const stats = counts.stats;
      expect(stats.duplicates + stats.out_of_order).toBeGreaterThan(0);
      expect(stats.gaps).toBeGreaterThan(0);
      expect(stats.resets + stats.implausible).toBe(0);
    }
  });

  it('loses only the people a reset took with it, and never counts more than the truth', () => {
    let resets = 0;
    let lossless = 0;
    for (let seed = 100; seed < 130; seed++) {
      const { devices, sent, wire } = simulate(seed, 60);
      const { counts, totals, all } = runBridge(wire);
      for (const d of devices) {
        const { truth, lost, resets: n } = expectedCounts(sent, wire, d.door);
        const got = totals.get(d.door) ?? { in: 0, out: 0 };
        expect(got, `seed ${String(seed)} door ${String(d.door)}`).toEqual({
          in: truth.in - lost.in,
          out: truth.out - lost.out,
        });
        resets += n;
        if (n > 0 && lost.in + lost.out === 0) {
          lossless++;
          expect(got).toEqual(truth);
        }
      }
      expect(counts.stats.resets).toBe(devices.reduce((n, d) => n + d.cycle, 0));
      expect(all.every((e) => e.in >= 0 && e.out >= 0 && e.in + e.out > 0)).toBe(true);
    }
    expect(resets).toBeGreaterThan(30);
    expect(lossless).toBeGreaterThan(3);
  });

  it('never counts more than the truth, even with resets seconds apart', () => {
    for (let seed = 200; seed < 230; seed++) {
      const { devices, sent, wire } = simulate(seed, 1);
      const { totals } = runBridge(wire);
      for (const d of devices) {
        const { truth } = expectedCounts(sent, wire, d.door);
        const got = totals.get(d.door) ?? { in: 0, out: 0 };
        expect(got.in).toBeLessThanOrEqual(truth.in);
        expect(got.out).toBeLessThanOrEqual(truth.out);
      }
    }
  });
});
