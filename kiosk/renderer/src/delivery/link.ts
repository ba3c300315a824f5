// The kiosk's link to the on-board broker (MQTT over WebSocket, role kiosk): it sends the facts
// waiting in the local store, oldest first, each removed only on its PUBACK, and resent with the
// same id after an outage or a reload; it receives the retained stop, plan and queue.
import {
  decodeMessage,
  MessageFactory,
  statusTopic,
  topicFor,
  type PlanMessage,
  type QueueMessage,
  type StopMessage,
} from '@fsbus/shared';
import { connectWebSocket, type MqttClient } from './mqtt-ws.js';
import type { KioskStore } from './store.js';

export interface LiveState {
  readonly connected: boolean;
  readonly pending: number;
  readonly lastSentAt: number | null;
  readonly stop: StopMessage | null;
  readonly plan: PlanMessage | null;
  readonly queue: QueueMessage | null;
}

export interface LinkOptions {
  readonly store: KioskStore;
  readonly busId: string;
  readonly instance: string;
  readonly brokerUrl: string;
  readonly password: string | null;
  readonly version: string;
}

/** Facts in flight at once (each waits for its PUBACK). */
const WINDOW = 20;
const STATUS_MS = 30_000;

export class Link {
  readonly #options: LinkOptions;
  readonly #client: MqttClient;
  readonly #listeners = new Set<() => void>();
  readonly #inFlight = new Set<number>();
  readonly #statusFactory: MessageFactory;
  readonly #startedAt = new Date().toISOString();
  #state: LiveState = {
    connected: false,
    pending: 0,
    lastSentAt: null,
    stop: null,
    plan: null,
    queue: null,
  };
  #flushing = false;
  #flushAgain = false;
  #statusTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: LinkOptions) {
    this.#options = options;
    this.#statusFactory = new MessageFactory({ busId: options.busId, source: options.instance });
    const offline = this.#status('offline');
    this.#client = connectWebSocket(options.brokerUrl, {
      clientId: options.instance,
      username: options.instance,
      ...(options.password === null ? {} : { password: options.password }),
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      will: {
        topic: statusTopic(options.busId, options.instance),
        payload: offline as unknown as Buffer, // mqtt.js takes a string too
        qos: 1,
        retain: true,
      },
    });
    this.#client.on('connect', () => {
      this.#set({ connected: true });
      const topics = (['stop', 'plan', 'queue'] as const).map((s) => topicFor(s, options.busId));
      this.#client.subscribe(topics, { qos: 1 });
      this.#publishStatus();
      void this.flush();
    });
    this.#client.on('close', () => {
      this.#set({ connected: false });
    });
    this.#client.on('error', () => {
      // Refused logins and socket errors: reconnect goes on; the screen only shows "offline".
    });
    this.#client.on('message', (topic, payload) => {
      this.#receive(topic, payload);
    });
    this.#statusTimer = setInterval(() => {
      if (this.#state.connected) this.#publishStatus();
    }, STATUS_MS);
    void this.#count();
  }

  get state(): LiveState {
    return this.#state;
  }

  /** Calls `listener` on every change of the state (useSyncExternalStore). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Sends what waits in the store (call after adding a fact); never throws. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = true;
    try {
      do {
        this.#flushAgain = false;
        await this.#count();
        if (!this.#state.connected) return;
        const waiting = await this.#options.store.getAll('outbox');
        for (const fact of waiting) {
          const order = fact.order;
          if (order === undefined || this.#inFlight.has(order)) continue;
          if (this.#inFlight.size >= WINDOW) break;
          this.#inFlight.add(order);
          // mqtt.js resends an unacknowledged QoS 1 publish itself after a reconnect; the
          // promise resolves on its PUBACK, whenever that comes.
          this.#client.publishAsync(fact.topic, fact.payload, { qos: 1 }).then(
            async () => {
              await this.#options.store.delete('outbox', order);
              this.#inFlight.delete(order);
              this.#set({ lastSentAt: Date.now() });
              void this.flush();
            },
            () => {
              // Refused before it left (client ended): it stays in the store for the next run.
              this.#inFlight.delete(order);
            },
          );
        }
      } while (this.#askedAgain());
    } finally {
      this.#flushing = false;
    }
  }

  /** Whether a flush was asked for while this one ran (set across the awaits above). */
  #askedAgain(): boolean {
    return this.#flushAgain;
  }

  async close(): Promise<void> {
    clearInterval(this.#statusTimer);
    await this.#client.endAsync();
  }

  async #count(): Promise<void> {
    this.#set({ pending: await this.#options.store.count('outbox') });
  }

  #receive(topic: string, payload: Uint8Array): void {
    if (payload.byteLength === 0) return;
    try {
      const { stream, message } = decodeMessage(topic, payload);
      if (stream === 'stop') this.#set({ stop: message as StopMessage });
      else if (stream === 'plan') this.#set({ plan: message as PlanMessage });
      else if (stream === 'queue') this.#set({ queue: message as QueueMessage });
    } catch {
      // The broker checks every payload against its schema; an older one is ignored.
    }
  }

  #status(state: 'online' | 'offline'): string {
    return JSON.stringify(
      this.#statusFactory.create('status', {
        service: this.#options.instance,
        state,
        version: this.#options.version,
        startedAt: state === 'online' ? this.#startedAt : null,
        health: {},
        metrics: state === 'online' ? { pending_facts: this.#state.pending } : {},
        alarms: [],
      }),
    );
  }

  #publishStatus(): void {
    this.#client.publish(
      statusTopic(this.#options.busId, this.#options.instance),
      this.#status('online'),
      { qos: 1, retain: true },
    );
  }

  #set(change: Partial<LiveState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}
