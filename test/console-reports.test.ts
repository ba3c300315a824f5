// The staff console's reports, in Chromium against a real fsbus-central fed with a generated
// month of a small fleet: the numbers and tables the API gives, each CSV download equal to the
// API's own, a bus chosen, the printable monthly page printed to PDF, and Arabic.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportResponse } from '@fsbus/shared';
import { checkAccessible } from './accessibility.js';
import { consoleCentral, logIn } from './console-harness.js';
import { fleetMonth } from './fleet-month.js';
import { ARTEFACTS } from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MONTH = '2026-10';
const month = fleetMonth(MONTH, 3, 11);
const total = (report: ReportResponse, column: string) =>
  report.rows.reduce((sum, row) => sum + (typeof row[column] === 'number' ? row[column] : 0), 0);
/** A number as the console writes it in French (a narrow no-break space between thousands). */
const french = (value: number) => new Intl.NumberFormat('fr').format(value);

describe('the staff console’s reports', () => {
  it(
    'shows each report as the API gives it, downloads its CSV and prints a bus’s month',
    { timeout: 180_000 },
    async () => {
      const central = await consoleCentral(cleanups, month.busIds);
      await central.publish(month.messages);
      const page = await central.page();
      await logIn(page, 'marie');
      await page.getByRole('link', { name: 'Rapports' }).click();
      await page.getByRole('radio', { name: 'Un mois' }).waitFor();
      await page.getByLabel('Mois', { exact: true }).fill(MONTH);
      await page.getByRole('button', { name: 'Afficher le rapport' }).click();
      await page.waitForURL(`**/reports?period=${MONTH}`);

      // The key numbers are the API's totals over the fleet.
      const visits = await central.api<ReportResponse>(`/api/v1/reports/visits?period=${MONTH}`);
      const key = (name: string) =>
        page
          .locator('.key-number')
          .filter({ has: page.getByText(name, { exact: true }) })
          .locator('dd');
      await expect.poll(() => key('Visites').innerText()).toBe(french(total(visits, 'visits')));
      expect(await key('Premières visites').innerText()).toBe(french(total(visits, 'firstVisits')));

      // Each table has the API's rows; its CSV is the API's, byte for byte.
      const partners = await central.api<ReportResponse>(
        `/api/v1/reports/visits?period=${MONTH}&by=partner`,
      );
      await page.getByText(/^Demandes par partenaire : le tableau/).click();
      const table = page.locator('table[data-report="visits-partner"]');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(partners.rows.length);
      const requests = await table.locator('tbody tr td:nth-child(4)').allInnerTexts();
      expect(requests).toEqual(partners.rows.map((row) => french(Number(row.requests))));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Télécharger en CSV : Demandes par partenaire' }).click(),
      ]);
      const csv = await central.apiRaw(
        `/api/v1/reports/visits?period=${MONTH}&by=partner&format=csv`,
      );
      expect(download.suggestedFilename()).toBe(`fsbus-visits-by-partner-${MONTH}.csv`);
      expect(readFileSync(await download.path())).toEqual(csv.body);
      await page.locator('.chart svg').first().waitFor();
      await checkAccessible(page, 'console-reports');

      // One bus chosen: its numbers alone, and the choice kept in the address.
      const [bus] = month.busIds;
      if (bus === undefined) throw new Error('a bus');
      // By keyboard: the bus's box focused, then Space.
      const box = page.getByRole('checkbox', { name: bus });
      await box.focus();
      await page.keyboard.press('Space');
      expect(await box.isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Afficher le rapport' }).click();
      await page.waitForURL(`**/reports?period=${MONTH}&bus=${bus}`);
      const one = await central.api<ReportResponse>(
        `/api/v1/reports/visits?period=${MONTH}&bus=${bus}`,
      );
      await expect.poll(() => key('Visites').innerText()).toBe(french(total(one, 'visits')));

      // The bus's printable month, as the API's monthly file says.
      await page.getByRole('link', { name: `Bilan de ${bus}, ${MONTH}` }).click();
      await page.getByRole('heading', { name: `Bus ${bus} : bilan de octobre 2026` }).waitFor();
      const monthly = await central.api<ReportResponse>(
        `/api/v1/reports/monthly/${bus}?month=${MONTH}`,
      );
      const indicator = (name: string) => monthly.rows.find((row) => row.indicator === name)?.value;
      expect(await key('Visites').innerText()).toBe(french(Number(indicator('visits'))));
      expect(await key('Arrêts desservis').innerText()).toBe(
        french(Number(indicator('stop_arrivals'))),
      );
      await checkAccessible(page, 'console-monthly');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.console-nav').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Imprimer' }).isVisible()).toBe(false);
      await page.screenshot({
        path: path.join(ARTEFACTS, 'console-monthly-print.png'),
        fullPage: true,
      });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      mkdirSync(ARTEFACTS, { recursive: true });
      writeFileSync(path.join(ARTEFACTS, 'console-monthly.pdf'), pdf);
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pages.length).toBeGreaterThanOrEqual(1);
      expect(pages.length).toBeLessThanOrEqual(2);
      await page.emulateMedia({ media: 'screen' });

      // In Arabic, right to left, still accessible.
      await page.getByRole('combobox', { name: 'Langue' }).selectOption('ar');
      await page.getByRole('heading', { name: `الحافلة ${bus}: ملخص`, exact: false }).waitFor();
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      await checkAccessible(page, 'console-monthly-ar');
      // The reports in Arabic: charts drawn left to right, their labels whole.
      await page.getByRole('link', { name: 'العودة إلى التقارير' }).click();
      await page.locator('.chart svg').first().waitFor();
      await checkAccessible(page, 'console-reports-ar');
      expect(central.problems()).toEqual([]);
    },
  );
});
