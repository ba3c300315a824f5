// The kiosk under test: Debian's Chromium driven by playwright-core, showing the kiosk screen
// served by fsbus-kiosk, connected over WebSocket to a real on-board broker with a real bridge
// keeping the queue. Screenshots go to test/artefacts/kiosk/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.js';
import {
  MessageFactory,
  QueueMessage,
  StatusMessage,
  statusTopic,
  topicFilter,
  topicFor,
  type Config,
  type OpinionMessage,
  type VisitMessage,
} from '@fsbus/shared';
import { createLogger, hashPassword } from '@fsbus/shared/node';
import { localTime } from '../firmware-bridge/src/sources/simulator/tour-plan.js';
import { startBridge, type RunningBridge } from '../firmware-bridge/src/main.js';
import { startKioskServer, type RunningKioskServer } from '../kiosk/src/server/serve.js';
import {
  BUS,
  PASSWORD,
  collect,
  login,
  startTestBroker,
  testConfig,
  until,
  type TestBroker,
} from '../broker/test/harness.js';

import { middayZone } from './midday-zone.js';

export { middayZone };

export const ARTEFACTS = path.resolve(import.meta.dirname, 'artefacts/kiosk');

/**
 * A day plan whose first stop started 30 min ago and ends in 2 h (the bus stands there), and a
 * second stop later in the day when `second` is set; in a time zone where it is midday now.
 */
export function planHereNow(now: number, options: { second?: boolean } = {}) {
  const zone = middayZone(now);
  const at = (offsetMs: number) => localTime(now + offsetMs, zone);
  return new MessageFactory({ busId: BUS, source: 'central' }).create('plan', {
    planId: 'kiosk-test',
    date: localTime(now, zone).slice(0, 10),
    timeZone: zone,
    depot: null,
    stops: [
      {
        stopId: 'ambazac-mairie',
        name: 'Place de la mairie',
        commune: 'Ambazac',
        lat: 45.9597,
        lon: 1.3997,
        arrival: at(-30 * 60_000),
        departure: at(2 * 3_600_000),
      },
      ...(options.second === true
        ? [
            {
              stopId: 'st-sylvestre-place',
              name: 'Place de l’église',
              commune: 'Saint-Sylvestre',
              lat: 45.9955,
              lon: 1.3712,
              arrival: at(2 * 3_600_000 + 30 * 60_000),
              departure: at(4 * 3_600_000),
            },
          ]
        : []),
    ],
  });
}
export const STAFF_PIN = '2468';
const staffPinHash = await hashPassword(STAFF_PIN, { N: 1024, r: 8, p: 1 });

type Cleanups = (() => Promise<void> | void)[];
const quiet = (service: string) =>
  createLogger({ service, level: 'fatal', destination: new PassThrough() });

/**
 * A bus: broker, bridge, and what a monitor sees of visits, opinions, the queue and the
 * services' status. `bridge` adds to the bridge's config (e.g. a plan file and stop settings).
 */
