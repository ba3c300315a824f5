// The kiosk's link to the on-board broker (MQTT over WebSocket, role kiosk): it sends the facts
// waiting in the local store (or, while the store fails, in memory), oldest first, each removed
// only on its PUBACK, and resent with the same id after an outage or a reload; it receives the
// retained stop, plan and queue, and publishes the kiosk's status.
import {
  decodeMessage,
  MessageFactory,
  serviceDate,
  STATUS_INTERVAL_S,
  statusTopic,
  topicFor,
  type PlanMessage,
  type QueueMessage,
  type StopMessage,
} from '@fsbus/shared';
import { kioskStatus, type KioskHealthInput } from './kiosk-status.js';
import { connectWebSocket, type MqttClient } from '../../mqtt/mqtt-ws.js';
import type { KioskDatabase, KioskStore, PendingFact } from './store.js';

export interface LiveState {
  readonly connected: boolean;
  /** Facts waiting for their PUBACK, in the store and in memory. */
  readonly pending: number;
  readonly oldestPendingAt: number | null;
  readonly lastSentAt: number | null;
  /** The store fails: the last fact was kept in memory only, or the store cannot be read. */
  readonly storeFailing: boolean;
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
  /** When this run of the screen started (ms), as its status says. */
  readonly startedAt: number;
}

/** Facts in flight at once (each waits for its PUBACK). */
const WINDOW = 20;

