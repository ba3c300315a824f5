// When the PUBACKs owed to one client go out: in the order its publishes came, each once its
// message is delivered, and, when the client owes acknowledgements of its own, with the next one.

/**
 * How long a PUBACK may wait for the client's own acknowledgement, ms. Below Linux's 40 ms
 * delayed ACK, past which waiting would gain nothing.
 */
export const PAIRING_WINDOW_MS = 20;

/** One publish's place in the queue. */
export interface PubackSlot {
  /** The message is in every queue it belongs to and written to every live subscriber. */
  ready(): void;
}

/**
 * The PUBACKs owed to one client. Why pair them with the client's own acknowledgements: a stock
 * client (mqtt.js, Node-RED, MQTT Explorer) leaves Nagle's algorithm on. When it acknowledges a
 * delivery (a 4-byte PUBACK) and then publishes, the kernel holds the publish until the broker's
 * host acknowledges the PUBACK at the TCP level, and that host delays its ACK by 40 ms when the
 * broker has nothing to send back. A client that publishes to a topic it subscribes to did just
 * that on every round trip: 44 ms each (captured with tcpdump). A PUBACK the broker sends after
 * the client's own acknowledgement has arrived carries that TCP ACK, and the client's next
 * publish leaves at once. So while the client owes acknowledgements for deliveries made in the
 * last PAIRING_WINDOW_MS, a ready PUBACK waits for the next one, at most that long. Not when the
 * broker holds unread bytes of that client: they are acknowledged at the TCP level already, and
 * aedes may read no more of them until this PUBACK is out (a client pipelining to its own topic
 * would wait the whole window each time).
 */
export class PubackQueue {
  readonly #entries: { readonly send: () => void; ready: boolean }[] = [];
  readonly #now: () => number;
  readonly #hasInput: () => boolean;
  #owed = 0;
  #lastDelivery = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  /** `hasInput`: whether bytes of the client wait, unread, in the broker. */
  constructor(now: () => number, hasInput: () => boolean = () => false) {
    this.#now = now;
    this.#hasInput = hasInput;
  }

  /** Takes the next place in line for a publish; `send` lets its PUBACK go. */
  reserve(send: () => void): PubackSlot {
    const entry = { send, ready: false };
    this.#entries.push(entry);
    return {
      ready: () => {
        entry.ready = true;
        this.#flush(false);
      },
    };
  }

  /** A QoS 1 or 2 delivery was handed to the client: it owes an acknowledgement. */
  delivered(): void {
    this.#owed += 1;
    this.#lastDelivery = this.#now();
  }

  /** The client acknowledged a delivery: what waited for it goes now. */
  acknowledged(): void {
    if (this.#owed > 0) this.#owed -= 1;
    this.#flush(true);
  }

  #flush(paired: boolean): void {
    const head = this.#entries[0];
    if (!head?.ready) return;
    if (!paired && this.#owesRecently() && !this.#hasInput()) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flush(true);
      }, PAIRING_WINDOW_MS).unref();
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#entries[0]?.ready) this.#entries.shift()?.send();
  }

  #owesRecently(): boolean {
    return this.#owed > 0 && this.#now() - this.#lastDelivery < PAIRING_WINDOW_MS;
  }
}
