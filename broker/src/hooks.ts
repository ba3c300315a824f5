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
import { tryParseTopic, type SchemaCheck } from '@fsbus/shared';
import type { AclPolicy, ClientAcl, Identity } from './acl/policy.js';
import type { Authenticator } from './auth/authenticator.js';
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
  readonly rateLimit: RateLimit;
  /** Milliseconds, for rate limiting and log throttling. */
  readonly now?: () => number;
}

interface Session {
  readonly identity: Identity;
  readonly acl: ClientAcl;
  readonly bucket: TokenBucket;
}

/** One log line per client and reason per window; the counters still count every message. */
const LOG_WINDOW_MS = 10_000;

/** A CONNACK refusal: 2 identifier rejected, 4 bad user name or password, 5 not authorized. */
function refusal(message: string, returnCode: 2 | 4 | 5): AuthenticateError {
  const error = Object.assign(new Error(message), { returnCode });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- AuthErrorCode is an ambient const enum, which isolatedModules cannot name; 2, 4 and 5 are its values.
  return error;
}

/**
 * Installs the hooks on a broker created without any. Returns a function that reads the
 * identity of a client (for tests and status).
 */
export function installHooks(
  broker: Aedes,
  options: HookOptions,
): (client: Client) => Identity | undefined {
  const { policy, authenticator, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const sessions = new WeakMap<Client, Session>();
  const persistentWithoutId = new WeakSet<Client>();
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

  broker.preConnect = (client, packet, callback) => {
    // aedes accepts an empty client id without clean session (its issue #1095); remember it
    // so authenticate() refuses it as MQTT 3.1.1 requires [MQTT-3.1.3-8].
    if (packet.clientId === '' && !packet.clean) persistentWithoutId.add(client);
    callback(null, true);
  };

  broker.authenticate = (client, username, password, done) => {
    if (persistentWithoutId.has(client)) {
      metrics.add('auth_failed');
      logger.warn(
        { reason: 'empty_client_id' },
        'connection refused: empty client id needs clean session',
      );
      done(refusal('identifier rejected: an empty client id needs clean session', 2), false);
      return;
    }
    authenticator.login(username, password).then(
      (result) => {
        if (!result.ok) {
          metrics.add('auth_failed');
          logger.warn(
            { clientId: client.id, username: username ?? null, reason: result.code },
            'connection refused',
          );
          done(refusal(result.code, result.returnCode), false);
          return;
        }
        const { identity } = result;
        sessions.set(client, {
          identity,
          acl: policy.for(identity),
          bucket: new TokenBucket(options.rateLimit, now),
        });
        logger.info(
          { clientId: client.id, username: identity.username, role: identity.role },
          'client logged in',
        );
        done(null, true);
      },
      (error: unknown) => {
        logger.error({ err: error, clientId: client.id }, 'authentication failed');
        done(refusal('server unavailable', 5), false);
      },
    );
  };

  broker.authorizePublish = (client, packet, callback) => {
    const session = client ? sessions.get(client) : undefined;
    if (client && !session) {
      drop(client, packet, 'acl', 'no session');
    } else if (session && !session.bucket.take()) {
      drop(client, packet, 'rate', 'publish rate limit exceeded');
    } else if (!session && tryParseTopic(packet.topic)?.stream !== 'status') {
      // A will left by a client of an earlier run: only status wills are expected.
      drop(client, packet, 'acl', 'will of an unknown client outside status/');
    } else {
      const decision = session ? session.acl.canWrite(packet.topic) : { allowed: true as const };
      if (!decision.allowed) {
        drop(client, packet, 'acl', decision.reason);
      } else {
        const payload =
          typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        const verdict = checkPayload(packet.topic, payload, packet.retain, {
          maxBytes: options.maxMessageBytes,
          localPartners: options.localPartners,
          schemaCheck: options.schemaCheck,
        });
        if (verdict.ok) metrics.add('messages_in');
        else drop(client, packet, verdict.code, verdict.detail);
      }
    }
    callback(null);
  };

  broker.authorizeSubscribe = (client, subscription: Subscription, callback) => {
    const session = sessions.get(client);
    const decision = session
      ? session.acl.canSubscribe(subscription.topic)
      : { allowed: false as const, reason: 'no session' };
    if (decision.allowed) {
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
    metrics.add('messages_out');
    return packet;
  };

  broker.on('clientError', (client, error) => {
    metrics.add('client_errors');
    logThrottled(`${client.id}\u0000error`, () => {
      logger.warn({ clientId: client.id, err: error.message }, 'client error');
    });
  });

  return (client) => sessions.get(client)?.identity;
}
