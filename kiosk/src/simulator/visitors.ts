// Simulated visitors for a simulated bus (npm start): while the bus stands at a permanence,
// people check in at a second kiosk (its own account and turn series, so that a person can use
// the first one meanwhile), some give an opinion afterwards, and the adviser calls the next
// turn now and then. Everything goes through the on-board broker as a kiosk and a driver display
// would send it; what the broker acknowledged is kept, for the whole-day test to compare.
import mqtt, { type MqttClient } from 'mqtt';
import {
  decodeMessage,
  kioskSeries,
  MessageFactory,
  NATIONAL_PARTNERS,
  OPINION_REASONS,
  serviceDate,
  topicFor,
  type Language,
  type OpinionMessage,
  type QueueMessage,
  type StopMessage,
  type VisitMessage,
} from '@fsbus/shared';

export interface Account {
  readonly username: string;
  readonly password: string | null;
}

export interface VisitorSimulatorOptions {
  /** The on-board broker over TCP, e.g. mqtt://127.0.0.1:1883. */
  readonly brokerUrl: string;
  readonly busId: string;
  /** A kiosk's account (role kiosk, e.g. kiosk-2): its name gives the turn series. */
  readonly kiosk: Account;
  /** The adviser's account (role driver), who calls the turns. */
  readonly adviser: Account;
  /** People checking in per hour at a permanence, in the bus's (simulated) time. */
  readonly visitorsPerHour: number;
  /** How many times faster than real time the bus lives its day. */
  readonly speed: number;
  readonly random?: () => number;
}

/** What the broker acknowledged. */
export interface Produced {
  readonly visits: readonly VisitMessage[];
  readonly opinions: readonly OpinionMessage[];
  readonly calls: number;
}

const LANGUAGE_SHARE: readonly [Language, number][] = [
  ['fr', 0.8],
  ['en', 0.1],
  ['ar', 0.1],
];
/** An adviser spends 8 to 20 minutes (simulated) with a visitor. */
const SERVICE_MIN_S = 8 * 60;
const SERVICE_SPREAD_S = 12 * 60;
const TICK_MS = 1000;
/** How long stop() waits for PUBACKs (the broker may be stopping too, as on Ctrl-C). */
const STOP_WAIT_MS = 2000;

