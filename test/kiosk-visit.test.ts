// The visitor kiosk in Chromium against a real broker and bridge: a visit, an opinion, the turn
// numbers of two kiosks through restarts, and delivery through a broker outage.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { kioskBrowser, kioskBus, screenshot } from './kiosk-harness.js';
import { until } from '../broker/test/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Welcome -> why (two partners, first visit yes) -> turn; returns the number shown. */
async function checkIn(page: Page, shots?: string): Promise<string> {
  await page.getByRole('button', { name: 'Je viens pour une démarche' }).click();
  await page.getByRole('heading', { name: 'Pourquoi venez-vous ?' }).waitFor();
  // As a visitor: a tap on the tile's words.
  await page.getByText('CAF : allocations familiales', { exact: false }).click();
  await page.getByText('Impôts : déclaration', { exact: false }).click();
  await page.getByText('Oui', { exact: true }).click();
  expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(2);
  if (shots !== undefined) await screenshot(page, `${shots}-why`);
  await page.getByRole('button', { name: 'Valider' }).click();
  const number = page.getByTestId('turn-number');
  await number.waitFor();
  return (await number.textContent()) ?? '';
}

describe('the visitor kiosk', () => {
  it('takes a visit: one valid visit published, the turn shown is the one in the queue', async () => {
    const bus = await kioskBus(cleanups);
    const kiosk = await bus.kiosk();
    const browser = await kioskBrowser(cleanups);
    const page = await browser.page(kiosk.url);
    await until(() => bus.queue() !== undefined, 'the retained queue');
    await screenshot(page, 'fr-welcome');

    const shown = await checkIn(page, 'fr');
    expect(shown).toBe('A 1');
    await until(() => bus.visits().length === 1, 'the visit on the broker');
    const [visit] = bus.visits();
    expect(visit).toMatchObject({
      source: 'kiosk-1',
      turn: 1,
      series: 'A',
      firstVisit: true,
      language: 'fr',
    });
    expect(visit?.partners).toHaveLength(2);
    await until(
      () => bus.queue()?.waitingTurns?.some((t) => t.series === 'A' && t.number === 1) === true,
      'turn A 1 in the queue',
    );
    await page.getByTestId('turn-before').waitFor();
    expect(await page.getByTestId('turn-before').textContent()).toBe(
      'Personne n’attend avant vous.',
    );
    await screenshot(page, 'fr-turn');
    // Published once, whatever else happens on screen.
    await page.getByRole('button', { name: 'J’ai mon numéro' }).click();
    await page.getByRole('heading', { name: 'Bienvenue dans le bus France services' }).waitFor();
    expect(bus.visits()).toHaveLength(1);
  }, 60_000);
});
