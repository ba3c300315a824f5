// The staff console under test: a real fsbus-central (TLS, in this process) with a few buses,
// a staff and a planner account; a simulated fleet publishing as the buses do; the console open
// in Debian's Chromium at central's own address.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import {
  MessageFactory,
  statusTopic,
  topicFor,
  type BodyOf,
  type CentralRole,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import {
  apiGet,
  apiJson,
  centralSetup,
  type CentralSetup,
  connectToCentral,
  connected,
  secretOf,
  startCentralHere,
} from './central-harness.js';
import { publishAll, type FleetMessage } from './fleet-month.js';
import { kioskBrowser } from './kiosk-harness.js';

type Cleanups = (() => Promise<void> | void)[];

/** One simulated bus: its bridge's and kiosk's messages, published to central over TLS. */
export class SimulatedBus {
  readonly #client: MqttClient;
  readonly #bridge: MessageFactory;
  readonly #kiosk: MessageFactory;
  /** The time the next messages are stamped with; null: now. */
  #at: Date | null = null;

  constructor(
    readonly busId: string,
    client: MqttClient,
  ) {
    this.#client = client;
    const clock = () => this.#at ?? new Date();
    this.#bridge = new MessageFactory({ busId, source: 'bridge', clock });
    this.#kiosk = new MessageFactory({ busId, source: 'kiosk-1', clock });
  }

  /** Stamps the next messages at `at` (ISO), or now again with null. */
  at(at: string | null): this {
    this.#at = at === null ? null : new Date(at);
    return this;
  }

  /**
   * Publishes as the bus's bridge (or kiosk, for visits and opinions), QoS 1, resolved once
   * central recorded it.
   */
  async send<S extends Stream>(stream: S, changes: Partial<BodyOf<S>> = {}): Promise<void> {
    const factory = stream === 'visit' || stream === 'opinion' ? this.#kiosk : this.#bridge;
    const message = factory.create(stream, exampleBody(stream, changes));
    const topic =
      stream === 'status'
        ? statusTopic(this.busId, (message as { service: string }).service)
        : topicFor(stream, this.busId);
    await this.#client.publishAsync(topic, JSON.stringify(message), {
      qos: 1,
      retain: stream === 'status' || stream === 'stop' || stream === 'occupancy',
    });
  }

  /** A healthy bridge status (the bus is heard of now). */
  healthy(): Promise<void> {
    return this.send('status', {
      service: 'bridge',
      state: 'online',
      alarms: [],
      health: { gnss: 'fix_3d', counter: 'ok' },
      metrics: { outbox_events_pending: 0 },
    });
  }
}

export interface ConsoleCentral {
  readonly url: string;
  /** Central's test CA, config and accounts (a bridge's central settings come from it). */
  readonly setup: CentralSetup;
  /** Publishes a bus's day plan as paul (planner), retained, once central took it. */
  plan(busId: string, changes?: Partial<BodyOf<'plan'>>): Promise<void>;
  readonly buses: readonly SimulatedBus[];
  readonly httpPort: number;
  /** A GET on the API as `username` (HTTP Basic). */
  api<T>(path: string, username?: string): Promise<T>;
  /** The raw answer of a GET on the API as marie (a CSV's bytes). */
  apiRaw(path: string): Promise<{ status: number; type: string; body: Buffer }>;
  /** Publishes generated messages (fleet-month.ts), each by its sender, once all recorded. */
  publish(messages: readonly FleetMessage[]): Promise<void>;
  /** A new page of the console (Chromium), not logged in. */
  page(): Promise<Page>;
  /** What the pages reported as wrong (console errors, CSP violations, exceptions). */
  problems(): string[];
}

/** Central with `busIds`, marie (staff) and paul (planner), and the console's browser. */
export async function consoleCentral(
  cleanups: Cleanups,
  busIds: readonly string[],
  options: { http?: Record<string, unknown> } = {},
): Promise<ConsoleCentral> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-console-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const accounts: { username: string; role: CentralRole }[] = [
    ...busIds.map((username) => ({ username, role: 'bus' as const })),
    { username: 'marie', role: 'staff' },
    { username: 'paul', role: 'planner' },
  ];
  const setup = await centralSetup(dir, accounts, {}, options.http ?? {});
  const running = await startCentralHere(setup);
  cleanups.push(() => running.stop());
  const buses: SimulatedBus[] = [];
  for (const busId of busIds) {
    const client = await connected(connectToCentral(setup, busId));
    cleanups.push(() => client.endAsync(true));
    buses.push(new SimulatedBus(busId, client));
  }
  const planner = await connected(connectToCentral(setup, 'paul'));
  cleanups.push(() => planner.endAsync(true));
  const httpPort = running.central.httpPort;
  const url = `https://127.0.0.1:${String(httpPort)}/`;
  const browser = await kioskBrowser(cleanups, { ignoreHTTPSErrors: true });
  return {
    url,
    setup,
    buses,
    plan: async (busId, changes = {}) => {
      const message = new MessageFactory({ busId, source: 'central' }).create(
        'plan',
        exampleBody('plan', changes),
      );
      await planner.publishAsync(topicFor('plan', busId), JSON.stringify(message), {
        qos: 1,
        retain: true,
      });
    },
    httpPort,
    api: <T>(apiPath: string, username = 'marie') => apiJson<T>(setup, httpPort, apiPath, username),
    apiRaw: (apiPath) => apiGet(setup, httpPort, apiPath, 'marie'),
    publish: async (messages) => {
      const senders = ['paul', ...busIds];
      await Promise.all(
        senders.map(async (sender) => {
          const client = await connected(connectToCentral(setup, sender));
          const mine = messages.filter((m) =>
            sender === 'paul' ? m.by === 'planner' : m.by === 'bus' && m.busId === sender,
          );
          await publishAll(client, mine);
          await client.endAsync();
        }),
      );
    },
    page: () => browser.page(url),
    problems: () => browser.problems(),
  };
}

/** Logs in on the console's login page. */
export async function logIn(page: Page, username: string, password = secretOf(username)) {
  await page.getByLabel('Nom d’utilisateur').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}
