// Publishes a service's own health, retained, on status/{service}: at start, every 30 s, and offline at stop.
import { statusTopic } from '../topics.js';
import type { MessageFactory } from './message-factory.js';
import { STATUS_INTERVAL_S, type StatusMessage } from './status.js';

export interface StatusReporterOptions {
  readonly busId: string;
  /** The service reporting: the last level of its status topic. */
  readonly service: string;
  readonly version: string;
  readonly factory: MessageFactory;
  /** Publishes a retained QoS 1 message on the on-board broker. */
  readonly publish: (topic: string, payload: string) => Promise<void>;
  /** Current numbers and health, read at each report. */
  readonly read: () => Pick<StatusMessage, 'metrics' | 'health' | 'alarms'>;
  /** The state of the regular reports: online, or degraded when part of the service is not. */
  readonly state?: () => Exclude<StatusMessage['state'], 'offline'>;
  readonly clock?: () => Date;
  readonly intervalMs?: number;
  readonly onError: (error: unknown) => void;
}

/** Reports until stop(), which publishes state offline. */
export class StatusReporter {
  readonly #options: StatusReporterOptions;
  readonly #clock: () => Date;
  readonly #startedAt: Date;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: StatusReporterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#startedAt = this.#clock();
  }

  async start(): Promise<void> {
    await this.report(this.#state());
    this.#timer = setInterval(
      () => {
        this.report(this.#state()).catch(this.#options.onError);
      },
      this.#options.intervalMs ?? STATUS_INTERVAL_S * 1000,
    );
    this.#timer.unref();
  }

  #state(): Exclude<StatusMessage['state'], 'offline'> {
    return this.#options.state?.() ?? 'online';
  }

  /** Reports now, with the current state (e.g. when a part's health just changed). */
  async reportNow(): Promise<void> {
    await this.report(this.#state());
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.report('offline');
  }

  /** Publishes one status message now. */
  async report(state: StatusMessage['state']): Promise<void> {
    const { metrics, health, alarms } = this.#options.read();
    const uptime = Math.round((this.#clock().getTime() - this.#startedAt.getTime()) / 1000);
    const message = this.#options.factory.create('status', {
      service: this.#options.service,
      state,
      version: this.#options.version,
      startedAt: this.#startedAt.toISOString(),
      health,
      metrics: { ...metrics, uptime_s: uptime },
      alarms,
    });
    await this.#options.publish(
      statusTopic(this.#options.busId, this.#options.service),
      JSON.stringify(message),
    );
  }
}
