// Broker persistence (retained messages, persistent sessions, QoS 1 queues, wills) in LevelDB under
// the data dir, through aedes-persistence-level. Every write is synced to disk before it is
// acknowledged, so a visit a kiosk handed to the broker survives a power cut.
import { mkdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';
import aedesPersistenceLevel, { type LevelPersistence } from 'aedes-persistence-level';

const SYNCED = new Set<PropertyKey>(['put', 'del', 'batch']);

interface ChainedBatch {
  write(options?: object): Promise<void>;
}

/**
 * The same database, with `sync: true` added to every put, del and batch (array or chained):
 * LevelDB then fsyncs before the write resolves. Everything else goes to the database unchanged.
 */
export function withSyncedWrites(db: ClassicLevel): ClassicLevel {
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
          chained.write = (options = {}) => write({ ...options, sync: true });
          return chained;
        }
        // put(key, value, options), del(key, options), batch(operations, options).
        const arity = property === 'put' ? 2 : 1;
        const options = args[arity] ?? {};
        return method.apply(target, [...args.slice(0, arity), { ...options, sync: true }]);
      };
    },
  });
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
  /** The retained payload of a topic, if any (used to carry on the status seq after a restart). */
  retained(topic: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the broker store in `dir`. Fails with the LevelDB error when the
 * folder cannot be written or another broker holds it.
 */
export async function openBrokerStore(dir: string): Promise<BrokerStore> {
  mkdirSync(dir, { recursive: true });
  const db = new ClassicLevel(dir);
  await db.open();
  const persistence = aedesPersistenceLevel(withSyncedWrites(db));
  const connected = new WeakSet<object>();
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) =>
    client.clean && connected.has(client) ? Promise.resolve(undefined) : clear(client, packet);
  return {
    persistence,
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
      await persistence.destroy();
    },
  };
}
