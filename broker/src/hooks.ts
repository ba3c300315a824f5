// The aedes hooks that lock the broker down: login (connect), ACL + rate + schema (publish),
// ACL (subscribe, forward). The only module besides main.ts that touches aedes objects.
import type {
  Aedes,
  AedesPublishPacket,
  AuthenticateError,
  Client,
  PublishPacket,
  Subscription,
} from 'aedes';
import type { Logger } from '@fsbus/shared/node';
import { STREAM_SPECS, tryParseTopic, type SchemaCheck } from '@fsbus/shared';
import type { AclPolicy, ClientAcl, Identity } from './acl/policy.js';
import type { Authenticator } from './auth/authenticator.js';
import { DuplicateFilter } from './delivery/duplicate-filter.js';
import { TokenBucket, type RateLimit } from './validation/rate-limiter.js';
import { checkPayload } from './validation/payload-check.js';
import type { Metrics, Rejection } from './status/metrics.js';

export interface HookOptions {
  readonly policy: AclPolicy;
  readonly authenticator: Authenticator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** Local partner codes the bus declares: visits and opinions may name no others. */
  readonly localPartners: ReadonlySet<string>;
  /** How payloads are checked against their schema (compiled once at start). */
  readonly schemaCheck: SchemaCheck;
  /**
   * Stores a retained message. aedes acknowledges a QoS 1 publish before it stores it; the hook
   * stores an accepted retained message first, so an acknowledged state survives a crash.
   */
  readonly storeRetained: (packet: PublishPacket) => Promise<void>;
  readonly rateLimit: RateLimit;
  /** Milliseconds, for rate limiting and log throttling. */
  readonly now?: () => number;
}

interface Session {
  readonly identity: Identity;
  readonly acl: ClientAcl;
  /** Shared by every connection of the same user, so reconnecting buys no new burst. */
  readonly bucket: TokenBucket;
  /** Filters granted to this connection, capped. */
  readonly filters: Set<string>;
  /** The copies of one publish for its overlapping subscriptions: only the first is forwarded. */
  readonly repeats: DuplicateFilter;
}

/** What preConnect saw in the CONNECT packet, for authenticate to judge. */
interface Connect {
  readonly emptyId: boolean;
  readonly clean: boolean;
  readonly will: PublishPacket | undefined;
}

/** Wrong passwords in a row from one address before it is paused, and for how long. */
export const FAILURES_BEFORE_PAUSE = 10;
export const FAILURE_PAUSE_MS = 60_000;

/** Subscriptions one connection may hold: a screen needs a handful. */
export const MAX_SUBSCRIPTIONS = 100;

function remoteAddress(client: Client): string {
  const conn = client.conn as { remoteAddress?: string };
  return conn.remoteAddress ?? 'unknown';
}

/** One log line per client and reason per window; the counters still count every message. */
const LOG_WINDOW_MS = 10_000;

/**
 * A CONNACK refusal: 2 identifier rejected, 3 server unavailable, 4 bad user name or password,
 * 5 not authorized.
 */
function refusal(message: string, returnCode: 2 | 3 | 4 | 5): AuthenticateError {
  const error = Object.assign(new Error(message), { returnCode });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- AuthErrorCode is an ambient const enum, which isolatedModules cannot name; 2 to 5 are its values.
  return error;
}

/**
 * Turns off aedes's own duplicate check for a client, which loses messages. That check (dedupe in
 * lib/client.js, aedes 1.2.0) keeps the highest broker counter forwarded to the client and drops
 * any message with a lower one, as if it were a copy. But counters are handed out as messages
 * arrive, and they reach subscribers out of that order: aedes handles all the packets of one
 * socket read at once, and a QoS 1 message waits for a synced LevelDB write
 * (outgoingEnqueueCombi) when a persistent session subscribes to its topic, and for another when
 * it is retained, while the next one may not wait at all. In a burst of 20,000 QoS 1 messages to a
 * persistent session, 6,000 were dropped, from every subscriber of the topic, after their PUBACK
 * and without a word (aedes issues #955 and #994). authorizeForward checks exactly instead.
 */
function forgetForwardedCounters(client: Client): void {
  // dedupe reads duplicates[brokerId] (absent: 0) and writes it; writes are now forgotten.
  (client as unknown as { duplicates: object }).duplicates = new Proxy(
    Object.create(null) as Record<string, number>,
    {
      set: () => true,
    },
  );
}

