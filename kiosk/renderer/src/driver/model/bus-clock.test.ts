import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '@fsbus/shared';
import { busTime } from './bus-clock.js';

const NOW = Date.parse('2026-12-05T19:00:00Z');

describe('the bus’s time on the driver display', () => {
  it('is the display’s own clock for a real bus', () => {
    expect(busTime(EXAMPLES.status, NOW - 5000, NOW)).toBe(NOW);
    expect(busTime(undefined, undefined, NOW)).toBe(NOW);
  });

  it('follows a simulated bus’s clock, at its speed, from its last status', () => {
    const simulated = {
      ...EXAMPLES.status,
      ts: '2026-12-05T09:30:00.000Z',
      metrics: { clock_speed: 10 },
    };
    expect(new Date(busTime(simulated, NOW - 6000, NOW)).toISOString()).toBe(
      '2026-12-05T09:31:00.000Z',
    );
    // A bridge that stopped: its last will's time is no clock.
    expect(busTime({ ...simulated, state: 'offline' }, NOW - 6000, NOW)).toBe(NOW);
  });
});
