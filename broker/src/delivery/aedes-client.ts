// Two adjustments to aedes's per-connection Client (aedes 1.2.0, lib/client.js), made when it
// connects: its duplicate check is turned off, and its QoS 1 deliveries are made visible.
import type { Client } from 'aedes';

/**
 * Turns off aedes's own duplicate check for a client, which loses messages. That check (dedupe in
 * lib/client.js) keeps the highest broker counter forwarded to the client and drops any message
 * with a lower one, as if it were a copy. But counters are handed out as messages arrive, and they
 * reach subscribers out of that order: aedes handles all the packets of one socket read at once,
 * and a QoS 1 message waits for a synced LevelDB write (outgoingEnqueueCombi) when a persistent
 * session subscribes to its topic, and for another when it is retained, while the next one may
 * not wait at all. In a burst of 20,000 QoS 1 messages to a persistent session, 6,000 were
 * dropped, from every subscriber of the topic, after their PUBACK and without a word (aedes
 * issues #955 and #994). authorizeForward checks exactly instead (DuplicateFilter).
 */
export function forgetForwardedCounters(client: Client): void {
  // dedupe reads duplicates[brokerId] (absent: 0) and writes it; writes are now forgotten.
  (client as unknown as { duplicates: object }).duplicates = new Proxy(
    Object.create(null) as Record<string, number>,
    {
      set: () => true,
    },
  );
}

interface Delivering {
  deliverQoS: (packet: { qos: number }, callback: () => void) => void;
  readonly subscriptions: Record<string, { readonly qos: number } | undefined>;
}

/**
 * Makes `inQoSDelivery(client, packet)` true, inside authorizeForward, when the delivery being
 * judged goes out at QoS 1 or 2 (the client will acknowledge it). aedes calls that hook from both
 * of its delivery functions with the publish's own QoS; only deliverQoS sends at QoS > 0, and it
 * calls the hook synchronously, before it lowers the QoS to an exact subscription's.
 */
export function watchQoSDeliveries(): {
  watch(client: Client): void;
  inQoSDelivery(client: Client, packet: { readonly topic: string; readonly qos: number }): boolean;
} {
  let current: Client | null = null;
  return {
    watch(client) {
      const target = client as unknown as Delivering;
      const deliverQoS = target.deliverQoS;
      target.deliverQoS = (packet, callback) => {
        if (packet.qos === 0) {
          deliverQoS(packet, callback);
          return;
        }
        const outer = current;
        current = client;
        try {
          deliverQoS(packet, callback);
        } finally {
          current = outer;
        }
      };
    },
    inQoSDelivery(client, packet) {
      if (current !== client || packet.qos === 0) return false;
      const exact = (client as unknown as Delivering).subscriptions[packet.topic];
      return exact === undefined || exact.qos > 0;
    },
  };
}