export class Link {
  readonly #options: LinkOptions;
  readonly #client: MqttClient;
  readonly #listeners = new Set<() => void>();
  /** Facts in flight, by id. */
  readonly #inFlight = new Set<string>();
  /** Facts the store refused, oldest first, until their PUBACK. */
  readonly #inMemory: PendingFact[] = [];
  readonly #statusFactory: MessageFactory;
  readonly #counts = { visitsSent: 0, opinionsSent: 0, storeErrors: 0, reconnects: 0 };
  /** Since when facts wait while the link is up (reset when none waits). */
  #sendingSince: number | null = null;
  /** The last fact taken could not be stored / the link's last store operation failed. */
  readonly #storeFaults = { taking: false, sending: false };
  #state: LiveState = {
    connected: false,
    pending: 0,
    oldestPendingAt: null,
    lastSentAt: null,
    storeFailing: false,
    stop: null,
    plan: null,
    queue: null,
  };
  /** The health and alarms last published: a change publishes at once. */
  #published = '';
  #flushing = false;
  #flushAgain = false;
  #statusTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: LinkOptions) {
    this.#options = options;
    this.#statusFactory = new MessageFactory({ busId: options.busId, source: options.instance });
    const offline = JSON.stringify(
      this.#statusFactory.create('status', {
        service: options.instance,
        state: 'offline',
        version: options.version,
        startedAt: null,
        health: {},
        metrics: {},
        alarms: [],
      }),
    );
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
    this.#client.on('reconnect', () => {
      this.#counts.reconnects += 1;
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
      if (!this.#state.connected) return;
      this.#publishStatus();
      // Also what waited for the store to be readable again.
      void this.flush();
    }, STATUS_INTERVAL_S * 1000);
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

  /** Whether the last fact was stored (false: the store fails, facts are kept in memory). */
  stored(ok: boolean): void {
    this.#storeFault('taking', !ok);
    // Room again: what waits in memory goes to the store, where a reload finds it.
    if (ok && this.#inMemory.length > 0) void this.#storeMemory();
  }

  /** A fact the store refused: it waits here, in memory, for its PUBACK. */
  keepInMemory(fact: PendingFact): void {
    this.#inMemory.push(fact);
  }

  /** Sends what waits in the store and in memory (call after adding a fact); never throws. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = true;
    try {
      do {
        this.#flushAgain = false;
        const waiting = await this.#count();
        if (!this.#state.connected) return;
        for (const fact of waiting) {
          if (this.#inFlight.has(fact.id)) continue;
          if (this.#inFlight.size >= WINDOW) break;
          this.#send(fact);
        }
      } while (this.#askedAgain());
    } finally {
      this.#flushing = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#statusTimer);
    await this.#client.endAsync();
  }

  /** Whether a flush was asked for while this one ran (set across the awaits above). */
  #askedAgain(): boolean {
    return this.#flushAgain;
  }

  #send(fact: PendingFact): void {
    this.#inFlight.add(fact.id);
    // mqtt.js resends an unacknowledged QoS 1 publish itself after a reconnect; the promise
    // resolves on its PUBACK, whenever that comes.
    this.#client.publishAsync(fact.topic, fact.payload, { qos: 1 }).then(
      async () => {
        await this.#forget(fact);
        this.#inFlight.delete(fact.id);
        if (fact.stream === 'visit') this.#counts.visitsSent += 1;
        else this.#counts.opinionsSent += 1;
        this.#set({ lastSentAt: Date.now() });
        void this.flush();
      },
      () => {
        // Refused before it left (client ended): it stays where it waits, for the next run.
        this.#inFlight.delete(fact.id);
      },
    );
  }

  /** Removes an acknowledged fact from where it waited. */
  async #forget(fact: PendingFact): Promise<void> {
    const index = this.#inMemory.findIndex((f) => f.id === fact.id);
    if (index >= 0) this.#inMemory.splice(index, 1);
    const { order } = fact;
    // A delete that fails leaves the fact to be sent again: the bridge drops it by its id.
    if (order !== undefined) await this.#onStore((db) => db.delete('outbox', order));
  }

  /** Moves the facts kept in memory (and not in flight) to the store, oldest first. */
  async #storeMemory(): Promise<void> {
    for (const fact of [...this.#inMemory]) {
      if (this.#inFlight.has(fact.id)) continue;
      const order = await this.#onStore((db) => db.add('outbox', fact));
      if (order === undefined) return;
      const index = this.#inMemory.indexOf(fact);
      if (index >= 0) this.#inMemory.splice(index, 1);
    }
  }

  /** One store operation; undefined when it fails (the store then counts as failing). */
  async #onStore<T>(operation: (db: KioskDatabase) => Promise<T>): Promise<T | undefined> {
    const { store } = this.#options;
    let db: KioskDatabase | undefined;
    try {
      db = await store.db();
      const result = await operation(db);
      this.#storeFault('sending', false);
      return result;
    } catch {
      if (db !== undefined) store.broken(db);
      this.#storeFault('sending', true);
      return undefined;
    }
  }

  #storeFault(kind: 'taking' | 'sending', failing: boolean): void {
    if (failing) this.#counts.storeErrors += 1;
    this.#storeFaults[kind] = failing;
    const storeFailing = this.#storeFaults.taking || this.#storeFaults.sending;
    if (storeFailing === this.#state.storeFailing) return;
    this.#set({ storeFailing });
    this.#statusOnChange();
  }

  /** What waits, oldest first (the store's, then memory's), and its count and age. */
  async #count(): Promise<PendingFact[]> {
    // What the store holds waits there, safe, until it can be read again.
    const stored = (await this.#onStore((db) => db.getAll('outbox'))) ?? [];
    const waiting = [...stored, ...this.#inMemory];
    const oldest = waiting.reduce<number | null>(
      (min, fact) =>
        fact.takenAt === undefined ? min : Math.min(min ?? fact.takenAt, fact.takenAt),
      null,
    );
    if (waiting.length === 0) this.#sendingSince = null;
    else if (this.#state.connected) this.#sendingSince ??= Date.now();
    this.#set({ pending: waiting.length, oldestPendingAt: oldest });
    this.#statusOnChange();
    return waiting;
  }

  #receive(topic: string, payload: Uint8Array): void {
    if (payload.byteLength === 0) return;
    try {
      const { stream, message } = decodeMessage(topic, payload);
      if (stream === 'stop') this.#set({ stop: message as StopMessage });
      else if (stream === 'plan') this.#set({ plan: message as PlanMessage });
      else if (stream === 'queue') this.#set({ queue: message as QueueMessage });
      this.#statusOnChange();
    } catch {
      // The broker checks every payload against its schema; an older one is ignored.
    }
  }

  #health(): KioskHealthInput {
    const now = Date.now();
    const { queue, plan } = this.#state;
    return {
      instance: this.#options.instance,
      version: this.#options.version,
      startedAt: this.#options.startedAt,
      now,
      connected: this.#state.connected,
      sendingSince: this.#sendingSince,
      pending: this.#state.pending,
      oldestPendingAt: this.#state.oldestPendingAt,
      storeFailing: this.#state.storeFailing,
      queueToday:
        queue !== null && queue.date === serviceDate(now, plan?.timeZone ?? 'Europe/Paris'),
      ...this.#counts,
    };
  }

  /** Publishes the status at once when its health or alarms change (else every 30 s). */
  #statusOnChange(): void {
    if (!this.#state.connected) return;
    const body = kioskStatus(this.#health());
    if (JSON.stringify([body.health, body.alarms]) !== this.#published) this.#publishStatus();
  }

  #publishStatus(): void {
    const body = kioskStatus(this.#health());
    this.#published = JSON.stringify([body.health, body.alarms]);
    const message = this.#statusFactory.create('status', body);
    this.#client.publish(
      statusTopic(this.#options.busId, this.#options.instance),
      JSON.stringify(message),
      { qos: 1, retain: true },
    );
  }

  #set(change: Partial<LiveState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}
