// The kiosk's persistent local store (IndexedDB): the facts waiting for their PUBACK, in the
// order they were taken, and the counters that must survive a reload or a restart: each
// stream's last seq and each service day's last turn number of this kiosk's series.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface PendingFact {
  /** Insertion order (auto-increment): the facts go out in it. */
  readonly order?: number;
  readonly id: string;
  readonly stream: 'visit' | 'opinion';
  readonly topic: string;
  readonly payload: string;
}

interface KioskDb extends DBSchema {
  outbox: { key: number; value: PendingFact };
  /** `seq:{stream}` -> last seq; `turn:{date}` -> last turn number issued that day. */
  counters: { key: string; value: number };
}

export type KioskStore = IDBPDatabase<KioskDb>;

export function openStore(name = 'fsbus-kiosk'): Promise<KioskStore> {
  return openDB<KioskDb>(name, 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
      db.createObjectStore('counters');
    },
  });
}
