// The driver display's link to the on-board broker (MQTT over WebSocket, role driver): it
// receives the retained state of the bus (stop, plan, queue, occupancy, attendance, every
// service's status), sends the adviser's commands (cmd/queue, cmd/occupancy) with QoS 1, and
// publishes the display's own status.
import {
  decodeMessage,
  MessageFactory,
  STATUS_INTERVAL_S,
  statusTopic,
  topicFilter,
  topicFor,
  type AttendanceMessage,
  type BodyOf,
  type OccupancyMessage,
  type PlanMessage,
  type QueueMessage,
  type StatusMessage,
  type StopMessage,
} from '@fsbus/shared';
import { connectWebSocket, type MqttClient } from '../../mqtt/mqtt-ws.js';

export interface DriverState {
  readonly connected: boolean;
  /** The link was up once since the page loaded: down now means "reconnecting". */
  readonly wasConnected: boolean;
  readonly stop: StopMessage | null;
  readonly plan: PlanMessage | null;
  readonly queue: QueueMessage | null;
  readonly occupancy: OccupancyMessage | null;
  readonly attendance: AttendanceMessage | null;
  /** Each service's last status, by service name (bridge, broker, kiosk-1...). */
  readonly statuses: Readonly<Record<string, StatusMessage>>;
  /** When each status arrived here (ms): a retained one may be old news. */
  readonly statusSeenAt: Readonly<Record<string, number>>;
}

export interface DriverLinkOptions {
  readonly busId: string;
  /** The display's user name (role driver): its status service and the source of commands. */
  readonly username: string;
  readonly brokerUrl: string;
  readonly password: string | null;
  readonly version: string;
  readonly startedAt: number;
  readonly now?: () => number;
}

export type Command =
  | { readonly stream: 'cmd/queue'; readonly body: BodyOf<'cmd/queue'> }
  | { readonly stream: 'cmd/occupancy'; readonly body: BodyOf<'cmd/occupancy'> };

const RETAINED = ['stop', 'plan', 'queue', 'occupancy', 'attendance'] as const;

export class DriverLink {
  readonly #options: DriverLinkOptions;
  readonly #now: () => number;
  readonly #client: MqttClient;
  readonly #factory: MessageFactory;
  readonly #listeners = new Set<() => void>();
  readonly #counts = { commands_sent: 0, commands_failed: 0, reconnects: 0 };
  #statusTimer: ReturnType<typeof setInterval> | undefined;
  #state: DriverState = {
    connected: false,
    wasConnected: false,
    stop: null,
    plan: null,
    queue: null,
    occupancy: null,
    attendance: null,
    statuses: {},
    statusSeenAt: {},
  };

  constructor(options: DriverLinkOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // Several displays may share the account: each command's seq is the display's clock in ms
    // (or one more than its last), so seqs keep increasing across displays and reloads.
    const last = new Map<string, number>();
    this.#factory = new MessageFactory({
      busId: options.busId,
      source: options.username,
      seqs: {
        next: (stream) => {
          const seq = Math.max((last.get(stream) ?? 0) + 1, Math.floor(this.#now()));
          last.set(stream, seq);
          return seq;
        },
      },
    });
    const offline = this.#status('offline');
    this.#client = connectWebSocket(options.brokerUrl, {
      // A display of its own among others on the same account.
      clientId: `${options.username}-${Math.random().toString(36).slice(2, 10)}`,
      username: options.username,
      ...(options.password === null ? {} : { password: options.password }),
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      will: {
        topic: statusTopic(options.busId, options.username),
        payload: offline as unknown as Buffer, // mqtt.js takes a string too
        qos: 1,
        retain: true,
      },
    });
    this.#client.on('connect', () => {
      this.#set({ connected: true, wasConnected: true });
      const { busId } = options;
      this.#client.subscribe(
        [...RETAINED.map((stream) => topicFor(stream, busId)), topicFilter('status', busId)],
        { qos: 1 },
      );
      this.#publishStatus();
    });
    this.#client.on('reconnect', () => {
      this.#counts.reconnects += 1;
    });
    this.#client.on('close', () => {
      if (this.#state.connected) this.#set({ connected: false });
    });
    this.#client.on('error', () => {
      // A refused login or a socket error: reconnecting goes on, the screen says so.
    });
    this.#client.on('message', (topic, payload) => {
      this.#receive(topic, payload);
    });
    this.#statusTimer = setInterval(() => {
      if (this.#state.connected) this.#publishStatus();
    }, STATUS_INTERVAL_S * 1000);
  }

  get state(): DriverState {
    return this.#state;
  }

  /** Calls `listener` on every change of the state (useSyncExternalStore). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * Sends a command; resolves on its PUBACK (the bridge has it, or the broker keeps it for the
   * bridge). Refused at once while the display is not connected.
   */
  async send(command: Command): Promise<void> {
    // Refused at once: not connected, the command would wait unseen.
    if (!this.#state.connected) throw new Error('not connected to the bus');
    const message = this.#factory.create(command.stream, command.body);
    try {
      await this.#client.publishAsync(
        topicFor(command.stream, this.#options.busId),
        JSON.stringify(message),
        { qos: 1 },
      );
      this.#counts.commands_sent += 1;
    } catch (error) {
      this.#counts.commands_failed += 1;
      throw error;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#statusTimer);
    await this.#client.endAsync();
  }

  #receive(topic: string, payload: Uint8Array): void {
    if (payload.byteLength === 0) return;
    try {
      const { stream, message } = decodeMessage(topic, payload);
      switch (stream) {
        case 'stop':
          this.#set({ stop: message as StopMessage });
          break;
        case 'plan':
          this.#set({ plan: message as PlanMessage });
          break;
        case 'queue':
          this.#set({ queue: message as QueueMessage });
          break;
        case 'occupancy':
          this.#set({ occupancy: message as OccupancyMessage });
          break;
        case 'attendance':
          this.#set({ attendance: message as AttendanceMessage });
          break;
        case 'status': {
          const status = message as StatusMessage;
          this.#set({
            statuses: { ...this.#state.statuses, [status.service]: status },
            statusSeenAt: { ...this.#state.statusSeenAt, [status.service]: this.#now() },
          });
          break;
        }
        case 'gnss':
        case 'door':
        case 'visit':
        case 'opinion':
        case 'plan/ack':
        case 'cmd/queue':
        case 'cmd/occupancy':
          // Not subscribed to: the display shows states, not each event.
          break;
      }
    } catch {
      // The broker checks every payload against its schema; one it let through from an older
      // version is ignored here.
    }
  }

  #status(state: StatusMessage['state']): string {
    const startedAt = new Date(this.#options.startedAt).toISOString();
    return JSON.stringify(
      this.#factory.create('status', {
        service: this.#options.username,
        state,
        version: this.#options.version,
        startedAt: state === 'offline' ? null : startedAt,
        health: {},
        metrics:
          state === 'offline'
            ? {}
            : {
                uptime_s: Math.floor((this.#now() - this.#options.startedAt) / 1000),
                ...this.#counts,
              },
        alarms: [],
      }),
    );
  }

  #publishStatus(): void {
    this.#client.publish(
      statusTopic(this.#options.busId, this.#options.username),
      this.#status('online'),
      { qos: 1, retain: true },
    );
  }

  #set(change: Partial<DriverState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}
