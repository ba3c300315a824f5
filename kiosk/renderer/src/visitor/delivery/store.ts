// The kiosk's persistent local store (IndexedDB): the facts waiting for their PUBACK, in the
// order they were taken, and the counters that must survive a reload or a restart: each
// stream's last seq and each service day's last turn number of this kiosk's series. (While it
// fails, facts wait in the link's memory instead: see link.ts.)
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface PendingFact {
  /** Insertion order (auto-increment): the facts go out in it. */
  readonly order?: number;
  readonly id: string;
  readonly stream: 'visit' | 'opinion';
  readonly topic: string;
  readonly payload: string;
  /** When it was taken (ms), for the age of the oldest waiting; absent in older records. */
  readonly takenAt?: number;
}

interface KioskDb extends DBSchema {
  outbox: { key: number; value: PendingFact };
  /** `seq:{stream}` -> last seq; `turn:{date}` -> last turn number issued that day. */
  counters: { key: string; value: number };
}

export type KioskDatabase = IDBPDatabase<KioskDb>;

/**
 * The store's connection, opened again after a failure: on a full disk Chromium breaks the
 * connection (every transaction then throws InvalidStateError) and a new one works once there
 * is room again, with what was stored before.
 */
export class KioskStore {
  readonly #name: string;
  #db: Promise<KioskDatabase> | null = null;
  #current: KioskDatabase | null = null;

  constructor(name = 'fsbus-kiosk') {
    this.#name = name;
  }

  /** The open database; rejects when it cannot be opened (tried again on the next call). */
  db(): Promise<KioskDatabase> {
    if (this.#db !== null) return this.#db;
    const opening = openDB<KioskDb>(this.#name, 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
        db.createObjectStore('counters');
      },
      terminated: () => {
        if (this.#db !== opening) return;
        this.#db = null;
        this.#current = null;
      },
    });
    this.#db = opening;
    opening.then(
      (db) => {
        if (this.#db === opening) this.#current = db;
      },
      () => {
        if (this.#db === opening) this.#db = null;
      },
    );
    return opening;
  }

  /**
   * A read or a write on `db` failed: the next use opens a new connection (unless another
   * caller already did).
   */
  broken(db: KioskDatabase): void {
    if (db !== this.#current) return;
    this.#db = null;
    this.#current = null;
    db.close();
  }
}
