// The login hooks: what the CONNECT packet says (preConnect), then who may come in (authenticate).
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import type { ClientAcl, Identity, Policy } from '../acl/policy.js';
import type { Judge } from '../publish/judge.js';
import type { HookContext, Session } from '../session.js';
import type { Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';

/** Refusals held back at once (see LoginThrottle); past this, refusals are answered at once. */
export const MAX_HELD_REFUSALS = 100;

export interface LoginOptions {
  readonly policy: Policy;
  readonly authenticator: Authenticator;
  readonly judge: Judge;
  /** Builds the session of a connection that logged in. */
  readonly open: (client: Client, identity: Identity, acl: ClientAcl) => Session;
  /** Runs first on every new connection, before its CONNECT is judged. */
  readonly prepare: (client: Client) => void;
}

/** What preConnect saw in the CONNECT packet, for authenticate to judge. */
interface Connect {
  /** The client id the CONNECT asks for ('' when the broker is to make one). */
  readonly clientId: string;
  readonly emptyId: boolean;
  readonly clean: boolean;
  readonly will: PublishPacket | undefined;
}

/**
 * A CONNACK refusal: 2 identifier rejected, 3 server unavailable, 4 bad user name or password,
 * 5 not authorized.
 */
function refusal(message: string, returnCode: 2 | 3 | 4 | 5): AuthenticateError {
  const error = Object.assign(new Error(message), { returnCode });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- AuthErrorCode is an ambient const enum, which isolatedModules cannot name; 2 to 5 are its values.
  return error;
}

export function installLoginHooks(context: HookContext, options: LoginOptions): void {
  const { broker, sessions, metrics, logger, throttle, now, addressOf } = context;
  const { authenticator, judge } = options;
  const connects = new WeakMap<Client, Connect>();

  let held = 0;
  const refuse = (
    client: Client,
    username: string | null,
    reason: string,
    message: string,
    code: 2 | 3 | 4 | 5,
    done: (error: AuthenticateError, success: false) => void,
    delayMs = 0,
  ) => {
    metrics.add('auth_failed');
    const address = addressOf(client);
    throttle.log(`login\u0000${username ?? ''}\u0000${address}\u0000${reason}`, () => {
      logger.warn(
        { clientId: client.id, username, address, reason, delayMs },
        'connection refused',
      );
    });
    if (delayMs === 0 || held >= MAX_HELD_REFUSALS) {
      done(refusal(message, code), false);
      return;
    }
    // A wrong password again: the answer is slowed down, the connection held meanwhile (a
    // client that gives up waiting frees its place at once).
    held += 1;
    const conn = client.conn as {
      once(event: 'close', listener: () => void): unknown;
      removeListener(event: 'close', listener: () => void): unknown;
    };
    const gaveUp = () => {
      clearTimeout(timer);
      held -= 1;
    };
    const timer = setTimeout(() => {
      conn.removeListener('close', gaveUp);
      held -= 1;
      if (!client.closed) done(refusal(message, code), false);
    }, delayMs);
    timer.unref();
    conn.once('close', gaveUp);
  };

  broker.preConnect = (client, packet, callback) => {
    options.prepare(client);
    connects.set(client, {
      clientId: packet.clientId,
      emptyId: packet.clientId === '',
      clean: packet.clean ?? true,
      will: packet.will
        ? { cmd: 'publish', qos: 0, dup: false, retain: false, ...packet.will }
        : undefined,
    });
    callback(null, true);
  };

  const failures = new LoginThrottle(now);

  broker.authenticate = (client, username, password, done) => {
    const connect = connects.get(client);
    const key = LoginThrottle.key(username, addressOf(client));
    const askedId = connect?.clientId ?? '';
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
    const suspect = failures.suspect(key, askedId);
    authenticator.login(username, password, suspect).then(
      (result) => {
        if (!result.ok) {
          const delayMs =
            result.code === 'bad_credentials'
              ? failures.failed(key)
              : suspect && result.code === 'busy'
                ? failures.delay(key)
                : 0;
          refuse(
            client,
            username ?? null,
            result.code,
            result.code,
            result.returnCode,
            done,
            delayMs,
          );
          return;
        }
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
        const acl = options.policy.for(identity);
        const willProblem = connect?.will ? judge(acl, { ...connect.will }) : null;
        if (willProblem && !willProblem.ok) {
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
        failures.succeeded(key, askedId);
        sessions.set(client, options.open(client, identity, acl));
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
}
