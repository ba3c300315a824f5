import { afterEach, describe, expect, it } from 'vitest';
import { DoorCounts } from '../../domain/door-counts.js';
import type { CounterLinkState } from './counter-source.js';
import { ModbusCounterSimulator } from './modbus-simulator.js';

let simulator: ModbusCounterSimulator | undefined;
afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

describe('ModbusCounterSimulator', () => {
  it('is polled through modbus-serial, and loses nobody through lost and garbled answers', async () => {
    let clock = Date.parse('2026-11-23T08:00:00Z');
    const doorCounts = new DoorCounts();
    const published = { in: 0, out: 0 };
    const states: CounterLinkState[] = [];
    let readings = 0;
    const running = new ModbusCounterSimulator({
      modbus: {
        unitId: 3,
        pollMs: 100,
        timeoutMs: 60,
        registerWords: 2,
        wordOrder: 'little',
        doors: [
          { door: 1, inAddress: 10, outAddress: 12 },
          { door: 2, inAddress: 40, outAddress: 42 },
        ],
      },
      atStop: () => true,
      now: () => clock,
      seed: 5,
      arrivalsPerSecond: 0.6,
      glitchRate: 0.2,
      onReading: (reading) => {
        readings += 1;
        const event = doorCounts.take(reading);
        if (event) {
          published.in += event.in;
          published.out += event.out;
        }
      },
      onState: (state) => states.push(state),
    });
    simulator = running;
    running.start();
    const until = async (done: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until(() => readings >= 2, 'the first readings');
    // Twenty minutes of the stop, a simulated minute between two polls: people come and go.
    for (let minute = 0; minute < 20; minute++) {
      for (let s = 0; s < 60; s++, clock += 1000) running.tick();
      const before = readings;
      await until(() => readings >= before + 2, 'a poll after the minute');
    }
    const truth = running.stats;
    expect(truth.people_in).toBeGreaterThan(300);
    expect(truth.people_out).toBeGreaterThan(100);
    await until(
      () => published.in === truth.people_in && published.out === truth.people_out,
      `published ${JSON.stringify(published)} to equal ${JSON.stringify(truth)}`,
    );
    expect(truth.answers_lost).toBeGreaterThan(0);
    expect(truth.answers_garbled).toBeGreaterThan(0);
    expect(truth.crc_errors).toBe(truth.answers_garbled);
    expect(states[0]).toBe('no_device');
    expect(states).toContain('ok');
  }, 30_000);
});
