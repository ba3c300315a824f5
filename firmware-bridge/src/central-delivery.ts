// Delivery to central: the outbox every central-bound message is committed to, and the uplink
// draining it; with its health, alarms and numbers for the bridge's status. Wired by main.ts.
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import {
  STREAM_SPECS,
  statusTopic,
  topicFor,
  type Config,
  type MessageFactory,
  type Stream,
} from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { readFile } from 'node:fs/promises';
import { fileProblem, readSecret } from '@fsbus/shared/node';
import { Outbox, OutboxError, type OutboxFault } from './outbox/outbox.js';
import { Uplink, type UplinkState } from './uplink/uplink.js';

/** A message for central: its stream, topic, envelope id and JSON. */
export interface CentralMessage {
  readonly stream: Stream;
  readonly topic: string;
  readonly id: string;
  readonly payload: string;
}

export type OutboxHealth = 'ok' | 'disk_full' | 'io_error' | 'full';
export type UplinkHealth = UplinkState | 'disabled';

export interface CentralDelivery {
  /** A message of the bridge's own: committed at the end of the window, or refused and logged. */
  send(message: CentralMessage): void;
  /**
   * A message of the bridge's own that is published on board only once committed (a door event,
   * with the counter state staged in the same tick): committed now; resolves then. Rejects when
   * it is refused (logged).
   */
  commit(message: CentralMessage): Promise<void>;
  /**
   * A message taken from the on-board broker (a visit, an opinion...): resolves once it is
   * committed, so it is acknowledged only then. While the outbox refuses it (full, disk full),
   * it waits and tries again; it rejects only when the delivery stops.
   */
  ingest(message: CentralMessage): Promise<void>;
  health(): { outbox: OutboxHealth; uplink: UplinkHealth };
  alarms(): string[];
  metrics(): Record<string, number>;
  stop(): Promise<void>;
}

export interface CentralDeliveryOptions {
  readonly config: Pick<Config, 'busId' | 'dataDir' | 'outbox' | 'central'>;
  /** The outbox, opened first (the bridge's seqs and counter state live in it too). */
  readonly opened: OpenedOutbox;
  readonly factory: MessageFactory;
  readonly version: string;
  /** The service's logger: the outbox, the uplink and this module each get a child. */
  readonly logger: Logger;
  readonly now: () => number;
  /** Health changed: the status should say so now. */
  readonly onHealth: () => void;
  /** A message central sent this bus (its day plan); must not throw. */
  readonly onDownlink?: (topic: string, payload: Buffer) => void;
  /** After a refusal, how long before the outbox is asked again, ms (default 5 s). */
  readonly ingestRetryMs?: number;
}

/** The outbox file opened, and what the delivery wires to its events once it starts. */
export interface OpenedOutbox {
  readonly outbox: Outbox;
  /** Where an unreadable outbox file was moved at start, if it was. */
  readonly setAside: string | null;
  readonly events: { committed: () => void; fault: (fault: OutboxFault) => void };
}

/** A refusal of an event keeps the outbox `full` on the status for this long. */
const FULL_FOR_MS = 60_000;
const STATUS_MS = 30_000;
const MB = 1_000_000;

/**
 * Opens the outbox file (creating it); an unreadable one (not a database, damaged: a failing SD
 * card) is moved aside and a new one started. Throws a config problem when the file cannot be
 * created or written.
 */
