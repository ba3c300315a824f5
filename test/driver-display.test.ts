/// <reference lib="dom" />
// The driver display in Chromium against a real broker and a bridge driving a day plan: the stop,
// the queue and its commands, the people and the reset, the timeline, the health and its
// banner, through a restart of the broker. Screenshots go to test/artefacts/kiosk/.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../broker/test/harness.js';
import { driverOnBus, text } from './driver-harness.js';
import { screenshot } from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the driver display', () => {
  it('shows the stop, the day and the people, calls the queue and resets the count', async () => {
    const { bus, browser, page, visit, opinion, commands } = await driverOnBus(cleanups);

    expect(await text(page, 'stop-current')).toContain('Place de la mairie, Ambazac');
    expect(await text(page, 'stop-next')).toContain('Place de l’église, Saint-Sylvestre');
    expect(await text(page, 'stop-left')).toMatch(/Départ prévu dans (119|120) minutes/);
    const timeline = page.getByTestId('timeline').locator('li');
    expect(
      await timeline.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))),
    ).toEqual(['current', 'next']);
    await page.locator('[data-part="bridge"][data-level="ok"]').waitFor();
    expect(await page.locator('[data-part="counter"]').textContent()).toContain('Pas de compteur');

    // Two visitors take a turn, one gives an opinion: the queue and the counts follow.
    await visit(1);
    await visit(2);
    await opinion();
    await until(() => bus.opinions().length === 1, 'the opinion on the broker');
    await page.getByTestId('queue-waiting').getByText('2 personnes attendent.').waitFor();
    await page.getByTestId('visits-today').getByText('2', { exact: true }).waitFor();
    await page.getByTestId('opinions-today').getByText('1', { exact: true }).waitFor();
    expect(await timeline.first().textContent()).toContain('2 visites, 1 avis');

    // Call next, recall, absent: one cmd/queue each, signed by the display.
    await page.getByRole('button', { name: 'Appeler le suivant' }).click();
    await page.getByTestId('queue-serving').getByText('A 1').waitFor();
    await page.getByRole('button', { name: 'Rappeler A 1' }).click();
    await until(() => commands('cmd/queue').length === 2, 'the recall');
    await page.getByRole('button', { name: 'A 1 absent' }).click();
    await page.getByTestId('queue-serving').getByText('Personne').waitFor();
    expect(commands('cmd/queue')).toMatchObject([
      { source: 'driver', action: 'call_next' },
      { source: 'driver', action: 'recall', turn: 1, series: 'A' },
      { source: 'driver', action: 'skip', turn: 1, series: 'A' },
    ]);
    await screenshot(page, 'driver-fr-day');

    // Reset the count: nothing is sent before the confirmation.
    await page.getByRole('button', { name: 'Corriger le nombre à bord' }).click();
    const dialog = page.getByRole('dialog', { name: 'Combien de personnes sont à bord ?' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Personnes à bord' }).fill('3');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(commands('cmd/occupancy')).toEqual([]);
    await page.getByRole('button', { name: 'Corriger le nombre à bord' }).click();
    await dialog.getByRole('textbox', { name: 'Personnes à bord' }).fill('3');
    await dialog.getByRole('textbox', { name: 'Personnes à bord' }).blur();
    await screenshot(page, 'driver-fr-reset');
    await dialog.getByRole('button', { name: 'Confirmer : 3 personnes' }).click();
    await page.getByTestId('people-on-board').getByText('3', { exact: true }).waitFor();
    expect(commands('cmd/occupancy')).toMatchObject([{ action: 'reset', onBoard: 3 }]);
    expect(browser.problems()).toEqual([]);
  }, 90_000);

  it('says what is wrong in a banner, and reconnects through a restart of the broker', async () => {
    const { bus, browser, page, visit } = await driverOnBus(cleanups);
    const banner = page.getByTestId('banner');
    expect(await banner.count()).toBe(0);

    // The bridge stops: the banner says so, the worst first.
    await bus.stopBridge();
    await banner.getByText('Boîtier : Arrêté').waitFor();
    await screenshot(page, 'driver-fr-bridge-stopped');
    await bus.startBridge();
    await banner.waitFor({ state: 'detached' });

    // The broker restarts: "reconnecting", the buttons off, then everything back.
    await visit(1);
    const callNext = page.getByRole('button', { name: 'Appeler le suivant' });
    await page.getByTestId('queue-waiting').getByText('1 personne attend.').waitFor();
    await bus.stopBroker();
    await banner.getByText('Liaison avec le bus perdue : reconnexion en cours…').waitFor();
    expect(await callNext.isDisabled()).toBe(true);
    await screenshot(page, 'driver-fr-reconnecting');
    await bus.startBroker();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('button.call-next:not([disabled])').waitFor({ timeout: 30_000 });
    await callNext.click();
    await page.getByTestId('queue-serving').getByText('A 1').waitFor();
    // The reloads and reconnections left no error in the page.
    expect(browser.problems().filter((p) => !p.includes('WebSocket'))).toEqual([]);
  }, 120_000);
});
