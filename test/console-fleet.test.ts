// The staff console's login and fleet now, in Chromium against a real fsbus-central fed by a
// simulated fleet: the numbers the API gives, live updates over MQTT on the console's own
// origin, sessions that end, and axe-core on each screen (screenshots in test/artefacts/kiosk/).
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, type BusDayResponse, type FleetResponse } from '@fsbus/shared';
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

  it(
    'shows a bus’s day: the plan and its acknowledgement, the stops planned against actual',
    { timeout: 60_000 },
    async () => {
      const central = await consoleCentral(cleanups, BUSES);
      const [bus] = central.buses;
      if (!bus) throw new Error('a bus');
      const date = '2026-11-23';
      const { planId } = EXAMPLES.plan;
      await central.plan(bus.busId);
      bus.at('2026-11-23T08:40:00.000Z');
      await bus.send('plan/ack', { planId, date, outcome: 'accepted', reason: null });
      await bus.send('gnss', { lat: 45.93, lon: 1.35 });
      await bus.send('stop');
      await bus.send('gnss', { lat: 45.96, lon: 1.4 });
      await bus.send('door');
      bus.at('2026-11-23T08:45:00.000Z');
      await bus.send('visit');
      await bus.send('visit', { stopId: null });
      await bus.send('opinion', { rating: 4 });
      await bus.send('opinion', { rating: 1, reasons: [] });

      const page = await central.page();
      await logIn(page, 'marie');
      await page.getByRole('link', { name: 'Journée de bfs-42-001' }).click();
      // Today's day first; then the one asked for in the form.
      await page.getByRole('heading', { name: /^Journée du bus bfs-42-001, le / }).waitFor();
      await page.getByRole('textbox', { name: 'Jour' }).fill(date);
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByRole('heading', { name: `Journée du bus bfs-42-001, le ${date}` }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/buses/bfs-42-001/days/${date}`);
      // A deep link reloads as it is (the session kept in the tab).
      await page.reload();
      const table = page.getByRole('table', { name: 'Arrêts prévus et réels' });
      await table.waitFor();

      const day = await central.api<BusDayResponse>(`/api/v1/buses/bfs-42-001/days/${date}`);
      for (const stop of day.stops) {
        const cells = await table.locator(`tr[data-stop="${stop.stopId}"] td`).allInnerTexts();
        expect(cells.slice(3, 6), stop.stopId).toEqual([
          String(stop.peopleIn),
          String(stop.peopleOut),
          String(stop.visits),
        ]);
      }
      const first = await table.locator('tr[data-stop="ambazac-mairie"] td').allInnerTexts();
      // Arrived 09:36 Paris time, 400 s late (7 min); both opinions given there, one satisfied.
      expect(first[1]).toMatch(/^09:36 – /);
      expect(first[2]).toBe('+7 min');
      expect(first[6]).toBe('2 avis, 50 % satisfaits');
      await page
        .getByText(`Plan ${planId} publié à`)
        .and(page.getByText('reçu par le bus à 09:40 (accepted)'))
        .waitFor();
      const elsewhere = await table.locator('tr[data-stop="elsewhere"] td').allInnerTexts();
      expect(elsewhere[5]).toBe('1');
      // The map drawn (its module loads on demand), so that the check and the picture have it.
      await page
        .getByRole('figure', { name: 'Carte de la journée' })
        .locator('.leaflet-container')
        .waitFor();
      await checkAccessible(page, 'console-day');
      expect(central.problems()).toEqual([]);
    },
  );
});
