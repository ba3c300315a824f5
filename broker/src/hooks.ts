// The aedes hooks that lock the broker down: login (auth/login-hook.ts), publish
// (publish/publish-hook.ts), and here subscribe and forward, with the session each login opens.
// With main.ts, the only modules that touch aedes objects.
import type { Aedes, AedesPublishPacket, Client, Subscription } from 'aedes';
import type { LocalPartnerRule, SchemaCheck } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import type { Identity, Policy } from './acl/policy.js';
import type { Authenticator } from './auth/authenticator.js';
import { installLoginHooks } from './auth/login-hook.js';
import { forgetForwardedCounters, watchQoSDeliveries } from './delivery/aedes-client.js';
import { DuplicateFilter } from './delivery/duplicate-filter.js';
import { DeliveryLine } from './delivery/delivery-line.js';
import { PubackQueue } from './delivery/puback-order.js';
import { createJudge } from './publish/judge.js';
import { installPublishHook, type RecordMessage } from './publish/publish-hook.js';
import type { HookContext, Session } from './session.js';
import { LogThrottle } from './status/log-throttle.js';
import type { Metrics } from './status/metrics.js';
import { FloodWatch } from './validation/flood-watch.js';
import { guardParser } from './validation/packet-guard.js';
import { RateGate, type RateLimit } from './validation/rate-limiter.js';

export interface HookOptions {
  readonly policy: Policy;
  readonly authenticator: Authenticator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** Local partner codes the bus declares: visits and opinions may name no others. */
  readonly localPartners: LocalPartnerRule;
  /** How payloads are checked against their schema (compiled once at start). */
  readonly schemaCheck: SchemaCheck;
  readonly rateLimit: RateLimit;
  /** A queued message the client acknowledged while its queue was replayed: not sent again. */
  readonly acknowledged?: (packet: object) => boolean;
  /** Stores each accepted message before its PUBACK (central's recorder). */
  readonly record?: RecordMessage;
  /** Milliseconds, for rate limiting and log throttling. */
  readonly now?: () => number;
}

/**
 * Largest packet read, beyond the payload limit: its topic and packet id. A larger one ends the
 * connection before it is buffered; a smaller one with a payload over the limit is acknowledged
 * and dropped (`too_large`).
 */
export const PACKET_OVERHEAD_BYTES = 4096;

export interface Hooks {
  /** Takes in a connection aedes just made: its address, and a guard on its parser. */
  adopt(client: Client, address: string): void;
  /** Who a connection logged in as, if it did. */
  identityOf(client: Client): Identity | undefined;
  /** Drops what still waits for a token (the broker is stopping). */
  close(): void;
}

/** Subscriptions one connection may hold: a screen needs a handful. */
export const MAX_SUBSCRIPTIONS = 100;

