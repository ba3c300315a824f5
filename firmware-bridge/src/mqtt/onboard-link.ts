// The bridge's MQTT connection to the on-board broker. It reconnects forever, keeps a
// persistent session (what the kiosk publishes while the bridge is down waits for it), never
// queues live QoS 0 values while disconnected (a stale position is worth nothing), acknowledges
// a message only once its handler is done with it, and leaves a last will that says the
// bridge is offline.
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { Logger } from '@fsbus/shared/node';

export interface OnboardLinkOptions {
  readonly url: string;
  readonly username: string;
  /** null: log in without a password (a development broker that allows anonymous clients). */
  readonly password: string | null;
  readonly clientId: string;
  /** Retained QoS 1 message the broker publishes if the bridge dies. */
  readonly will: { readonly topic: string; readonly payload: string };
  readonly logger: Logger;
  /**
   * Every message on the subscribed topics. A QoS 1 message is acknowledged (PUBACK) once the
   * returned promise resolves (e.g. the outbox committed it); one that rejects is not, and the
   * broker delivers it again in a later session. mqtt.js hands messages over one at a time.
   */
  readonly onMessage: (topic: string, payload: Buffer) => void | Promise<void>;
  /** Each (re)connection, after the subscriptions are made. */
  readonly onConnect: () => void;
  readonly subscriptions: readonly string[];
}

export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

// mqtt-packet otherwise fills a cache of 65,536 two-byte buffers (6 MiB) on its first write to
// save an allocation per packet: a bad trade at a few messages a second on a small box.
mqttPacket.writeToStream.cacheNumbers = false;

export class OnboardLink {
  readonly #client: MqttClient;
  readonly #options: OnboardLinkOptions;
  #connected = false;
  readonly #counts = { connects: 0, subscribes: 0, publish_errors: 0, dropped_offline: 0 };

  constructor(options: OnboardLinkOptions) {
    this.#options = options;
    this.#client = mqtt.connect(options.url, {
      protocolVersion: 4,
      clientId: options.clientId,
      username: options.username,
      ...(options.password === null ? {} : { password: options.password }),
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: {
        topic: options.will.topic,
        payload: Buffer.from(options.will.payload),
        qos: 1,
        retain: true,
      },
    });
    this.#client.on('connect', () => {
      this.#connected = true;
      this.#counts.connects += 1;
      options.logger.info({ url: options.url }, 'connected to the on-board broker');
      if (options.subscriptions.length === 0) {
        options.onConnect();
        return;
      }
      this.#client.subscribe([...options.subscriptions], { qos: 1 }, (error, granted) => {
        const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
        if (error || refused.length > 0) {
          options.logger.error(
            { err: error?.message, refused },
            'the on-board broker refused a subscription',
          );
        } else {
          this.#counts.subscribes += 1;
        }
        options.onConnect();
      });
    });
    this.#client.on('close', () => {
      if (this.#connected) options.logger.warn({ url: options.url }, 'lost the on-board broker');
      this.#connected = false;
    });
    this.#client.on('error', (error) => {
      options.logger.warn({ url: options.url, err: error.message }, 'on-board broker error');
    });
    // mqtt.js sends the PUBACK when this callback is called, not before.
    this.#client.handleMessage = (packet, callback) => {
      const done = options.onMessage(packet.topic, Buffer.from(packet.payload));
      if (done === undefined) {
        callback();
        return;
      }
      done.then(
        () => {
          callback();
        },
        (error: unknown) => {
          // No PUBACK (mqtt.js skips it on an error) and on to the next packet: the broker
          // delivers this one again in the next session.
          options.logger.debug({ topic: packet.topic, err: error }, 'message left unacknowledged');
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
  }

  get connected(): boolean {
    return this.#connected;
  }

  get stats(): Readonly<Record<string, number>> {
    return { ...this.#counts };
  }

  /**
   * Publishes one message. While disconnected, live values (QoS 0) and retained states are
   * dropped and counted: the states are published again on connect, and a stale position is
   * worth nothing. Other QoS 1 messages wait in mqtt.js's queue until the broker is back.
   */
  async publish(topic: string, payload: string, options: PublishOptions): Promise<void> {
    if (!this.#connected && (options.qos === 0 || options.retain)) {
      this.#counts.dropped_offline += 1;
      return;
    }
    try {
      await this.#client.publishAsync(topic, payload, options);
    } catch (error) {
      this.#counts.publish_errors += 1;
      this.#options.logger.warn({ topic, err: (error as Error).message }, 'publish failed');
    }
  }

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}
