// The visitor kiosk in Chromium against a real broker and bridge: a visit, an opinion, the turn
// numbers of two kiosks through restarts, and delivery through a broker outage.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { kioskBrowser, kioskBus, kioskOnBus, screenshot } from './kiosk-harness.js';
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
    const { bus, browser, page } = await kioskOnBus(cleanups);
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
    // No CSP violation, failed load or exception on the way.
    expect(browser.problems()).toEqual([]);
  }, 60_000);

  it('takes one opinion, and a second press within 5 s of it counts once', async () => {
    const { bus, browser, page } = await kioskOnBus(cleanups, { clock: true });
    await page.getByRole('button', { name: 'Je donne mon avis' }).click();
    await page.getByRole('heading', { name: 'Comment s’est passée votre visite ?' }).waitFor();
    await screenshot(page, 'fr-opinion');
    await page.getByRole('button', { name: 'Très content' }).click();
    await page.getByText('Bon accueil').click();
    await screenshot(page, 'fr-reasons');
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await page.getByRole('heading', { name: 'Merci !' }).waitFor();
    await screenshot(page, 'fr-thanks');
    await until(() => bus.opinions().length === 1, 'the opinion on the broker');
    expect(bus.opinions()[0]).toMatchObject({
      source: 'kiosk-1',
      rating: 4,
      reasons: ['friendly_welcome'],
    });
    // Anonymous: a random id, the time truncated to the hour, no turn, no partner.
    expect(bus.opinions()[0]?.ts).toMatch(/T\d\d:00:00\.000Z$/);
    expect(bus.opinions()[0]?.id[14]).toBe('4');

    // The same visitor taps again at once: thanks, but nothing more is recorded.
    await page.getByRole('button', { name: 'Accueil' }).click();
    await page.getByRole('button', { name: 'Je donne mon avis' }).click();
    await page.getByRole('button', { name: 'Pas content' }).click();
    await page.getByRole('heading', { name: 'Merci !' }).waitFor();
    // Past the 5 s, an opinion counts again.
    await page.clock.fastForward(6000);
    await page.getByRole('button', { name: 'Accueil' }).click();
    await page.getByRole('button', { name: 'Je donne mon avis' }).click();
    await page.getByRole('button', { name: 'Pas content' }).click();
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await until(() => bus.opinions().length === 2, 'the second opinion');
    expect(bus.opinions().map((o) => o.rating)).toEqual([4, 2]);
    expect(browser.problems()).toEqual([]);
  }, 60_000);

  it('counts down after the idle time, Continue keeps the screen, and the end clears everything', async () => {
    const { bus, page } = await kioskOnBus(cleanups, { clock: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'I am here for a procedure' }).click();
    await page.getByText('Pension', { exact: true }).click();
    const countdown = page.getByTestId('countdown');
    expect(await countdown.count()).toBe(0);
    await page.clock.fastForward(61_000);
    await countdown.waitFor();
    await screenshot(page, 'en-countdown');
    const seconds = Number(await page.locator('.seconds').textContent());
    expect(seconds).toBeGreaterThanOrEqual(19);
    expect(seconds).toBeLessThanOrEqual(20);
    await page.getByRole('button', { name: 'Continue' }).click();
    await countdown.waitFor({ state: 'detached' });
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(1);

    await page.clock.fastForward(61_000);
    await countdown.waitFor();
    await page.clock.fastForward(21_000);
    // Back to the welcome screen, in French, nothing chosen kept.
    await page.getByRole('heading', { name: 'Bienvenue dans le bus France services' }).waitFor();
    await countdown.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Je viens pour une démarche' }).click();
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(0);
    expect(bus.visits()).toHaveLength(0);
  }, 60_000);

  it('never shows one number twice: two kiosks, two pages of one kiosk, restarts of the bridge and the browser', async () => {
    const bus = await kioskBus(cleanups);
    const first = await bus.kiosk('kiosk-1');
    const second = await bus.kiosk('kiosk-2');
    const browser = await kioskBrowser(cleanups);
    const pages = [
      await browser.page(first.url),
      await browser.page(first.url),
      await browser.page(second.url),
    ];
    const shown = await Promise.all(pages.map((page) => checkIn(page)));
    expect(new Set(shown).size).toBe(3);
    expect(shown.sort()).toEqual(['A 1', 'A 2', 'B 1']);

    await bus.stopBridge();
    await browser.restart();
    await bus.startBridge();
    const again = await browser.page(first.url);
    expect(await checkIn(again)).toBe('A 3');
    await until(() => bus.queue()?.issued === 4, 'four turns in the queue');
    expect(bus.queue()?.lastIssued).toEqual({ A: 3, B: 1 });
  }, 90_000);

  it('delivers every fact once through a broker outage and a reload, with only a discreet offline mark', async () => {
    const { bus, page } = await kioskOnBus(cleanups);
    await page.getByRole('button', { name: 'Je viens pour une démarche' }).waitFor();
    await bus.stopBroker();
    await page.getByTestId('offline').waitFor();
    // The visitor goes on as if nothing happened.
    expect(await checkIn(page, 'fr-offline')).toBe('A 1');
    await screenshot(page, 'fr-turn-offline');
    await page.reload();
    await page.getByRole('button', { name: 'Je viens pour une démarche' }).waitFor();
    await bus.startBroker();
    await page.getByTestId('offline').waitFor({ state: 'detached' });
    await until(
      () => bus.queue()?.waitingTurns?.some((t) => t.series === 'A' && t.number === 1) === true,
      () => `the visit taken offline in the queue: ${JSON.stringify(bus.queue())}`,
      30_000,
    );
    expect(bus.queue()?.issued).toBe(1);
  }, 90_000);
});
