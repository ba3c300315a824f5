/// <reference lib="dom" />
// The kiosk's welcome on a planned stop, its staff corner and its status topic, in Chromium
// against a real broker and a bridge driving a day plan.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../broker/test/harness.js';
import {
  STAFF_PIN,
  kioskBrowser,
  kioskBus,
  kioskOnBus,
  planHereNow,
  pressStaffCorner,
  screenshot,
  typeStaffPin,
} from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the kiosk at a stop, for staff', () => {
  it('welcomes visitors with today’s stop, its commune and its hours from the plan', async () => {
    const now = Date.now();
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-plan-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const planFile = path.join(dir, 'plan.json');
    const plan = planHereNow(now);
    writeFileSync(planFile, JSON.stringify(plan));
    const bus = await kioskBus(cleanups, {
      bridge: { gnss: { source: 'simulator' }, stops: { planFile, arriveAfterS: 1 } },
    });
    const kiosk = await bus.kiosk();
    const browser = await kioskBrowser(cleanups);
    const page = await browser.page(kiosk.url);
    const card = page.locator('.stop-card');
    // Once the bridge has the bus arrived (it drives there first, at the simulator's pace).
    await card.getByText('Aujourd’hui, le bus est à :').waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toContain('Place de la mairie, Ambazac');
    const hours = (time: number) =>
      new Intl.DateTimeFormat('fr', {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: plan.timeZone,
      }).format(new Date(Math.floor(time / 1000) * 1000));
    expect(await card.textContent()).toContain(
      `Ouvert de ${hours(now - 30 * 60_000)} à ${hours(now + 2 * 3_600_000)}`,
    );
    await screenshot(page, 'fr-welcome-at-stop');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await card.getByText('Ambazac').waitFor();
    await screenshot(page, 'ar-welcome-at-stop');
    expect(browser.problems()).toEqual([]);
  }, 60_000);

  it('opens the staff corner on a 3 s press and the right PIN only, and shows the kiosk’s health', async () => {
    const { bus, browser, page } = await kioskOnBus(cleanups, { clock: true });
    const dialog = page.getByRole('dialog', { name: 'Espace réservé au personnel' });

    // A visitor's tap, or a press under 3 s, opens nothing.
    await page.getByTestId('staff-corner').click();
    await pressStaffCorner(page, 2000);
    expect(await dialog.count()).toBe(0);

    // One visit first, so there is something to show.
    await page.getByRole('button', { name: 'Je viens pour une démarche' }).click();
    await page.getByText('Retraite', { exact: true }).click();
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByTestId('turn-number').waitFor();
    await until(() => bus.visits().length === 1, 'the visit');
    await page.getByRole('button', { name: 'J’ai mon numéro' }).click();

    await pressStaffCorner(page, 3100);
    await dialog.waitFor();
    await typeStaffPin(page, '1111');
    await dialog.getByText('Code incorrect.').waitFor();
    expect(await page.getByTestId('staff-pending').count()).toBe(0);
    await typeStaffPin(page, STAFF_PIN);
    await page.getByTestId('staff-pending').waitFor();
    expect(await page.getByTestId('staff-pending').textContent()).toBe('0');
    expect(await page.getByTestId('staff-turns').textContent()).toBe('1');
    expect(await page.getByTestId('staff-store').textContent()).toBe('normale');
    expect(await dialog.textContent()).toContain('kiosk-1');
    await screenshot(page, 'fr-staff');
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    // Closed, nothing of it stays: the next opening asks for the PIN again.
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await pressStaffCorner(page, 3100);
    await dialog.getByRole('button', { name: 'Ouvrir' }).waitFor();
    expect(await page.getByTestId('staff-pending').count()).toBe(0);
    // The 403 of the wrong PIN is the only error the page saw.
    expect(browser.problems().filter((p) => !p.includes('403'))).toEqual([]);
  }, 60_000);

  it('publishes its status: store, queue, what waits and what was sent; its last will says offline', async () => {
    const { bus, page } = await kioskOnBus(cleanups, { clock: true });
    await until(() => bus.status('kiosk-1')?.state === 'online', 'the kiosk online');
    expect(bus.status('kiosk-1')?.metrics.visits_sent).toBe(0);
    await page.getByRole('button', { name: 'Je viens pour une démarche' }).click();
    await page.getByText('La Poste', { exact: false }).click();
    await page.getByRole('button', { name: 'Valider' }).click();
    await until(() => bus.visits().length === 1, 'the visit');
    // The next status, every 30 s, counts it.
    await page.clock.runFor(30_000);
    await until(() => bus.status('kiosk-1')?.metrics.visits_sent === 1, 'the next status');
    expect(bus.status('kiosk-1')).toMatchObject({
      service: 'kiosk-1',
      state: 'online',
      health: { store: 'ok', queue: 'live' },
      metrics: { pending_facts: 0, oldest_pending_s: 0, opinions_sent: 0, store_errors: 0 },
      alarms: [],
    });
    // The page gone without a word: the broker publishes its last will.
    await page.close();
    await until(() => bus.status('kiosk-1')?.state === 'offline', 'the last will');
  }, 60_000);
});