export async function kioskBus(
  cleanups: Cleanups,
  options: { bridge?: Record<string, unknown> } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-kiosk-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(path.join(dir, 'password'), PASSWORD);
  let onboard: TestBroker = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  const ports = { tcpPort: onboard.broker.tcpPort, wsPort: onboard.broker.wsPort };
  cleanups.push(() => onboard.stop());
  const config = (extra: Record<string, unknown> = {}): Config =>
    testConfig(
      path.join(dir, 'bus'),
      {},
      {
        gnss: { source: 'simulator' },
        counter: { protocol: 'none' },
        bridge: { passwordFile: path.join(dir, 'password'), brokerUrl: onboard.url },
        outbox: { commitWindowMs: 200 },
        ...extra,
      },
    );

  let bridge: RunningBridge | null = null;
  const startTheBridge = async () => {
    const started = await startBridge({
      config: config(options.bridge),
      logger: quiet('bridge'),
      version: '0.1.0',
    });
    bridge = started;
    await until(() => (started.metrics().broker_subscribes ?? 0) >= 1, 'the bridge subscribed');
    return started;
  };
  cleanups.push(() => bridge?.stop());
  await startTheBridge();

  const monitor = await login(onboard.url, 'monitor', { reconnectPeriod: 500 });
  cleanups.push(() => monitor.endAsync());
  const seen = collect(monitor);
  await monitor.subscribeAsync(
    [
      topicFor('visit', BUS),
      topicFor('opinion', BUS),
      topicFor('queue', BUS),
      topicFilter('status', BUS),
    ],
    { qos: 1 },
  );
  const of = (stream: string) =>
    seen
      .filter((m) => m.topic === topicFor(stream as 'visit', BUS) && m.payload.length > 0)
      .map((m) => JSON.parse(m.payload) as unknown);

  const servers: RunningKioskServer[] = [];
  cleanups.push(async () => {
    for (const server of servers) await server.stop();
  });
  return {
    dir,
    get onboard() {
      return onboard;
    },
    visits: () => of('visit') as VisitMessage[],
    opinions: () => of('opinion') as OpinionMessage[],
    queue: () => {
      const last = of('queue').at(-1);
      return last === undefined ? undefined : QueueMessage.parse(last);
    },
    /** The last status a service published (e.g. kiosk-1), checked against its schema. */
    status: (service: string) => {
      const last = seen
        .filter((m) => m.topic === statusTopic(BUS, service) && m.payload.length > 0)
        .at(-1);
      return last === undefined ? undefined : StatusMessage.parse(JSON.parse(last.payload));
    },
    /** A kiosk server (its own instance: kiosk-1, kiosk-2) on an ephemeral port. */
    async kiosk(instance = 'kiosk-1', kiosk: Record<string, unknown> = {}) {
      const server = await startKioskServer({
        config: config({
          kiosk: {
            instance,
            brokerUrl: onboard.wsUrl,
            passwordFile: path.join(dir, 'password'),
            http: { port: 0 },
            staffPinHash,
            ...kiosk,
          },
          driver: { brokerUrl: onboard.wsUrl, passwordFile: path.join(dir, 'password') },
        }),
        logger: quiet('kiosk'),
        version: '0.1.0',
      });
      servers.push(server);
      return server;
    },
    async stopBroker() {
      await onboard.stop();
    },
    async startBroker() {
      onboard = await startTestBroker(testConfig(path.join(dir, 'onboard'), ports));
    },
    async stopBridge() {
      await bridge?.stop();
      bridge = null;
    },
    startBridge: startTheBridge,
  };
}

/**
 * Chromium on a profile of its own (kept across `restart`, as a kiosk's disk is), in a fresh
 * folder or in `profile` (which it removes at the end too).
 */
export async function kioskBrowser(
  cleanups: Cleanups,
  options: { profile?: string; ignoreHTTPSErrors?: boolean } = {},
) {
  const profile = options.profile ?? mkdtempSync(path.join(tmpdir(), 'fsbus-chromium-'));
  let context: BrowserContext | null = null;
  const launch = async () => {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 1024 },
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      // Central's certificate is signed by the test's own CA, which Chromium does not know.
      ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
    });
    // Every CSP violation as a console error, also those a library catches (an eval probe).
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        // eslint-disable-next-line no-console -- runs in the page: its console is what the test reads
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    return context;
  };
  cleanups.push(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  await launch();
  const problems: string[] = [];
  return {
    /**
     * What the pages reported as wrong: console errors (a CSP violation, a failed load) and
     * uncaught exceptions, each with its page's address.
     */
    problems: () => [...problems],
    async page(url: string): Promise<Page> {
      if (context === null) throw new Error('no browser');
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
      });
      // The stack too: an uncaught error in a bundled library says little without it.
      page.on('pageerror', (error) =>
        problems.push(`${page.url()}: ${error.stack ?? error.message}`),
      );
      await page.goto(url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      return page;
    },
    /** Closes the browser and starts it again on the same profile. */
    async restart() {
      await context?.close();
      await launch();
    },
  };
}

/**
 * A bus with one kiosk (kiosk-1) shown in a fresh Chromium page. With `clock`, the page's
 * timers run on the test's clock (page.clock), installed before the screen starts.
 */
export async function kioskOnBus(cleanups: Cleanups, options: { clock?: boolean } = {}) {
  const bus = await kioskBus(cleanups);
  const kiosk = await bus.kiosk();
  const browser = await kioskBrowser(cleanups);
  const page = await browser.page(kiosk.url);
  if (options.clock === true) {
    await page.clock.install();
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
  }
  return { bus, kiosk, browser, page };
}

/** Holds the pointer on the staff corner for `ms` of the page's clock (installed). */
export async function pressStaffCorner(page: Page, ms: number): Promise<void> {
  const box = await page.getByTestId('staff-corner').boundingBox();
  if (box === null) throw new Error('no staff corner on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.clock.runFor(ms);
  await page.mouse.up();
}

/** Types a PIN on the staff corner's pad and opens (French screen). */
export async function typeStaffPin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByRole('button', { name: `Chiffre ${digit}` }).click();
  await page.getByRole('button', { name: 'Ouvrir' }).click();
}

/** Saves a screenshot as test/artefacts/kiosk/{name}.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
}
