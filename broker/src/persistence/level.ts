// Broker persistence (retained messages, persistent sessions, QoS 1 queues, wills) in LevelDB under
// the data dir, through aedes-persistence-level. Every write is synced to disk before it is
// acknowledged, so a visit a kiosk handed to the broker survives a power cut.
import { mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ClassicLevel } from 'classic-level';
import aedesPersistenceLevel, { type LevelPersistence } from 'aedes-persistence-level';

const SYNCED = new Set<PropertyKey>(['put', 'del', 'batch']);

interface ChainedBatch {
  write(options?: object): Promise<void>;
}

/**
 * The same database, with `sync: true` added to every put, del and batch (array or chained):
 * LevelDB then fsyncs before the write resolves. A failed write (a full disk) is reported to
 * `onWriteError` and still rejects. Everything else goes to the database unchanged.
 */
export function withSyncedWrites(
  db: ClassicLevel,
  onWriteError: (error: unknown) => void = () => undefined,
): ClassicLevel {
  const watched = (result: unknown): unknown => {
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        onWriteError(error);
        throw error;
      });
    }
    return result;
  };
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!SYNCED.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        if (property === 'batch' && args.length === 0) {
          const chained = method.apply(target, []) as ChainedBatch;
          const write = chained.write.bind(chained);
          chained.write = (options = {}) =>
            watched(write({ ...options, sync: true })) as Promise<void>;
          return chained;
        }
        // put(key, value, options), del(key, options), batch(operations, options).
        const arity = property === 'put' ? 2 : 1;
        const options = args[arity] ?? {};
        return watched(method.apply(target, [...args.slice(0, arity), { ...options, sync: true }]));
      };
    },
  });
}

const READERS = [
  'createRetainedStream',
  'createRetainedStreamCombi',
  'outgoingStream',
  'streamWill',
  'getClientList',
] as const;

/** Keeps the set of streams reading the database, so that close() can stop them first. */
function trackReads(persistence: LevelPersistence): Set<Readable> {
  const open = new Set<Readable>();
  const target = persistence as unknown as Record<
    (typeof READERS)[number],
    (...args: unknown[]) => Readable
  >;
  for (const name of READERS) {
    const read = target[name].bind(persistence);
    target[name] = (...args) => {
      const stream = read(...args);
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      return stream;
    };
  }
  return open;
}

/**
 * A persistent session reconnecting while messages flow: a message queued for it can be
 * delivered live (its subscriptions are back before its queue is replayed) and acknowledged,
 * and so cleared, before the replay of the queue reaches it. aedes-persistence-level's
 * outgoingUpdate then fails with `no such packet`, and aedes closes the connection it has just
 * opened (lib/handlers/connect.js emptyQueueFilter; lib/client.js deliverQoS). An update of a
 * message that is no longer queued now succeeds, and the packet is remembered as acknowledged so
 * that the replay does not send it again (authorizeForward asks).
 */
export function settleAcknowledged(persistence: LevelPersistence): WeakSet<object> {
  const acknowledged = new WeakSet<object>();
  const update = persistence.outgoingUpdate.bind(persistence);
  persistence.outgoingUpdate = async (client, packet) => {
    try {
      await update(client, packet);
    } catch (error) {
      if ((error as Error).message !== 'no such packet') throw error;
      acknowledged.add(packet);
    }
  };
  return acknowledged;
}

/** What the store needs to know of the broker: when a client has finished connecting. */
export interface ClientEvents {
  on(event: 'clientReady', listener: (client: { readonly clean: boolean }) => void): unknown;
}

export interface BrokerStore {
  readonly persistence: LevelPersistence;
  /**
   * Lets PUBACKs of clean-session clients skip the disk. aedes clears a delivered QoS 1 message
   * on every PUBACK and reads the client's next packet only after that. For a clean session it
   * stores no delivery (lib/client.js deliverQoS), so once the client is connected that clear
   * finds nothing: a LevelDB read per message for nothing, which halved QoS 1 throughput.
   * What an earlier persistent session left is cleared while connecting, before clientReady.
   */
  watch(broker: ClientEvents): void;
  /**
   * True for a queued message the client acknowledged meanwhile: it must not be sent again. See
   * `settleAcknowledged`.
   */
  acknowledged(packet: object): boolean;
  /** The retained payload of a topic, if any (used to carry on the status seq after a restart). */
  retained(topic: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the broker store in `dir`; `onWriteError` hears of every failed
 * write (LevelDB refuses all writes after one failed: a restart recovers once space is back). Fails with the LevelDB error when the
 * folder cannot be written or another broker holds it.
 */
export async function openBrokerStore(
  dir: string,
  onWriteError: (error: unknown) => void = () => undefined,
): Promise<BrokerStore> {
  mkdirSync(dir, { recursive: true });
  const db = new ClassicLevel(dir);
  await db.open();
  const persistence = aedesPersistenceLevel(withSyncedWrites(db, onWriteError));
  const reading = trackReads(persistence);
  const connected = new WeakSet<object>();
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) =>
    client.clean && connected.has(client) ? Promise.resolve(undefined) : clear(client, packet);
  const acknowledged = settleAcknowledged(persistence);
  return {
    persistence,
    acknowledged: (packet) => acknowledged.has(packet),
    watch(broker) {
      broker.on('clientReady', (client) => {
        if (client.clean) connected.add(client);
      });
    },
    async retained(topic) {
      for await (const packet of persistence.asyncPersistence.createRetainedStream(topic)) {
        if (packet.topic === topic) return Buffer.from(packet.payload);
      }
      return undefined;
    },
    async close() {
      // A scan still running (retained messages for a late subscription, a queue) would read a
      // closed database and throw out of the process: stop every one first.
      await Promise.all(
        [...reading].map(async (stream) => {
          stream.destroy();
          await finished(stream).catch(() => undefined);
        }),
      );
      await persistence.destroy();
    },
  };
}
