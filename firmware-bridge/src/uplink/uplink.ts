// The bus's one MQTT link to the central broker: drains the outbox with QoS 1, events before
// telemetry and oldest first within each, a bounded window in flight, and a row deleted only
// once central acknowledged it. Reconnects forever with a capped exponential backoff and
// jitter; a refused login is retried slowly, a TLS problem is said plainly.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '@fsbus/shared/node';
import type { DeliveryClass, OutboxRow } from '../outbox/outbox.js';

/** What the uplink reads from and acknowledges to. */
export interface UplinkSource {
  next(deliveryClass: DeliveryClass, afterSeq: number, limit: number): OutboxRow[];
  ack(row: Pick<OutboxRow, 'seq' | 'class'>): void;
}

/**
 * `connecting`: first attempt under way. `online`: connected. `offline`: not connected, retrying
 * (network down, broker away, name not resolved). `auth_failed`: central refused this bus's
 * login. `tls_error`: central's certificate could not be trusted (or ours refused).
 */
export type UplinkState = 'connecting' | 'online' | 'offline' | 'auth_failed' | 'tls_error';

export interface UplinkOptions {
  readonly url: string;
  /** PEM of the CA that signed central's certificate; null trusts the system CAs. */
  readonly ca: Buffer | null;
  readonly username: string;
  readonly password: string | null;
  /** Stable across restarts: central keeps this bus's session (clean session off). */
  readonly clientId: string;
  readonly keepaliveS: number;
  readonly source: UplinkSource;
  /** This bus's status at central: retained, online on connect, offline as the last will. */
  readonly status: { readonly topic: string; readonly payload: (online: boolean) => string };
  /**
   * What central sends this bus (its plan, retained): subscribed at every connection with QoS 1;
   * each message is handed over as it comes. A handler must not throw.
   */
  readonly downlink?: {
    readonly topics: readonly string[];
    readonly onMessage: (topic: string, payload: Buffer) => void;
  };
  /** Messages published and not yet acknowledged, at most (default 100). */
  readonly window?: number;
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
  /** After central refused the login: not before this long (default 5 min). */
  readonly authRetryMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly onState?: (state: UplinkState) => void;
}

type FailureKind = 'auth' | 'tls' | 'dns' | 'refused' | 'network';

/** What a connection error means for the bus, from mqtt.js's and Node's error codes. */
export function classifyLinkError(error: unknown): FailureKind {
  const code = (error as { code?: unknown }).code;
  // CONNACK return codes 2 (client id), 4 and 5 (MQTT 3.1.1, 3.2.2.3); 133 to 135 in MQTT 5:
  // central refuses this bus as configured; only someone fixing the config or central helps.
  if ([2, 4, 5, 133, 134, 135].includes(code as number)) return 'auth';
  if (typeof code !== 'string') return 'network';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_')
  ) {
    return 'tls';
  }
  return 'network';
}

const PAGE = 256;

function newUplinkCounts() {
  return {
    connects: 0,
    connect_failures: 0,
    disconnects: 0,
    auth_failures: 0,
    tls_errors: 0,
    dns_errors: 0,
    sent: 0,
    send_failures: 0,
    subscribe_failures: 0,
  };
}

export class Uplink {
  readonly #options: UplinkOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #log: Logger | undefined;
  #client: MqttClient | null = null;
  #state: UplinkState | null = null;
  #stopped = true;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** The kind of the latest failure, for the next delay and the state. */
  #lastFailure: FailureKind | null = null;
  /** Failure kinds already logged in this outage. */
  readonly #logged = new Set<FailureKind>();
  readonly #inFlight = new Set<number>();
  readonly #cursor: Record<DeliveryClass, number> = { event: 0, telemetry: 0 };
  readonly #buffer: Record<DeliveryClass, OutboxRow[]> = { event: [], telemetry: [] };
  readonly #exhausted: Record<DeliveryClass, boolean> = { event: false, telemetry: false };
  #lastSendAt: number | null = null;
  readonly #counts = newUplinkCounts();

