// Stamps outgoing facts with the envelope (UUID v7 id, per-stream seq, UTC time) and validates them.
import { v7 as uuidv7 } from 'uuid';
import { PROTOCOL_VERSION, type Envelope } from './envelope.js';
import { validatePayload } from './codec.js';
import type { MessageOf } from './streams.js';
import type { Stream } from '../topics.js';
import { isBusId, isServiceName } from '../ids.js';

/** The fields a publisher supplies: everything but the envelope. */
export type BodyOf<S extends Stream> = Omit<MessageOf<S>, keyof Envelope>;

export interface MessageFactoryOptions {
  readonly busId: string;
  /** The publishing service instance, e.g. `bridge` or `kiosk-1`. */
  readonly source: string;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /**
   * Last seq used per stream, e.g. restored from the outbox after a restart, so that seq keeps
   * increasing across restarts of this publisher.
   */
  readonly lastSeq?: Partial<Record<Stream, number>>;
}

/** Builds valid messages for one publisher; throws ProtocolError when a body breaks its schema. */
export class MessageFactory {
  readonly #busId: string;
  readonly #source: string;
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #lastSeq: Map<Stream, number>;

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
  }

  /** Stamps and validates one message. The seq is only consumed when the message is valid. */
  create<S extends Stream>(stream: S, body: BodyOf<S>): MessageOf<S> {
    const seq = (this.#lastSeq.get(stream) ?? -1) + 1;
    const message = validatePayload(stream, {
      ...body,
      v: PROTOCOL_VERSION,
      busId: this.#busId,
      id: this.#newId(),
      seq,
      ts: this.#clock().toISOString(),
      source: this.#source,
    });
    this.#lastSeq.set(stream, seq);
    return message;
  }
}
