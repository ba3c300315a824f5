// One connection's QoS 1 publishes handed to aedes one at a time, in the order they came: aedes
// handles every packet of one socket read at once, and its publish (retained store, offline
// queues, then subscribers) is asynchronous, so two publishes to one topic sent together could
// reach subscribers, and the retained store, in the wrong order: a screen would then keep an
// older retained state than the last one published. [MQTT-4.6.0-5]: a topic is ordered.

/** One publish's place in the line. */
export interface LineSlot {
  /** Runs `task` once every earlier publish has been delivered or skipped; it calls `done`. */
  deliver(task: (done: () => void) => void): void;
  /** This publish is not delivered (refused, or recorded before): the next may go. */
  skip(): void;
}

interface Entry {
  task: ((done: () => void) => void) | null;
  skipped: boolean;
}

export class DeliveryLine {
  readonly #entries: Entry[] = [];
  #running = false;

  /** Takes the next place in line (call it as the publish arrives). */
  reserve(): LineSlot {
    const entry: Entry = { task: null, skipped: false };
    this.#entries.push(entry);
    return {
      deliver: (task) => {
        entry.task = task;
        this.#next();
      },
      skip: () => {
        entry.skipped = true;
        this.#next();
      },
    };
  }

  #next(): void {
    while (!this.#running) {
      const head = this.#entries[0];
      if (head === undefined) return;
      if (head.skipped) {
        this.#entries.shift();
        continue;
      }
      if (head.task === null) return;
      this.#running = true;
      head.task(() => {
        this.#entries.shift();
        this.#running = false;
        this.#next();
      });
    }
  }
}