export function openOutbox(options: {
  readonly config: Pick<Config, 'dataDir' | 'outbox'>;
  readonly logger: Logger;
  readonly now: () => number;
}): OpenedOutbox {
  const { config, now } = options;
  const logger = options.logger.child({ component: 'central' });
  const file = path.resolve(config.dataDir, config.outbox.path);
  const events: OpenedOutbox['events'] = { committed: () => undefined, fault: () => undefined };
  const open = () => {
    try {
      return new Outbox({
        file,
        commitWindowMs: config.outbox.commitWindowMs,
        telemetryCapBytes: config.outbox.telemetryCapMB * MB,
        hardCapBytes: config.outbox.hardCapMB * MB,
        logger: options.logger.child({ component: 'outbox' }),
        now,
        onCommitted: () => {
          events.committed();
        },
        onFault: (fault: OutboxFault) => {
          events.fault(fault);
        },
      });
    } catch (error) {
      if (unreadable(error)) throw error;
      throw fileProblem(
        'outbox.path',
        file,
        'an SQLite file the bridge can create and write',
        (error as Error).message,
      );
    }
  };
  try {
    return { outbox: open(), setAside: null, events };
  } catch (error) {
    // A damaged card must not stop the bus: keep the file for a person to look at, start anew.
    const setAside = `${file}.unreadable-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, setAside + suffix);
    }
    logger.error(
      { file, movedTo: setAside, err: error },
      'outbox file unreadable: moved aside, a new outbox started',
    );
    return { outbox: open(), setAside, events };
  }
}

export async function startCentralDelivery(
  options: CentralDeliveryOptions,
): Promise<CentralDelivery> {
  const { config, factory, version, now, onHealth, opened } = options;
  const logger = options.logger.child({ component: 'central' });
  const { busId, central } = config;
  const password = await readSecret('central.passwordFile', central.passwordFile);
  const ca = central.caFile === null ? null : await readCa(central.caFile);
  const counts = { events_refused: 0, ingest_waits: 0 };
  let lastRefusal: number | null = null;
  let uplink: Uplink | null = null;
  const { outbox, setAside } = opened;
  opened.events.committed = () => uplink?.notify();
  opened.events.fault = (fault) => {
    logger.info({ outbox: fault ?? 'ok' }, 'outbox health');
    onHealth();
  };

  /** Says that the outbox refused a message; `waits`: it stays on the on-board broker. */
  const refused = (message: CentralMessage, error: unknown, waits: boolean) => {
    const code = error instanceof OutboxError ? error.code : 'outbox_error';
    if (code === 'closed') return;
    const where = { stream: message.stream, id: message.id, code, err: error };
    if (STREAM_SPECS[message.stream].delivery !== 'event') {
      logger.debug(where, 'outbox refused telemetry');
      return;
    }
    const first = lastRefusal === null || now() - lastRefusal >= FULL_FOR_MS;
    lastRefusal = now();
    counts.events_refused += 1;
    if (first) onHealth();
    logger.error(
      where,
      waits
        ? 'outbox refused an event: it waits on the on-board broker, tried again in 5 s'
        : 'outbox refused an event: not sent to central',
    );
  };

  const classOf = (stream: Stream) =>
    STREAM_SPECS[stream].delivery === 'event' ? ('event' as const) : ('telemetry' as const);
  const entry = (message: CentralMessage) => ({ ...message, class: classOf(message.stream) });

  let stopped = false;
  const waits = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
  const pause = () =>
    new Promise<void>((resolve, reject) => {
      const wait = {
        timer: setTimeout(() => {
          waits.delete(wait);
          resolve();
        }, options.ingestRetryMs ?? 5000),
        reject,
      };
      waits.add(wait);
    });

  const statusPayload = (online: boolean) =>
    JSON.stringify(
      factory.create('status', {
        service: 'uplink',
        state: online ? 'online' : 'offline',
        version,
        startedAt: null,
        health: { outbox: outboxHealth() },
        metrics: prefixed('outbox', outbox.stats()),
        alarms: [],
      }),
    );
  const outboxHealth = (): OutboxHealth => {
    if (outbox.fault !== null) return outbox.fault;
    return lastRefusal !== null && now() - lastRefusal < FULL_FOR_MS ? 'full' : 'ok';
  };

  let statusTimer: NodeJS.Timeout | undefined;
  if (central.url !== null) {
    const username = central.username ?? busId;
    const running = new Uplink({
      url: central.url,
      ca,
      username,
      password,
      clientId: `${username}-uplink`,
      keepaliveS: central.keepaliveS,
      source: outbox,
      status: { topic: statusTopic(busId, 'uplink'), payload: statusPayload },
      ...(options.onDownlink
        ? { downlink: { topics: [topicFor('plan', busId)], onMessage: options.onDownlink } }
        : {}),
      logger: options.logger.child({ component: 'uplink' }),
      now,
      onState: (state) => {
        logger.info({ uplink: state }, 'uplink state');
        onHealth();
      },
    });
    uplink = running;
    running.start();
    statusTimer = setInterval(() => {
      running.publishStatus().catch((error: unknown) => {
        logger.warn({ err: error }, 'cannot publish the status at central');
      });
    }, STATUS_MS);
    statusTimer.unref();
  } else {
    logger.warn('central.url is not set: messages for central stay in the outbox');
  }

  return {
    send(message) {
      outbox.add(entry(message)).catch((error: unknown) => {
        refused(message, error, false);
      });
    },
    async commit(message) {
      try {
        await outbox.add(entry(message), { prompt: true });
      } catch (error) {
        refused(message, error, false);
        throw error;
      }
    },
    async ingest(message) {
      for (;;) {
        if (stopped) throw new OutboxError('closed', 'the delivery stopped');
        try {
          await outbox.add(entry(message), { prompt: true });
          return;
        } catch (error) {
          if (error instanceof OutboxError && error.code === 'closed') throw error;
          refused(message, error, true);
          counts.ingest_waits += 1;
          // Not acknowledged: the on-board broker keeps it; the outbox is asked again later.
          await pause();
        }
      }
    },
    health: () => ({ outbox: outboxHealth(), uplink: uplink?.state ?? 'disabled' }),
    alarms() {
      const outboxNow = outboxHealth();
      const uplinkNow = uplink?.state ?? 'disabled';
      return [
        ...(outboxNow === 'ok' ? [] : [`outbox_${outboxNow}`]),
        ...(setAside === null ? [] : ['outbox_set_aside']),
        ...(uplinkNow === 'auth_failed' || uplinkNow === 'tls_error'
          ? [`uplink_${uplinkNow}`]
          : []),
      ];
    },
    metrics: () => ({
      ...prefixed('outbox', outbox.stats()),
      ...prefixed('uplink', uplink?.stats() ?? {}),
      ...prefixed('central', counts),
    }),
    async stop() {
      stopped = true;
      clearInterval(statusTimer);
      for (const wait of waits) {
        clearTimeout(wait.timer);
        wait.reject(new OutboxError('closed', 'the delivery stopped'));
      }
      waits.clear();
      await uplink?.stop();
      outbox.close();
    },
  };
}

/** SQLite's verdict on a file that is not a database, or a damaged one. */
function unreadable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

function prefixed(prefix: string, numbers: Readonly<Record<string, number>>) {
  return Object.fromEntries(Object.entries(numbers).map(([k, v]) => [`${prefix}_${k}`, v]));
}

async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw fileProblem('central.caFile', file, 'a readable PEM file', (error as Error).message);
  }
}
