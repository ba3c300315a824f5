// What the bridge's keepers of retained states (the queue, the attendance) share: their state
// kept in the outbox under a key, read back once at start and checked against its schema,
// staged in the transaction of the message that changed it; the retained message published
// only when it changed; and their counters.
import type { z } from 'zod';

/** The outbox's state: a value staged before a message is added is in its transaction. */
export interface StateStore {
  read(key: string): string | undefined;
  stage(key: string, value: string): void;
}

/** A state kept in the outbox under `key`. */
export class KeptState<T> {
  readonly #store: StateStore;
  readonly #key: string;
  readonly #schema: z.ZodType<T>;

  constructor(store: StateStore, key: string, schema: z.ZodType<T>) {
    this.#store = store;
    this.#key = key;
    this.#schema = schema;
  }

  /**
   * The saved state, or `fresh()` when there is none. One that does not read back (not
   * expected: the keeper wrote it in a transaction) is told to `unreadable`, and starts fresh.
   */
  load(fresh: () => T, unreadable: (error: Error) => void): T {
    const stored = this.#store.read(this.#key);
    if (stored === undefined) return fresh();
    try {
      return this.#schema.parse(JSON.parse(stored));
    } catch (error) {
      unreadable(error as Error);
      return fresh();
    }
  }

  /** Stages `value`: it is committed with the next message added to the outbox. */
  stage(value: T): void {
    this.#store.stage(this.#key, JSON.stringify(value));
  }
}

/** Publishes a retained state when it changed since it was last published, or when forced. */
export class PublishOnChange<Body> {
  readonly #send: (body: Body) => void;
  #last: string | null = null;

  constructor(send: (body: Body) => void) {
    this.#send = send;
  }

  publish(body: Body, force = false): void {
    const json = JSON.stringify(body);
    if (!force && json === this.#last) return;
    this.#last = json;
    this.#send(body);
  }
}

/** Named counters, reported as `{prefix}_{name}` metrics. */
export class Counts {
  readonly #prefix: string;
  readonly #counts = new Map<string, number>();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  add(name: string): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }

  metrics(): Record<string, number> {
    return Object.fromEntries([...this.#counts].map(([name, n]) => [`${this.#prefix}_${name}`, n]));
  }
}
