// The kiosk's local store going wrong, in Chromium against a real broker and bridge: a kiosk
// whose storage was wiped goes on after the last number the bridge saw, and a kiosk on a full
// disk still gives numbers, delivers, says so, and stores again once there is room.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until } from '../broker/test/harness.js';
import {
  STAFF_PIN,
  kioskBrowser,
  kioskBus,
  pressStaffCorner,
  screenshot,
  typeStaffPin,
} from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A visit for "Retraite"; returns the turn shown, back on the welcome screen. */
async function visit(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Je viens pour une démarche' }).click();
  await page.getByText('Retraite', { exact: true }).click();
  await page.getByRole('button', { name: 'Valider' }).click();
  const number = page.getByTestId('turn-number');
  await number.waitFor();
  const shown = (await number.textContent()) ?? '';
  await page.getByRole('button', { name: 'J’ai mon numéro' }).click();
  await page.getByRole('heading', { name: 'Bienvenue dans le bus France services' }).waitFor();
  return shown;
}

describe('the kiosk’s own storage', () => {
  it('goes on after the bridge’s last number when the kiosk’s storage was wiped', async () => {
    const bus = await kioskBus(cleanups);
    const kiosk = await bus.kiosk();
    const first = await kioskBrowser(cleanups);
    const page = await first.page(kiosk.url);
    expect([await visit(page), await visit(page)]).toEqual(['A 1', 'A 2']);
    await until(() => bus.queue()?.lastIssued?.A === 2, 'A 2 in the queue');
    await page.close();

    // A new profile: the kiosk's IndexedDB is gone (a replaced SD card, a reset browser).
    const opened = Date.now();
    const wiped = await kioskBrowser(cleanups);
    const fresh = await wiped.page(kiosk.url);
    // The new page has the bridge's queue (its status says so).
    await until(() => {
      const status = bus.status('kiosk-1');
      return status?.health.queue === 'live' && Date.parse(status.startedAt ?? '') >= opened - 1000;
    }, 'the fresh page holding the queue');
    expect(await visit(fresh)).toBe('A 3');
    await until(() => bus.visits().length === 3, 'three visits');
    expect(bus.visits().map((v) => v.turn)).toEqual([1, 2, 3]);
    expect(new Set(bus.visits().map((v) => v.id)).size).toBe(3);
    // Nor a seq again: the new store's run starts its seqs at its start time.
    const seqs = bus.visits().map((v) => v.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  }, 60_000);

  it('still gives numbers and delivers on a full disk, says so to staff, and stores again once there is room', async () => {
    // The browser's profile on a small disk of its own (a tmpfs: the test runs as root, as CI).
    const disk = mkdtempSync(path.join(tmpdir(), 'fsbus-kiosk-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', disk]);
    cleanups.push(() => {
      execFileSync('umount', ['-l', disk]);
      rmSync(disk, { recursive: true, force: true });
    });
    const bus = await kioskBus(cleanups);
    const kiosk = await bus.kiosk();
    const browser = await kioskBrowser(cleanups, { profile: path.join(disk, 'profile') });
    let page = await browser.page(kiosk.url);
    /** The screen opened again (a reload), once it holds the bridge's queue. */
    const reopen = async () => {
      const opened = Date.now();
      const again = await browser.page(kiosk.url);
      await until(() => {
        const status = bus.status('kiosk-1');
        return (
          status?.health.queue === 'live' && Date.parse(status.startedAt ?? '') >= opened - 1000
        );
      }, 'the reopened page holding the queue');
      return again;
    };
    expect(await visit(page)).toBe('A 1');
    await until(() => bus.visits().length === 1, 'the first visit');

    // The disk fills up. Chromium's store takes a write or two more, then breaks its connection.
    const filler = path.join(disk, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M']);
    let number = 1;
    while (bus.status('kiosk-1')?.health.store !== 'failing') {
      expect(number, 'the store failing within a few visits').toBeLessThan(8);
      number += 1;
      // Every visitor still gets the next number at once, and every visit is delivered.
      expect(await visit(page)).toBe(`A ${String(number)}`);
      await until(() => bus.visits().length === number, `visit ${String(number)}`);
    }
    await page.getByRole('button', { name: 'Je donne mon avis' }).click();
    await page.getByRole('button', { name: 'Content', exact: true }).click();
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await page.getByRole('heading', { name: 'Merci !' }).waitFor();
    await until(() => bus.opinions().length === 1, 'the opinion');
    expect(bus.status('kiosk-1')).toMatchObject({
      state: 'degraded',
      health: { store: 'failing' },
      alarms: ['kiosk_store_failing'],
    });

    // Staff see it in the corner.
    await page.getByRole('button', { name: 'Accueil' }).click();
    await page.clock.install();
    await pressStaffCorner(page, 3100);
    await typeStaffPin(page, STAFF_PIN);
    const store = page.getByTestId('staff-store');
    await store.waitFor();
    expect(await store.textContent()).toMatch(/^en panne/);
    expect(await page.getByTestId('staff-turns').textContent()).toBe(String(number));
    await screenshot(page, 'fr-staff-store-failing');
    await page.getByRole('button', { name: 'Fermer' }).click();

    // A reload while the disk is still full goes on from the last number.
    await page.close();
    page = await reopen();
    number += 1;
    expect(await visit(page)).toBe(`A ${String(number)}`);
    await until(() => bus.visits().length === number, `visit ${String(number)}`);
    expect(bus.status('kiosk-1')?.health.store).toBe('failing');

    // Room again: the next visit is stored, the alarm ends, and a reload goes on from it.
    rmSync(filler);
    number += 1;
    expect(await visit(page)).toBe(`A ${String(number)}`);
    await until(() => bus.status('kiosk-1')?.health.store === 'ok', 'the store healthy again');
    expect(bus.status('kiosk-1')?.alarms).toEqual([]);
    await page.close();
    page = await reopen();
    number += 1;
    expect(await visit(page)).toBe(`A ${String(number)}`);
    await until(() => bus.visits().length === number, 'every visit');
    expect(bus.visits().map((v) => v.turn)).toEqual(
      Array.from({ length: number }, (_, i) => i + 1),
    );
    // Never a seq twice, and always forward, through the reloads and the failing store.
    const seqs = bus.visits().map((v) => v.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  }, 90_000);
});
