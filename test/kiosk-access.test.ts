/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The kiosk's accessibility in Chromium: every screen in every language passes axe-core with
// zero violations, every touch target is at least 48x48 CSS px, Arabic is laid out right to
// left, and the whole path works with the keyboard alone. Screenshots of each screen in each
// language go to test/artefacts/kiosk/.
import { afterEach, describe, expect, it } from 'vitest';
import { LANGUAGE_CODES, LANGUAGES } from '@fsbus/shared';
import { checkAccessible as check } from './accessibility.js';
import { kioskOnBus } from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the kiosk is accessible', () => {
  it('passes axe and the 48 px rule on every screen in every language, with Arabic right to left', async () => {
    const { page } = await kioskOnBus(cleanups, { clock: true });
    for (const language of LANGUAGE_CODES) {
      const name = LANGUAGES[language].name;
      await page.getByRole('button', { name, exact: true }).click();
      await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe(
        LANGUAGES[language].direction,
      );
      await check(page, `${language}-welcome`);
      // The two big actions, in reading order: the first on the start side.
      const [first, second] = await page.locator('.big-actions .button').all();
      const x1 = (await first?.boundingBox())?.x ?? 0;
      const x2 = (await second?.boundingBox())?.x ?? 0;
      expect(language === 'ar' ? x1 > x2 : x1 < x2, `${language}: layout direction`).toBe(true);

      await page.locator('.big-actions .button').first().click();
      await page.locator('.tile').first().waitFor();
      await page.locator('.tile').first().click();
      await check(page, `${language}-why`);
      await page.locator('.footer .button.primary').click();
      await page.getByTestId('turn-number').waitFor();
      await check(page, `${language}-turn`);
      await page.locator('.footer .button.primary').click();

      await page.locator('.big-actions .button').nth(1).click();
      await page.locator('.face').first().waitFor();
      await check(page, `${language}-opinion`);
      await page.locator('.face').nth(3).click();
      await page.locator('.tile').first().waitFor();
      await check(page, `${language}-reasons`);
      await page.locator('.footer .button.primary').click();
      await page.locator('h1').waitFor();
      await check(page, `${language}-thanks`);
      await page.clock.fastForward(6000);
      await page.locator('.footer .button.primary').click();

      // The countdown, over the why screen.
      await page.locator('.big-actions .button').first().click();
      await page.clock.fastForward(61_000);
      await page.getByTestId('countdown').waitFor();
      await check(page, `${language}-countdown`);
      await page.clock.fastForward(21_000);
      await page.getByTestId('countdown').waitFor({ state: 'detached' });
      // The idle reset went back to French: choose the next language again.
    }

    // Larger text and higher contrast still pass.
    await page.getByRole('button', { name: 'Texte plus grand' }).click();
    await page.getByRole('button', { name: 'Contraste renforcé' }).click();
    await check(page, 'fr-welcome-large-contrast');
    await page.locator('.big-actions .button').first().click();
    await check(page, 'fr-why-large-contrast');
  }, 180_000);

  it('works with the keyboard alone: a visit and an opinion', async () => {
    const { bus, page } = await kioskOnBus(cleanups);
    const focused = () => page.evaluate(() => document.activeElement?.textContent.trim() ?? '');
    /** Tabs until the focused element's text matches. */
    const tabTo = async (text: RegExp, limit = 40) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        if (text.test(await focused())) return;
      }
      throw new Error(`no focusable element matching ${String(text)}`);
    };
    await tabTo(/Je viens pour une démarche/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Pourquoi venez-vous ?' }).waitFor();
    // Checkboxes: Tab to the first, Space ticks it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(1);
    await tabTo(/Valider/);
    await page.keyboard.press('Enter');
    await page.getByTestId('turn-number').waitFor();
    await tabTo(/J’ai mon numéro/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Bienvenue dans le bus France services' }).waitFor();
    await tabTo(/Je donne mon avis/);
    await page.keyboard.press('Enter');
    await tabTo(/Content$/);
    await page.keyboard.press('Enter');
    await tabTo(/Envoyer mon avis/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Merci !' }).waitFor();
    await expect.poll(() => bus.visits().length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => bus.opinions().length, { timeout: 10_000 }).toBe(1);
    expect(bus.opinions()[0]?.rating).toBe(3);
  }, 60_000);
});
