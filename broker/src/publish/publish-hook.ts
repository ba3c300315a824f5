// The publish hook: the sender's rate (a QoS 1 or 2 publish waits for it, a QoS 0 one over it is
// dropped), the verdict, then the delivery, in the order the client sent them, and the PUBACK
// only once the message has been delivered and queued.
import type { Client, PublishPacket } from 'aedes';
import { STREAM_SPECS, tryParseTopic, type DecodedMessage } from '@fsbus/shared';
import type { HookContext, Session } from '../session.js';
import type { Rejection } from '../status/metrics.js';
import type { Judge } from './judge.js';

const EMPTY = Buffer.alloc(0);

/**
 * Stores a message that passed its verdict (central's recorder), with the message it decoded to
 * (none off the fsbus tree or for an empty retained payload), and calls `done` once it is
 * committed: `fresh` false when it was stored before (a re-send), which is then acknowledged and
 * not delivered again. An error leaves the message unacknowledged. A callback, not a promise: it
 * runs for every message at full ingest.
 */
export type RecordMessage = (
  packet: PublishPacket,
  decoded: DecodedMessage | undefined,
  done: (error: Error | null, fresh: boolean) => void,
) => void;

export function installPublishHook(
  context: HookContext,
  judge: Judge,
  record?: RecordMessage,
): void {
  const { broker, sessions, metrics, logger, throttle } = context;
  // Where a publish goes that must be acknowledged but neither delivered nor retained: a $SYS
  // topic no client can read.
  const sink = `$SYS/${broker.id}/fsbus/dropped`;
  // aedes publishes every packet once its hook lets it: one sent to the sink stops here, at no
  // cost (its callback still comes later, as aedes's own would).
  const aedesPublish = broker.publish.bind(broker) as (...args: unknown[]) => void;
  broker.publish = (packet: PublishPacket, ...rest: unknown[]) => {
    if (packet.topic !== sink) {
      aedesPublish(packet, ...rest);
      return;
    }
    const done = rest.findLast((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
  };
  // aedes's typings leave out the publishing client, which aedes passes on to its hooks.
  const publish = (packet: PublishPacket, client: Client, done: (error?: Error) => void) => {
    aedesPublish(packet, client, done);
  };
  const divert = (packet: PublishPacket) => {
    packet.topic = sink;
    packet.retain = false;
    packet.payload = EMPTY;
  };

  const drop = (
    client: Client | null,
    packet: PublishPacket,
    reason: Rejection,
    detail: string,
  ) => {
    metrics.add(`rejected_${reason}`);
    const clientId = client?.id ?? null;
    throttle.log(`${clientId ?? ''}\u0000${reason}`, () => {
      logger.warn(
        {
          clientId,
          username: client ? sessions.get(client)?.identity.username : null,
          topic: packet.topic,
          reason,
          detail,
        },
        'publish dropped',
      );
    });
    // [MQTT-3.3.5-2] the server must acknowledge or disconnect; acknowledging keeps a client
    // with one bad message from reconnecting and resending it forever, since a resend would fail
    // the same way.
    divert(packet);
  };

  /** Records a message nobody waits for (QoS 0, a last will): a failure is logged. */
  const recordAside = (packet: PublishPacket, decoded: DecodedMessage | undefined) => {
    record?.({ ...packet }, decoded, (error) => {
      if (error) logger.error({ err: error, topic: packet.topic }, 'message not recorded');
    });
  };

  /** Drops a publish that fails its verdict (null), or marks it accepted. */
  const settle = (
    client: Client | null,
    session: Session | undefined,
    packet: PublishPacket,
  ): { readonly decoded?: DecodedMessage } | null => {
    const verdict = judge(session?.acl ?? null, packet);
    if (!verdict.ok) {
      drop(client, packet, verdict.reason, verdict.detail);
      return null;
    }
    metrics.add('messages_in');
    const stream = packet.retain ? tryParseTopic(packet.topic)?.stream : undefined;
    if (stream !== undefined && !STREAM_SPECS[stream].retain) {
      // Events are never retained: a retained visit or queue command would replay forever.
      packet.retain = false;
      metrics.add('retain_cleared');
    }
    return verdict;
  };

  /** A QoS 0 publish over the rate is lost; a connection that keeps flooding is closed. */
  const overRate = (client: Client, session: Session, packet: PublishPacket) => {
    drop(client, packet, 'rate', 'QoS 0 publish over the rate limit');
    if (session.flood.dropped() && !client.closed) {
      metrics.add('flood_disconnects');
      logger.warn(
        { clientId: client.id, username: session.identity.username },
        'client disconnected: it kept sending far beyond its rate limit',
      );
      client.close();
    }
  };

  /**
   * A QoS 1 publish: delivered (and stored, and queued for offline persistent sessions) by this
   * hook, then acknowledged, in the order the client sent it. aedes alone acknowledges first
   * and publishes after, so a crash or a full store between the two lost an acknowledged
   * message, and its PUBACK left before the delivery (see PubackQueue for why that order costs
   * stock clients 40 ms). aedes's own publish, after the PUBACK, then goes to the sink.
   */
  const deliverThenAcknowledge = (
    client: Client,
    session: Session,
    packet: PublishPacket,
    callback: (error: Error | null) => void,
  ) => {
    let failure: Error | null = null;
    const slot = session.pubacks.reserve(() => {
      if (!client.closed) callback(failure);
    });
    const place = session.line.reserve();
    /** Not delivered: acknowledged (with `error`, not: the client sends it again). */
    const settled = (error: Error | null = null) => {
      failure = error;
      place.skip();
      slot.ready();
    };
    session.gate.enter(
      () => {
        const passed = settle(client, session, packet);
        if (!passed) {
          settled();
          return;
        }
        const message = { ...packet };
        divert(packet);
        const deliver = () => {
          place.deliver((delivered) => {
            publish(message, client, (error) => {
              // Not acknowledged: aedes closes the connection and the client sends it again.
              failure = error ?? null;
              delivered();
              slot.ready();
            });
          });
        };
        if (!record) {
          deliver();
          return;
        }
        // Recorded first: the PUBACK leaves only once the message is committed. A re-send is
        // not delivered again, but for retained state (its first delivery may have failed).
        record(message, passed.decoded, (error, fresh) => {
          if (error) settled(error);
          else if (fresh || message.retain) deliver();
          else settled();
        });
      },
      () => client.closed,
    );
  };

  broker.authorizePublish = (client, packet, callback) => {
    const session = client ? sessions.get(client) : undefined;
    if (!client || client.closed) {
      // A last will, published as its connection ends, or left by an earlier run (no client).
      if (client && !session) drop(client, packet, 'acl', 'no session');
      else {
        const passed = settle(client, session, packet);
        if (passed) recordAside(packet, passed.decoded);
      }
      callback(null);
      return;
    }
    if (!session) {
      drop(client, packet, 'acl', 'no session');
      callback(null);
      return;
    }
    switch (packet.qos) {
      case 0:
        if (!session.gate.tryTake()) overRate(client, session, packet);
        else {
          const passed = settle(client, session, packet);
          if (passed) recordAside(packet, passed.decoded);
        }
        callback(null);
        return;
      case 1:
        deliverThenAcknowledge(client, session, packet, callback);
        return;
      case 2:
        // aedes stores a QoS 2 message and publishes it before its PUBREC already; recorded
        // first (no fsbus client uses QoS 2, and a re-send is delivered again).
        session.gate.enter(
          () => {
            const passed = settle(client, session, packet);
            if (!passed || !record) {
              callback(null);
              return;
            }
            record({ ...packet }, passed.decoded, (error) => {
              callback(error);
            });
          },
          () => client.closed,
        );
        return;
    }
  };
}