/** Installs the hooks on a broker created without any. */
export function installHooks(broker: Aedes, options: HookOptions): Hooks {
  const { metrics, logger } = options;
  const now = options.now ?? Date.now;
  const addresses = new WeakMap<Client, string>();
  const context: HookContext = {
    broker,
    sessions: new WeakMap<Client, Session>(),
    metrics,
    logger,
    throttle: new LogThrottle(now),
    now,
    addressOf: (client) => addresses.get(client) ?? 'unknown',
  };
  const { sessions, throttle } = context;
  const gates = new Map<string, RateGate>();
  const gateOf = (key: string) => {
    let gate = gates.get(key);
    if (!gate) {
      if (gates.size > 10_000) {
        for (const [name, idle] of gates) if (idle.waiting === 0) gates.delete(name);
      }
      gate = new RateGate(options.rateLimit, now);
      gates.set(key, gate);
    }
    return gate;
  };
  const deliveries = watchQoSDeliveries();
  const judge = createJudge(options);

  installLoginHooks(context, {
    policy: options.policy,
    authenticator: options.authenticator,
    judge,
    prepare: (client) => {
      forgetForwardedCounters(client);
      deliveries.watch(client);
    },
    open: (client, identity, acl) => ({
      identity,
      acl,
      gate: gateOf(
        identity.username === null
          ? `anonymous:${context.addressOf(client)}`
          : `user:${identity.username}`,
      ),
      flood: new FloodWatch(options.rateLimit, now),
      filters: new Set(),
      repeats: new DuplicateFilter(),
      line: new DeliveryLine(),
      pubacks: new PubackQueue(now, () => {
        const conn = client.conn as { readableLength?: number };
        return (conn.readableLength ?? 0) > 0;
      }),
    }),
  });
  installPublishHook(context, judge, options.record);

  broker.authorizeSubscribe = (client, subscription: Subscription, callback) => {
    const session = sessions.get(client);
    const decide = () => {
      const decision = !session
        ? { allowed: false as const, reason: 'no session' }
        : session.filters.size >= MAX_SUBSCRIPTIONS && !session.filters.has(subscription.topic)
          ? {
              allowed: false as const,
              reason: `more than ${String(MAX_SUBSCRIPTIONS)} subscriptions`,
            }
          : session.acl.canSubscribe(subscription.topic);
      if (decision.allowed) {
        session?.filters.add(subscription.topic);
        callback(null, subscription);
        return;
      }
      metrics.add('denied_subscribe');
      throttle.log(`${client.id}\u0000subscribe`, () => {
        logger.warn(
          {
            clientId: client.id,
            username: session?.identity.username ?? null,
            topic: subscription.topic,
            reason: decision.reason,
          },
          'subscription denied',
        );
      });
      callback(null, null); // SUBACK 0x80 [MQTT-3.9.3]
    };
    // A subscription costs a token, as a publish does: a fast client waits for its SUBACK. Not
    // the subscriptions of a persistent session, restored while it connects (before its CONNACK).
    // `connected` is no test for that: aedes sets it only after replaying the offline queue, and
    // a client's SUBSCRIBE right after its CONNACK can come first (on a loaded machine, often).
    const afterConnack = (client as { connackSent?: boolean }).connackSent === true;
    if (session && afterConnack) session.gate.enter(decide, () => client.closed);
    else decide();
  };

  const sink = `$SYS/${broker.id}/fsbus/dropped`;
  broker.authorizeForward = (client, packet: AedesPublishPacket) => {
    if (packet.topic === sink || options.acknowledged?.(packet) === true) return null;
    const session = sessions.get(client);
    if (!session?.acl.canRead(packet.topic).allowed) return null;
    // A live delivery has no message id yet; one from the queue of a persistent session has, and,
    // as in aedes, is never taken for a copy. Retained messages sent on subscribe have no broker id.
    const brokerId: string | null | undefined = packet.brokerId;
    if (
      packet.messageId === undefined &&
      brokerId &&
      session.repeats.repeated(brokerId, packet.brokerCounter)
    ) {
      return null;
    }
    if (deliveries.inQoSDelivery(client, packet)) session.pubacks.delivered();
    metrics.add('messages_out');
    return packet;
  };

  // A PUBACK (or PUBCOMP) from a client: a PUBACK it is owed may now go with it.
  broker.on('ack', (_packet, client) => {
    sessions.get(client)?.pubacks.acknowledged();
  });

  broker.on('unsubscribe', (topics, client) => {
    const filters = sessions.get(client)?.filters;
    for (const topic of topics) filters?.delete(topic);
  });

  broker.on('clientError', (client, error) => {
    metrics.add('client_errors');
    throttle.log(`${client.id}\u0000error`, () => {
      logger.warn({ clientId: client.id, err: error.message }, 'client error');
    });
  });

  const maxPacketBytes = options.maxMessageBytes + PACKET_OVERHEAD_BYTES;
  return {
    adopt(client, address) {
      addresses.set(client, address);
      guardParser(client, maxPacketBytes, (why, detail) => {
        metrics.add(why === 'too_large' ? 'closed_too_large' : 'closed_bad_utf8');
        throttle.log(`${address}\u0000${why}`, () => {
          logger.warn({ address, reason: why, detail }, 'connection closed: packet refused');
        });
      });
    },
    identityOf(client) {
      return sessions.get(client)?.identity;
    },
    close() {
      for (const gate of gates.values()) gate.close();
    },
  };
}
