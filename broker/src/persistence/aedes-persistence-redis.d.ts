// Types for aedes-persistence-redis (the package ships none): the parts fsbus uses.
declare module 'aedes-persistence-redis' {
  import type { Redis } from 'ioredis';

  export interface RedisPersistenceOptions {
    /** A connection of the caller's (its URL, password and TLS). */
    readonly conn: Redis;
    /** Messages queued for a persistent session delivered at its connection (default 1,000). */
    readonly maxSessionDelivery?: number;
  }

  export interface RedisPersistence {
    readonly asyncPersistence: {
      /** Keeps a client's will under this node's id (it sets `packet.brokerId`). */
      putWill(client: { readonly id: string }, packet: { brokerId?: string }): Promise<void>;
      /** Drops the will node `brokerId` keeps for client `id`. */
      delWill(client: { readonly id: string; readonly brokerId: string }): Promise<unknown>;
    };
    destroy(): Promise<void>;
  }

  export default function aedesPersistenceRedis(options: RedisPersistenceOptions): RedisPersistence;
}
