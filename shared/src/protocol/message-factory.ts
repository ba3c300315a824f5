// Stamps outgoing facts with the envelope (UUID v7 id, per-stream seq, UTC time) and validates them.
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { PROTOCOL_VERSION, type Envelope } from './envelope.js';
import { validatePayload } from './codec.js';
import { STREAM_SPECS, type MessageOf } from './streams.js';
import type { Stream } from '../topics.js';
import { isBusId, isServiceName } from '../ids.js';

/** The fields a publisher supplies: everything but the envelope. */
export type BodyOf<S extends Stream> = Omit<MessageOf<S>, keyof Envelope>;

export interface MessageFactoryOptions {
  readonly busId: string;
  /** The publishing service instance, e.g. `bridge` or `kiosk-1`. */
  readonly source: string;
  readonly clock?: () => Date;
  /** Id generator for ordinary streams (default UUID v7); anonymous streams always use v4. */
  readonly newId?: () => string;
  /** Local partner codes the bus declares (kiosk.localPartners). */
  readonly localPartners?: readonly string[];
  /**
   * Last seq used per stream, e.g. restored from the outbox after a restart, so that seq keeps
   * increasing across restarts of this publisher.
   */
  readonly lastSeq?: Partial<Record<Stream, number>>;
  /**
   * Hands out each stream's seqs instead (a store that keeps them increasing across restarts,
   * such as the bridge's blocks reserved in its outbox); `lastSeq` is then unused.
   */
  readonly seqs?: SeqSource;
}

/** Where a publisher's seqs come from: `next` returns the stream's next one, never repeating. */
export interface SeqSource {
  next(stream: Stream): number;
}

/** Builds valid messages for one publisher; throws ProtocolError when a body breaks its schema. */
export class MessageFactory {
  readonly #busId: string;
  readonly #source: string;
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #lastSeq: Map<Stream, number>;
  readonly #seqs: SeqSource | undefined;
  readonly #localPartners: ReadonlySet<string>;

  constructor(options: MessageFactoryOptions) {
    if (!isBusId(options.busId))
      throw new TypeError(`invalid bus id ${JSON.stringify(options.busId)}`);
    if (!isServiceName(options.source))
      throw new TypeError(`invalid source ${JSON.stringify(options.source)}`);
    this.#busId = options.busId;
    this.#source = options.source;
    this.#clock = options.clock ?? (() => new Date());
    this.#newId = options.newId ?? uuidv7;
    this.#lastSeq = new Map(Object.entries(options.lastSeq ?? {}) as [Stream, number][]);
    this.#seqs = options.seqs;
    this.#localPartners = new Set(options.localPartners ?? []);
  }

  /**
   * Stamps and validates one message. The seq is only consumed when the message is valid (from
   * a SeqSource, always). On an anonymous stream (opinion) the id is a random v4 and the time is
   * truncated to the hour.
   */
  create<S extends Stream>(stream: S, body: BodyOf<S>): MessageOf<S> {
    const seq = this.#seqs?.next(stream) ?? (this.#lastSeq.get(stream) ?? -1) + 1;
    const { anonymous } = STREAM_SPECS[stream];
    const now = this.#clock();
    if (anonymous) now.setUTCMinutes(0, 0, 0);
    const message = validatePayload(
      stream,
      {
        ...body,
        v: PROTOCOL_VERSION,
        busId: this.#busId,
        id: anonymous ? uuidv4() : this.#newId(),
        seq,
        ts: now.toISOString(),
        source: this.#source,
      },
      { localPartners: this.#localPartners },
    );
    this.#lastSeq.set(stream, seq);
    return message;
  }
}

/**
 * A day plan as central publishes it (`fsbus-central plan publish`, the staff console): source
 * `central`, its seq the publication time in ms, so that seqs increase across every planner's
 * runs. Throws ProtocolError with the body's problems.
 */
export function centralPlan(
  busId: string,
  body: BodyOf<'plan'>,
  now: Date = new Date(),
): MessageOf<'plan'> {
  const factory = new MessageFactory({
    busId,
    source: 'central',
    clock: () => now,
    lastSeq: { plan: now.getTime() - 1 },
  });
  return factory.create('plan', body);
}
