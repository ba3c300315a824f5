// The staff console's login and fleet now, in Chromium against a real fsbus-central fed by a
// simulated fleet: the numbers the API gives, live updates over MQTT on the console's own
// origin, sessions that end, and axe-core on each screen (screenshots in test/artefacts/kiosk/).
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetResponse } from '@fsbus/shared';
import { checkAccessible } from './accessibility.js';
import { consoleCentral, logIn } from './console-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BUSES = ['bfs-42-001', 'bfs-42-002', 'bfs-42-003'];

describe('the staff console', () => {
  it(
    'logs staff in and shows the fleet as the API gives it, then live',
    { timeout: 60_000 },
    async () => {
      const central = await consoleCentral(cleanups, BUSES);
      const [first, second, third] = central.buses;
      if (!first || !second || !third) throw new Error('three buses');
      // Two buses heard of: one at a stop in the Loire, one late and with a sensor down.
      await first.healthy();
      await first.send('gnss', { lat: 45.744, lon: 3.996, speed: 0 });
      await first.send('occupancy', { onBoard: 4 });
      await first.send('visit');
      await first.send('visit');
      await second.send('status', {
        service: 'bridge',
        state: 'degraded',
        alarms: ['counter_silent'],
        health: { gnss: 'fix_3d', counter: 'silent' },
        metrics: {},
      });
      await second.send('gnss', { lat: 45.69, lon: 3.79, speed: 12 });

      const page = await central.page();
      await checkAccessible(page, 'console-login');
      await logIn(page, 'marie', 'wrong password');
      await page.getByText('Nom d’utilisateur ou mot de passe incorrect.').waitFor();
      await logIn(page, 'marie');
      const table = page.getByRole('table', { name: 'Tous les bus, ceux en alerte d’abord' });
      await table.waitFor();

      // Each row says what the API says.
      const fleet = await central.api<FleetResponse>('/api/v1/fleet');
      const row = (busId: string) => table.locator(`tr[data-bus="${busId}"]`);
      for (const bus of fleet.buses) {
        await expect.poll(() => row(bus.busId).count()).toBe(1);
        const cells = await row(bus.busId).locator('td').allInnerTexts();
        expect(cells[3], bus.busId).toBe(bus.onBoard === null ? '—' : String(bus.onBoard));
        expect(cells[4], bus.busId).toBe(String(bus.today.visits));
      }
      expect(fleet.buses.find((bus) => bus.busId === 'bfs-42-001')?.today.visits).toBe(2);
      // The bus central never heard of is silent; the one with a sensor down says which.
      expect(await row('bfs-42-003').getAttribute('data-condition')).toBe('silent');
      expect(await row('bfs-42-002').getAttribute('data-condition')).toBe('degraded');
      await expect
        .poll(() => row('bfs-42-002').locator('td').nth(5).innerText())
        .toContain('counter_silent');
      await page
        .getByText('Tous les bus ont une position.')
        .or(page.getByText('1 bus sans position connue.'))
        .waitFor();
      await checkAccessible(page, 'console-fleet');

      // Live: a visit, a new head count and a move reach the open console without a reload.
      await first.send('visit');
      await first.send('occupancy', { onBoard: 9 });
      await expect.poll(() => row('bfs-42-001').locator('td').nth(4).innerText()).toBe('3');
      await expect.poll(() => row('bfs-42-001').locator('td').nth(3).innerText()).toBe('9');
      await third.healthy();
      await expect.poll(() => row('bfs-42-003').getAttribute('data-condition')).toBe('ok');
      // The one failed load is the wrong password's 401, answered as the login said.
      expect(central.problems().filter((problem) => !problem.includes('status of 401'))).toEqual(
        [],
      );
    },
  );
});
