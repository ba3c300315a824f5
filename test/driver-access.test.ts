// The driver display's accessibility in Chromium: in the day and night themes and in every
// language (Arabic right to left), with the reset dialog open too, axe-core finds no violation
// and every touch target is at least 48x48 CSS px; the queue and the reset work with the
// keyboard alone. Screenshots go to test/artefacts/kiosk/driver-*.png.
import { afterEach, describe, expect, it } from 'vitest';
import { LANGUAGE_CODES, LANGUAGES } from '@fsbus/shared';
import { until } from '../broker/test/harness.js';
import { checkAccessible } from './accessibility.js';
import { driverOnBus } from './driver-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the driver display is accessible', () => {
  it('passes axe and the 48 px rule in both themes and every language', async () => {
    const { page, visit, opinion } = await driverOnBus(cleanups);
    await visit(1);
    await visit(2);
    await opinion();
    await page.getByTestId('queue-waiting').getByText('2 personnes attendent.').waitFor();
    for (const theme of ['day', 'night'] as const) {
      for (const language of LANGUAGE_CODES) {
        await page.getByRole('button', { name: LANGUAGES[language].name, exact: true }).click();
        await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
        expect(await page.evaluate(() => document.documentElement.dir)).toBe(
          LANGUAGES[language].direction,
        );
        await checkAccessible(page, `driver-${language}-${theme}`);
      }
      // The night switch is the last button of the header, in every language.
      await page.locator('.switches .button').last().click();
      await page.waitForFunction(
        (night) => document.documentElement.classList.contains('night') === night,
        theme === 'day',
      );
    }
    // Back in French and by day, the reset dialog open.
    await page.getByRole('button', { name: 'Français', exact: true }).click();
    await page.getByRole('button', { name: 'Corriger le nombre à bord' }).click();
    await page.getByRole('dialog').waitFor();
    await checkAccessible(page, 'driver-fr-day-reset');
    // The choices are kept on this display: night now, and still after a reload.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Mode nuit' }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('night'));
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('night'))).toBe(
      true,
    );
  }, 120_000);

  it('works with the keyboard alone: call the next turn, reset the count', async () => {
    const { page, visit, commands } = await driverOnBus(cleanups);
    await visit(1);
    await page.getByTestId('queue-waiting').getByText('1 personne attend.').waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent.trim() ?? '');
    /** Tabs until the focused element's text matches. */
    const tabTo = async (text: RegExp, limit = 30) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        if (text.test(await focused())) return;
      }
      throw new Error(`no focusable element matching ${String(text)}`);
    };
    await tabTo(/Appeler le suivant/);
    await page.keyboard.press('Enter');
    await page.getByTestId('queue-serving').getByText('A 1').waitFor();
    await tabTo(/Corriger le nombre à bord/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    // The count has the focus: arrows change it, then Tab to the confirmation.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await tabTo(/Confirmer : 2 personnes/);
    await page.keyboard.press('Enter');
    await page.getByTestId('people-on-board').getByText('2', { exact: true }).waitFor();
    await until(() => commands('cmd/occupancy').length === 1, 'the reset');
    expect(commands('cmd/occupancy')).toMatchObject([{ action: 'reset', onBoard: 2 }]);
  }, 60_000);
});