  constructor(options: UplinkOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#log = options.logger;
  }

  get state(): UplinkState {
    return this.#state ?? 'connecting';
  }

  stats(): Record<
    keyof ReturnType<typeof newUplinkCounts> | 'online' | 'in_flight' | 'last_send_age_s',
    number
  > {
    return {
      ...this.#counts,
      online: this.#state === 'online' ? 1 : 0,
      in_flight: this.#inFlight.size,
      last_send_age_s:
        this.#lastSendAt === null ? -1 : Math.round((this.#now() - this.#lastSendAt) / 1000),
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#setState('connecting');
    this.#connect();
  }

  /** Closes the link; what is in flight stays in the outbox and goes at the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    this.#resetDrain();
    if (client !== null) await client.endAsync(true).catch(() => undefined);
  }

  /** New rows were committed: look again. */
  notify(): void {
    this.#exhausted.event = false;
    this.#exhausted.telemetry = false;
    this.#pump();
  }

  /** Publishes this bus's status at central now, when connected (retained, QoS 1). */
  async publishStatus(): Promise<void> {
    const client = this.#client;
    if (client === null || this.#state !== 'online') return;
    await client.publishAsync(this.#options.status.topic, this.#options.status.payload(true), {
      qos: 1,
      retain: true,
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    const { url, ca, username, password, clientId, keepaliveS, status } = this.#options;
    const options: IClientOptions = {
      protocolVersion: 4,
      clientId,
      username,
      ...(password === null ? {} : { password }),
      ...(ca === null ? {} : { ca }),
      rejectUnauthorized: true,
      clean: false,
      keepalive: keepaliveS,
      reconnectPeriod: 0, // the backoff is ours
      connectTimeout: 15_000,
      queueQoSZero: false,
      will: {
        topic: status.topic,
        payload: Buffer.from(status.payload(false)),
        qos: 1,
        retain: true,
      },
    };
    const client = mqtt.connect(url, options);
    this.#client = client;
    client.on('connect', () => {
      if (this.#client !== client) return;
      this.#counts.connects += 1;
      this.#failures = 0;
      this.#lastFailure = null;
      this.#logged.clear();
      this.#log?.info({ url }, 'connected to central');
      this.#setState('online');
      this.publishStatus().catch((error: unknown) => {
        this.#log?.warn({ err: error }, 'cannot publish the status at central');
      });
      this.#subscribeDownlink(client);
      this.#pump();
    });
    client.on('message', (topic, payload) => {
      if (this.#client === client) this.#options.downlink?.onMessage(topic, payload);
    });
    // mqtt.js may report one failed attempt with several errors: the attempt is judged at close.
    let attemptError: Error | null = null;
    let wasOnline = false;
    client.on('connect', () => {
      wasOnline = true;
    });
    client.on('error', (error) => {
      attemptError = error;
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = null;
      client.end(true);
      this.#resetDrain();
      if (wasOnline) {
        this.#counts.disconnects += 1;
        this.#log?.warn({ url, err: attemptError?.message }, 'lost central');
        this.#lastFailure = 'network';
      } else {
        this.#failed(attemptError);
      }
      const failure = this.#lastFailure;
      this.#setState(
        failure === 'auth' ? 'auth_failed' : failure === 'tls' ? 'tls_error' : 'offline',
      );
      this.#scheduleRetry();
    });
  }

  #subscribeDownlink(client: MqttClient): void {
    const topics = this.#options.downlink?.topics ?? [];
    if (topics.length === 0) return;
    client.subscribe([...topics], { qos: 1 }, (error, granted) => {
      const refused = granted?.filter((grant) => grant.qos === 128) ?? [];
      if (error || refused.length > 0) {
        this.#counts.subscribe_failures += 1;
        this.#log?.error(
          { err: error?.message, topics: refused.map((grant) => grant.topic) },
          'central refused this bus’s subscription to its plan',
        );
      }
    });
  }

  /** Counts and logs a failed connection attempt by what went wrong. */
  #failed(error: Error | null): void {
    const kind = error === null ? 'network' : classifyLinkError(error);
    this.#lastFailure = kind;
    this.#counts.connect_failures += 1;
    if (kind === 'auth') this.#counts.auth_failures += 1;
    if (kind === 'tls') this.#counts.tls_errors += 1;
    if (kind === 'dns') this.#counts.dns_errors += 1;
    const fields = { url: this.#options.url, err: error?.message ?? 'closed', kind };
    if (kind === 'auth') {
      // Every refusal, at error: someone must fix the bus's credentials at central.
      this.#log?.error(
        { ...fields, username: this.#options.username },
        'central refused this bus’s login; retrying slowly',
      );
    } else if (!this.#logged.has(kind)) {
      this.#logged.add(kind);
      const message =
        kind === 'tls'
          ? 'TLS with central failed: check central.caFile and central’s certificate'
          : kind === 'dns'
            ? 'cannot resolve central’s host name'
            : 'cannot reach central';
      this.#log?.[kind === 'tls' ? 'error' : 'warn'](fields, message);
    } else {
      this.#log?.debug(fields, 'central still unreachable');
    }
  }

  /** Capped exponential backoff with jitter (half to all of the step); slow after a refusal. */
  #scheduleRetry(): void {
    if (this.#stopped) return;
    const first = this.#options.firstRetryMs ?? 1000;
    const max = this.#options.maxRetryMs ?? 60_000;
    const step = Math.min(max, first * 2 ** Math.min(this.#failures, 30));
    this.#failures += 1;
    let delay = step / 2 + (this.#random() * step) / 2;
    if (this.#lastFailure === 'auth') delay = Math.max(delay, this.#options.authRetryMs ?? 300_000);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#connect();
    }, delay);
  }

  /** Keeps the window full: events first, then telemetry, oldest first within each. */
  #pump(): void {
    const client = this.#client;
    if (client === null || this.#state !== 'online') return;
    const window = this.#options.window ?? 100;
    while (this.#inFlight.size < window) {
      const row = this.#take();
      if (row === undefined) return;
      this.#inFlight.add(row.seq);
      client.publish(row.topic, row.payload, { qos: 1 }, (error) => {
        if (this.#client !== client || !this.#inFlight.delete(row.seq)) return;
        if (error) {
          // The connection is going; the row stays in the outbox for the next one.
          this.#counts.send_failures += 1;
          return;
        }
        this.#options.source.ack(row);
        this.#counts.sent += 1;
        this.#lastSendAt = this.#now();
        this.#pump();
      });
    }
  }

  #take(): OutboxRow | undefined {
    for (const deliveryClass of ['event', 'telemetry'] as const) {
      const buffer = this.#buffer[deliveryClass];
      if (buffer.length === 0 && !this.#exhausted[deliveryClass]) {
        const page = this.#options.source.next(deliveryClass, this.#cursor[deliveryClass], PAGE);
        if (page.length === 0) this.#exhausted[deliveryClass] = true;
        const last = page.at(-1);
        if (last !== undefined) this.#cursor[deliveryClass] = last.seq;
        buffer.push(...page);
      }
      const row = buffer.shift();
      if (row !== undefined) return row;
    }
    return undefined;
  }

  /** After a lost connection, everything unacknowledged is sent again from the oldest. */
  #resetDrain(): void {
    this.#inFlight.clear();
    for (const deliveryClass of ['event', 'telemetry'] as const) {
      this.#cursor[deliveryClass] = 0;
      this.#buffer[deliveryClass] = [];
      this.#exhausted[deliveryClass] = false;
    }
  }

  #setState(state: UplinkState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState?.(state);
  }
}