/** Installs the hooks on a broker created without any. */
export function installHooks(broker: Aedes, options: HookOptions): void {
  const { policy, authenticator, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const sessions = new WeakMap<Client, Session>();
  const connects = new WeakMap<Client, Connect>();
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (key: string) => {
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size > 10_000) buckets.clear();
      bucket = new TokenBucket(options.rateLimit, now);
      buckets.set(key, bucket);
    }
    return bucket;
  };
  const lastLogged = new Map<string, number>();
  // Where a refused publish goes: a $SYS topic no client can read, so it is acknowledged
  // (a client's QoS 1 message is not retried forever) but neither delivered nor retained.
  const sink = `$SYS/${broker.id}/fsbus/dropped`;

  const logThrottled = (key: string, write: () => void) => {
    const at = now();
    const last = lastLogged.get(key);
    if (last !== undefined && at - last < LOG_WINDOW_MS) return;
    if (lastLogged.size > 10_000) lastLogged.clear();
    lastLogged.set(key, at);
    write();
  };

  const drop = (
    client: Client | null,
    packet: PublishPacket,
    reason: Rejection,
    detail: string,
  ) => {
    metrics.add(`rejected_${reason}`);
    const clientId = client?.id ?? null;
    logThrottled(`${clientId ?? ''}\u0000${reason}`, () => {
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
    // with one bad message from reconnecting and resending it forever.
    packet.topic = sink;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
  };

  /** Verdict on a publish by a client with this session (null: a will of an earlier run). */
  const judge = (
    session: Session | undefined,
    packet: PublishPacket,
  ): { reason: Rejection; detail: string } | null => {
    if (session && !session.bucket.take())
      return { reason: 'rate', detail: 'publish rate limit exceeded' };
    if (!session && tryParseTopic(packet.topic)?.stream !== 'status') {
      // Wills are checked when set (authenticate); one left by an earlier run is a status.
      return { reason: 'acl', detail: 'will of an earlier run outside status/' };
    }
    const decision = session ? session.acl.canWrite(packet.topic) : { allowed: true as const };
    if (!decision.allowed) return { reason: 'acl', detail: decision.reason };
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const verdict = checkPayload(packet.topic, payload, packet.retain, {
      maxBytes: options.maxMessageBytes,
      localPartners: options.localPartners,
      schemaCheck: options.schemaCheck,
    });
    return verdict.ok ? null : { reason: verdict.code, detail: verdict.detail };
  };

  const refuse = (
    client: Client,
    username: string | null,
    reason: string,
    message: string,
    code: 2 | 3 | 4 | 5,
    done: (error: AuthenticateError, success: false) => void,
  ) => {
    metrics.add('auth_failed');
    logThrottled(`login\u0000${username ?? ''}\u0000${reason}`, () => {
      logger.warn({ clientId: client.id, username, reason }, 'connection refused');
    });
    done(refusal(message, code), false);
  };

  broker.preConnect = (client, packet, callback) => {
    forgetForwardedCounters(client);
    connects.set(client, {
      emptyId: packet.clientId === '',
      clean: packet.clean ?? true,
      will: packet.will
        ? { cmd: 'publish', qos: 0, dup: false, retain: false, ...packet.will }
        : undefined,
    });
    callback(null, true);
  };

  // Wrong passwords per remote address: after FAILURES_BEFORE_PAUSE in a row, that address is
  // refused at once (no password check) until it has kept quiet for FAILURE_PAUSE_MS.
  const failures = new Map<string, { count: number; last: number }>();

  broker.authenticate = (client, username, password, done) => {
    const connect = connects.get(client);
    const address = remoteAddress(client);
    const failed = failures.get(address);
    if (failed && failed.count >= FAILURES_BEFORE_PAUSE && now() - failed.last < FAILURE_PAUSE_MS) {
      failed.last = now();
      refuse(
        client,
        username ?? null,
        'too_many_failures',
        'not authorized: too many wrong passwords',
        5,
        done,
      );
      return;
    }
    // aedes accepts an empty client id without clean session (its issue #1095); MQTT 3.1.1
    // requires refusing it [MQTT-3.1.3-8].
    if (connect?.emptyId && !connect.clean) {
      refuse(
        client,
        username ?? null,
        'empty_client_id',
        'identifier rejected: an empty client id needs clean session',
        2,
        done,
      );
      return;
    }
    authenticator.login(username, password).then(
      (result) => {
        if (!result.ok) {
          if (result.code === 'bad_credentials') {
            const entry = failures.get(address);
            const fresh = !entry || now() - entry.last >= FAILURE_PAUSE_MS;
            if (failures.size > 10_000) failures.clear();
            failures.set(address, { count: fresh ? 1 : entry.count + 1, last: now() });
          }
          refuse(client, username ?? null, result.code, result.code, result.returnCode, done);
          return;
        }
        failures.delete(address);
        const { identity } = result;
        if (!connect?.emptyId && !authenticator.ownsClientId(identity, client.id)) {
          refuse(
            client,
            identity.username,
            'foreign_client_id',
            'identifier rejected: a client id is the user name or starts with it and "-"',
            2,
            done,
          );
          return;
        }
        const bucketKey =
          identity.username === null
            ? `anonymous:${remoteAddress(client)}`
            : `user:${identity.username}`;
        const session: Session = {
          identity,
          acl: policy.for(identity),
          bucket: bucketOf(bucketKey),
          filters: new Set(),
          repeats: new DuplicateFilter(),
        };
        const willProblem = connect?.will ? judge(session, { ...connect.will }) : null;
        if (willProblem) {
          refuse(
            client,
            identity.username,
            `will_${willProblem.reason}`,
            `will refused: ${willProblem.detail}`,
            5,
            done,
          );
          return;
        }
        sessions.set(client, session);
        logger.info(
          { clientId: client.id, username: identity.username, role: identity.role },
          'client logged in',
        );
        done(null, true);
      },
      (error: unknown) => {
        logger.error({ err: error, clientId: client.id }, 'authentication failed');
        done(refusal('server unavailable', 3), false);
      },
    );
  };

  broker.authorizePublish = (client, packet, callback) => {
    const session = client ? sessions.get(client) : undefined;
    const problem =
      client && !session
        ? { reason: 'acl' as const, detail: 'no session' }
        : judge(session, packet);
    if (problem) {
      drop(client, packet, problem.reason, problem.detail);
    } else {
      metrics.add('messages_in');
      const stream = packet.retain ? tryParseTopic(packet.topic)?.stream : undefined;
      if (stream !== undefined && !STREAM_SPECS[stream].retain) {
        // Events are never retained: a retained visit or queue command would replay forever.
        packet.retain = false;
        metrics.add('retain_cleared');
      }
    }
    if (!problem && packet.retain && packet.qos > 0) {
      options.storeRetained(packet).then(
        () => {
          callback(null);
        },
        // The store failure is reported by the store; the message is still delivered live.
        () => {
          callback(null);
        },
      );
      return;
    }
    callback(null);
  };

  broker.authorizeSubscribe = (client, subscription: Subscription, callback) => {
    const session = sessions.get(client);
    const decision = !session
      ? { allowed: false as const, reason: 'no session' }
      : session.filters.size >= MAX_SUBSCRIPTIONS && !session.filters.has(subscription.topic)
        ? {
            allowed: false as const,
            reason: `more than ${String(MAX_SUBSCRIPTIONS)} subscriptions`,
          }
        : !session.bucket.take()
          ? { allowed: false as const, reason: 'rate limit exceeded' }
          : session.acl.canSubscribe(subscription.topic);
    if (decision.allowed) {
      session?.filters.add(subscription.topic);
      callback(null, subscription);
      return;
    }
    metrics.add('denied_subscribe');
    logThrottled(`${client.id}\u0000subscribe`, () => {
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

  broker.authorizeForward = (client, packet: AedesPublishPacket) => {
    if (packet.topic === sink) return null;
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
    metrics.add('messages_out');
    return packet;
  };

  broker.on('unsubscribe', (topics, client) => {
    const filters = sessions.get(client)?.filters;
    for (const topic of topics) filters?.delete(topic);
  });

  broker.on('clientError', (client, error) => {
    metrics.add('client_errors');
    logThrottled(`${client.id}\u0000error`, () => {
      logger.warn({ clientId: client.id, err: error.message }, 'client error');
    });
  });
}
