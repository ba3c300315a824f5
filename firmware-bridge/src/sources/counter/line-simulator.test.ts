import { describe, expect, it } from 'vitest';
import { DoorCounts } from '../../domain/door-counts.js';
import { LineCounterSimulator } from './line-simulator.js';

describe('LineCounterSimulator', () => {
  it('counts visitors at stops only, and loses nobody through its lost and repeated lines', () => {
    let clock = Date.parse('2026-11-23T08:00:00Z');
    let atStop = true;
    const doorCounts = new DoorCounts();
    const published = { in: 0, out: 0 };
    const simulator = new LineCounterSimulator({
      doors: 2,
      atStop: () => atStop,
      now: () => clock,
      seed: 11,
      glitchRate: 0.05,
      onReading: (reading) => {
        const event = doorCounts.take(reading);
        if (event) {
          published.in += event.in;
          published.out += event.out;
        }
      },
      onState: () => undefined,
    });
    // Two hours at a stop, half an hour driving (nobody comes in), half an hour at a stop.
    for (let s = 0; s < 3 * 3600; s++, clock += 1000) {
      atStop = s < 7200 || s >= 9000;
      simulator.tick();
    }
    // Driving on for ten seconds: nobody moves, and a line of each door gets through.
    atStop = false;
    for (let s = 0; s < 10; s++, clock += 1000) simulator.tick();
    const truth = simulator.stats;
    expect(truth.people_in).toBeGreaterThan(300);
    expect(truth.lines_lost).toBeGreaterThan(100);
    expect(truth.lines_repeated).toBeGreaterThan(100);
    expect(published).toEqual({ in: truth.people_in, out: truth.people_out });
  });
});
