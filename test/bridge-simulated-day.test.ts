// A simulated bus on a simulated clock (npm start --speed): the bridge drives the Monts du Forez
// tour from 08:50 at 60 times real time, arrives at its first permanence on schedule in
// simulated time, says its clock's speed on its status, and a restart goes on from where the
// clock was.
import { afterEach, describe, expect, it } from 'vitest';
import { StatusMessage, StopMessage, topicFilter, topicFor } from '@fsbus/shared';
import { BUS, collect, login, until } from '../broker/test/harness.js';
import { kioskBus } from './kiosk-harness.js';
import { localTime, TOUR_TIME_ZONE } from '../firmware-bridge/src/sources/simulator/tour-plan.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const paris = (iso: string) => localTime(Date.parse(iso), TOUR_TIME_ZONE).slice(11, 16);

describe('a simulated day on a simulated clock', () => {
  it('drives the tour at 60 times real time, on schedule in simulated time, and resumes after a restart', async () => {
    const bus = await kioskBus(cleanups, {
      bridge: { gnss: { source: 'simulator', simulator: { speed: 60, startAt: '08:50' } } },
    });
    const watcher = await login(bus.onboard.url, 'monitor');
    cleanups.push(() => watcher.endAsync());
    const seen = collect(watcher);
    await watcher.subscribeAsync([topicFor('stop', BUS), topicFilter('status', BUS)], { qos: 1 });
    const stops = () =>
      seen
        .filter((m) => m.topic === topicFor('stop', BUS) && m.payload.length > 0)
        .map((m) => StopMessage.parse(JSON.parse(m.payload)));
    const arrived = () => stops().find((s) => s.state === 'arrived');

    // 08:50 to 09:00 in simulated time: about 10 real seconds.
    await until(
      () => arrived() !== undefined,
      () => JSON.stringify(stops().at(-1)),
      60_000,
    );
    const at = arrived();
    expect(at?.current?.stopId).toBe('boen-mairie');
    expect(at?.planId).toMatch(/^sim-forez-/);
    // Arrived within a simulated minute or two of 09:00, and said so in simulated time.
    expect(paris(at?.current?.actualArrival ?? '')).toMatch(/^(08:5[89]|09:0[0-2])$/);
    // Stamped in simulated time too (a fix is a simulated minute apart at this speed).
    expect(
      Date.parse(at?.ts ?? '') - Date.parse(at?.current?.actualArrival ?? ''),
    ).toBeLessThanOrEqual(2 * 60_000);
    const bridgeStatus = seen
      .filter((m) => m.topic.endsWith('/status/bridge') && m.payload.length > 0)
      .map((m) => StatusMessage.parse(JSON.parse(m.payload)))
      .find((s) => s.state !== 'offline');
    expect(bridgeStatus?.metrics.clock_speed).toBe(60);

    // Restarted, the bridge goes on from its saved clock, not from 08:50 again.
    const before = Date.parse(stops().at(-1)?.ts ?? '');
    await bus.stopBridge();
    const count = stops().length;
    await bus.startBridge();
    await until(() => stops().length > count, 'the stop after the restart', 30_000);
    const after = stops()[count];
    expect(Date.parse(after?.ts ?? '')).toBeGreaterThanOrEqual(before);
    expect(after?.state).toBe('arrived');
  }, 120_000);
});