export class VisitorSimulator {
  readonly #options: VisitorSimulatorOptions;
  readonly #random: () => number;
  readonly #kioskFactory: MessageFactory;
  readonly #adviserFactory: MessageFactory;
  readonly #series: string;
  #kiosk: MqttClient | null = null;
  #adviser: MqttClient | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stop: StopMessage | null = null;
  #queue: QueueMessage | null = null;
  readonly #turns = new Map<string, number>();
  /** Opinions to give, in real ms, with the stop they are about. */
  #opinionsDue: { at: number; stopId: string }[] = [];
  /** When the adviser is free again, in simulated seconds of real time elapsed. */
  #adviserFreeInS = 0;
  readonly #visits: VisitMessage[] = [];
  readonly #opinions: OpinionMessage[] = [];
  #calls = 0;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: VisitorSimulatorOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    const series = kioskSeries(options.kiosk.username);
    if (series === null) throw new TypeError(`${options.kiosk.username} is no kiosk instance`);
    this.#series = series;
    // As the kiosk does: a run's seqs start at its start time in ms, so none is ever repeated.
    const floor = Date.now();
    this.#kioskFactory = new MessageFactory({
      busId: options.busId,
      source: options.kiosk.username,
      lastSeq: { visit: floor, opinion: floor },
    });
    // As a driver display does (docs/driver.md): its clock in ms, or one more than its last, so
    // that its seqs and a real display's on the same account keep increasing together.
    let lastCall = 0;
    this.#adviserFactory = new MessageFactory({
      busId: options.busId,
      source: options.adviser.username,
      seqs: {
        next: () => (lastCall = Math.max(lastCall + 1, Date.now())),
      },
    });
  }

  get produced(): Produced {
    return { visits: [...this.#visits], opinions: [...this.#opinions], calls: this.#calls };
  }

  async start(): Promise<void> {
    const connect = (account: Account) =>
      mqtt.connectAsync(this.#options.brokerUrl, {
        clientId: `${account.username}-sim`,
        username: account.username,
        ...(account.password === null ? {} : { password: account.password }),
        clean: true,
        reconnectPeriod: 1000,
      });
    this.#kiosk = await connect(this.#options.kiosk);
    this.#adviser = await connect(this.#options.adviser);
    const { busId } = this.#options;
    this.#kiosk.on('message', (topic, payload) => {
      if (payload.byteLength === 0) return;
      try {
        const { stream, message } = decodeMessage(topic, payload);
        if (stream === 'stop') this.#stop = message as StopMessage;
        if (stream === 'queue') this.#queue = message as QueueMessage;
      } catch {
        // Checked by the broker already; a state from an older version is ignored.
      }
    });
    // Subscribed again after each reconnection (a clean session).
    const subscribe = () => {
      this.#kiosk?.subscribe([topicFor('stop', busId), topicFor('queue', busId)], { qos: 1 });
    };
    this.#kiosk.on('connect', subscribe);
    subscribe();
    this.#timer = setInterval(() => {
      this.#tick();
    }, TICK_MS);
  }

  /**
   * Stops taking visitors, gives what is in flight a moment for its PUBACK (not acknowledged
   * then, it is not counted as produced), and disconnects.
   */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
    await Promise.all([this.#kiosk?.endAsync(true), this.#adviser?.endAsync(true)]);
  }

  #tick(): void {
    const { speed, visitorsPerHour } = this.#options;
    const stop = this.#stop;
    const here = stop?.state === 'arrived' && stop.current !== null ? stop.current.stopId : null;
    if (here !== null) {
      // Arrivals of a simulated second at a time, drawn one chance at a time.
      for (let expected = (visitorsPerHour / 3600) * speed; expected > 0; expected -= 1) {
        if (this.#random() < Math.min(1, expected)) this.#checkIn(here);
      }
      this.#adviserFreeInS -= speed;
      if ((this.#queue?.waiting ?? 0) > 0 && this.#adviserFreeInS <= 0) {
        this.#adviserFreeInS = SERVICE_MIN_S + this.#random() * SERVICE_SPREAD_S;
        this.#send(
          this.#adviser,
          'cmd/queue',
          this.#adviserFactory.create('cmd/queue', { action: 'call_next' }),
          () => {
            this.#calls += 1;
          },
        );
      }
    }
    const now = Date.now();
    const due = this.#opinionsDue.filter((o) => o.at <= now);
    this.#opinionsDue = this.#opinionsDue.filter((o) => o.at > now);
    for (const { stopId } of due) this.#opine(stopId);
  }

  #checkIn(stopId: string): void {
    const date = serviceDate(Date.now(), 'Europe/Paris');
    const seen = this.#queue?.date === date ? (this.#queue.lastIssued?.[this.#series] ?? 0) : 0;
    const turn = Math.max(this.#turns.get(date) ?? 0, seen) + 1;
    this.#turns.set(date, turn);
    const partners = this.#pick(
      NATIONAL_PARTNERS.map((p) => p.code),
      this.#random() < 0.3 ? 2 : 1,
    );
    const first = this.#random();
    const visit = this.#kioskFactory.create('visit', {
      stopId,
      partners,
      ...(first < 0.3 ? { firstVisit: true } : first < 0.8 ? { firstVisit: false } : {}),
      language: this.#language(),
      turn,
      series: this.#series,
    });
    this.#send(this.#kiosk, 'visit', visit, () => {
      this.#visits.push(visit);
    });
    // Half of them give an opinion on their way out, a while later.
    if (this.#random() < 0.5) {
      const afterMs = ((10 + this.#random() * 20) * 60_000) / this.#options.speed;
      this.#opinionsDue.push({ at: Date.now() + afterMs, stopId });
    }
  }

  #opine(stopId: string): void {
    const draw = this.#random();
    const rating = draw < 0.05 ? 1 : draw < 0.15 ? 2 : draw < 0.5 ? 3 : 4;
    const reasons = OPINION_REASONS.filter((r) =>
      rating >= 3 ? r.tone === 'positive' : r.tone === 'negative',
    ).map((r) => r.code);
    const opinion = this.#kioskFactory.create('opinion', {
      stopId,
      rating,
      ...(this.#random() < 0.6
        ? { reasons: this.#pick(reasons, 1 + Math.floor(this.#random() * 2)) }
        : {}),
    });
    this.#send(this.#kiosk, 'opinion', opinion, () => {
      this.#opinions.push(opinion);
    });
  }

  /** Publishes with QoS 1; `acknowledged` runs on the PUBACK (mqtt.js resends after an outage). */
  #send(
    client: MqttClient | null,
    stream: 'visit' | 'opinion' | 'cmd/queue',
    message: { readonly id: string },
    acknowledged: () => void,
  ): void {
    if (client === null) return;
    const sent = client
      .publishAsync(topicFor(stream, this.#options.busId), JSON.stringify(message), { qos: 1 })
      .then(acknowledged, () => {
        // Ended before its PUBACK (the simulator stops): it was not acknowledged.
      });
    this.#inFlight.add(sent);
    void sent.finally(() => this.#inFlight.delete(sent));
  }

  #language(): Language {
    let draw = this.#random();
    for (const [language, share] of LANGUAGE_SHARE) {
      if (draw < share) return language;
      draw -= share;
    }
    return 'fr';
  }

  /** `count` different items of `from`, at random. */
  #pick<T>(from: readonly T[], count: number): T[] {
    const pool = [...from];
    const picked: T[] = [];
    while (picked.length < count && pool.length > 0) {
      const [item] = pool.splice(Math.floor(this.#random() * pool.length), 1);
      if (item !== undefined) picked.push(item);
    }
    return picked;
  }
}
