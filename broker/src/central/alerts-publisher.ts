// Computes the fleet's alerts every few seconds and publishes them, retained, when they change.
import { AlertsMessage, type Alert, type AlertsMessage as AlertsMessageType } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import type { RecorderStore } from '../recorder/store.js';
import { alertsOf, type AlertThresholds } from '../reports/alerts.js';
import { fleetNow } from '../reports/fleet.js';
import { serviceDate } from '../reports/period.js';
import { plansOf } from '../reports/today-plans.js';

export interface AlertsPublisherOptions {
  readonly store: RecorderStore;
  readonly buses: () => Iterable<string>;
  readonly thresholds: AlertThresholds;
  readonly everyMs: number;
  /** Publishes the alerts message (retained). */
  readonly publish: (payload: string) => Promise<void>;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Every alert of the fleet now. */
export async function computeAlerts(
  store: RecorderStore,
  buses: Iterable<string>,
  thresholds: AlertThresholds,
  now: number,
): Promise<Alert[]> {
  const [fleet, plans] = await Promise.all([
    fleetNow(store, buses),
    plansOf(store, serviceDate(now)),
  ]);
  return fleet.flatMap((bus) => alertsOf(bus, plans.get(bus.busId) ?? null, now, thresholds));
}

export class AlertsPublisher {
  readonly #options: AlertsPublisherOptions;
  readonly #now: () => number;
  #alerts: Alert[] = [];
  #published: string | null = null;
  #seq: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(options: AlertsPublisherOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // Increasing across restarts without a store of its own: the time in ms.
    this.#seq = this.#now();
  }

  /** The alerts last computed. */
  get alerts(): readonly Alert[] {
    return this.#alerts;
  }

  start(): void {
    this.#tick();
    this.#timer = setInterval(() => {
      this.#tick();
    }, this.#options.everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Computes again now (after the run under way); resolves once published if changed. */
  refresh(): Promise<void> {
    this.#tick();
    return this.#running;
  }

  #tick(): void {
    this.#running = this.#running.then(() => this.#update());
  }

  async #update(): Promise<void> {
    const { store, buses, thresholds, logger } = this.#options;
    try {
      const now = this.#now();
      this.#alerts = await computeAlerts(store, buses(), thresholds, now);
      const key = JSON.stringify(this.#alerts);
      if (key === this.#published) return;
      this.#seq += 1;
      const message: AlertsMessageType = AlertsMessage.parse({
        v: 1,
        ts: new Date(now).toISOString(),
        source: 'central',
        seq: this.#seq,
        alerts: this.#alerts,
      });
      await this.#options.publish(JSON.stringify(message));
      this.#published = key;
      logger.info({ alerts: this.#alerts.length }, 'alerts changed');
    } catch (error) {
      logger.error({ err: error }, 'cannot compute or publish the alerts');
    }
  }
}
