// The driver display under test: a bus standing at the first stop of a two-stop plan (real
// broker, bridge driving the plan), the display open in Debian's Chromium, a kiosk's account to
// publish visits and opinions, and what the display sends as seen on the broker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { MessageFactory, topicFor, exampleBody } from '@fsbus/shared';
import { BUS, collect, login } from '../broker/test/harness.js';
import { kioskBrowser, kioskBus, planHereNow } from './kiosk-harness.js';

type Cleanups = (() => Promise<void> | void)[];

const visitBody = exampleBody('visit');
const opinionBody = exampleBody('opinion');

/** The bus, its driver display, and ways to act as a kiosk and see the display's commands. */
export async function driverOnBus(cleanups: Cleanups) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-driver-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const planFile = path.join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(planHereNow(Date.now(), { second: true })));
  const bus = await kioskBus(cleanups, { bridge: { stops: { planFile, arriveAfterS: 1 } } });
  const server = await bus.kiosk();
  const browser = await kioskBrowser(cleanups);
  const page = await browser.page(server.driverUrl);
  // Once the bridge has the bus arrived (it drives there first, at the simulator's pace).
  await page.getByTestId('stop-state').getByText('À l’arrêt').waitFor({ timeout: 30_000 });

  // A kiosk's visits and opinions, and what the display sends, seen on the broker.
  const kiosk = await login(bus.onboard.url, 'kiosk-1');
  const watcher = await login(bus.onboard.url, 'monitor');
  cleanups.push(async () => {
    await Promise.all([kiosk.endAsync(), watcher.endAsync()]);
  });
  const seen = collect(watcher);
  await watcher.subscribeAsync([topicFor('cmd/queue', BUS), topicFor('cmd/occupancy', BUS)], {
    qos: 1,
  });
  const kiosk1 = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
  const visit = (turn: number) =>
    kiosk.publishAsync(
      topicFor('visit', BUS),
      JSON.stringify(kiosk1.create('visit', { ...visitBody, turn, series: 'A' })),
      { qos: 1 },
    );
  const opinion = () =>
    kiosk.publishAsync(
      topicFor('opinion', BUS),
      JSON.stringify(kiosk1.create('opinion', opinionBody)),
      { qos: 1 },
    );
  const commands = (stream: 'cmd/queue' | 'cmd/occupancy') =>
    seen
      .filter((m) => m.topic === topicFor(stream, BUS))
      .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
  return { bus, browser, page, visit, opinion, commands };
}

/** The text of the element with this test id. */
export const text = async (page: Page, testId: string) =>
  (await page.getByTestId(testId).textContent()) ?? '';
