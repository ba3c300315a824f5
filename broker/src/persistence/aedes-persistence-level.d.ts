// Types for aedes-persistence-level (the package ships none): the parts fsbus uses.
declare module 'aedes-persistence-level' {
  import type { Readable } from 'node:stream';

  interface StoredPacket {
    readonly topic: string;
    readonly payload: Buffer | Uint8Array | string;
  }

  export interface LevelPersistence {
    outgoingClearMessageId(client: { readonly clean: boolean }, packet: unknown): Promise<unknown>;
    outgoingUpdate(client: unknown, packet: object): Promise<void>;
    storeRetained(packet: unknown): Promise<void>;
    readonly asyncPersistence: {
      createRetainedStream(pattern: string): Readable & AsyncIterable<StoredPacket>;
    };
    destroy(): Promise<void>;
  }

  export default function aedesPersistenceLevel(db: unknown): LevelPersistence;
}
