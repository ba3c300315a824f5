// The door counter side of the bridge: a counter source -> door counts -> door events and
// occupancy, kept in the outbox with the events they made, with the counter's health. Wired by
// main.ts, which gives it the stop the bus is at, its state and a way to publish.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BodyOf, Config } from '@fsbus/shared';
import { ConfigError, type Logger } from '@fsbus/shared/node';
import {
  DoorCounts,
  doorCountsSnapshotProblems,
  type DoorCountsSnapshot,
  type DoorReading,
} from './domain/door-counts.js';
import { Occupancy, type OccupancySnapshot, type ResetReason } from './domain/occupancy.js';
import type { CounterLinkState, CounterSource } from './sources/counter/counter-source.js';
import { LineCounterSource } from './sources/counter/line-serial.js';
import { LineCounterSimulator } from './sources/counter/line-simulator.js';
import { readJson } from './store/state-file.js';

/** `none`: no counter fitted (counter.protocol none). */
export type CounterHealth = 'ok' | 'silent' | 'blocked' | 'fault' | 'none';

export interface CounterPipelineOptions {
  readonly counter: Config['counter'];
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Simulated ms of `now` per real ms (a simulated clock's speed; default 1). */
  readonly clockSpeed?: number;
  /** The planned stop the bus stands at now, or null. */
  readonly stopId: () => string | null;
  /** Time zone of the service day (the plan's). */
  readonly timeZone: () => string;
  readonly publishDoor: (body: BodyOf<'door'>) => void;
  readonly publishOccupancy: (body: BodyOf<'occupancy'>) => void;
  /** The counter's health changed (the status should say so now). */
  readonly onHealth: (health: CounterHealth) => void;
  /**
   * Where the door counts and occupancy are kept: the outbox's state. A value staged in the same
   * tick as publishDoor and publishOccupancy is committed in their messages' transaction.
   */
  readonly state: {
    read(key: string): string | undefined;
    stage(key: string, value: string): void;
  };
}

export interface CounterPipeline {
  health(): CounterHealth;
  metrics(): Record<string, number>;
  /** The bus arrived at a planned stop or left it. */
  atStop(stopId: string | null): void;
  /** The bus is in its depot or not (entering it sets the people on board to 0). */
  inDepot(inside: boolean): void;
  /** People on board set to a known value (driver's command). */
  reset(onBoard: number, reason: ResetReason): void;
  /** Publishes the current occupancy (on connect). */
  publish(): void;
  stop(): Promise<void>;
}

interface StoredCounter {
  readonly doors: DoorCountsSnapshot;
  readonly occupancy: OccupancySnapshot;
}

const HEALTH_CHECK_MS = 1000;
/** The state's key in the outbox. */
const STATE_KEY = 'counter';
/** Where earlier versions kept it: read once if the outbox has none, then removed. */
const OLD_STATE_FILE = path.join('bridge', 'counter-state.json');

function isOccupancySnapshot(value: unknown): value is OccupancySnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const isCount = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  const inOut = (x: unknown) =>
    typeof x === 'object' &&
    x !== null &&
    isCount((x as Record<string, unknown>).in) &&
    isCount((x as Record<string, unknown>).out);
  return (
    isCount(v.onBoard) &&
    typeof v.date === 'string' &&
    inOut(v.today) &&
    (v.stop === null || inOut(v.stop))
  );
}

export async function startCounterPipeline(
  options: CounterPipelineOptions,
): Promise<CounterPipeline> {
  const { counter, logger, now } = options;
  const clockSpeed = options.clockSpeed ?? 1;
  const counts = new Map<string, number>();
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const oldFile = path.join(options.dataDir, OLD_STATE_FILE);

  // What was counted before a restart: nobody is counted twice, nobody on board forgotten.
  let stored: Partial<StoredCounter> = {};
  let migrated = false;
  try {
    const saved = options.state.read(STATE_KEY);
    let data = (saved === undefined ? undefined : JSON.parse(saved)) as
      Partial<StoredCounter> | undefined;
    if (data === undefined) {
      data = (await readJson(oldFile)) as Partial<StoredCounter> | undefined;
      migrated = data !== undefined;
    } else {
      // Moved into the outbox at an earlier start, and committed since.
      await rm(oldFile, { force: true });
    }
    if (data !== undefined) {
      const problems = doorCountsSnapshotProblems(data.doors);
      if (problems.length > 0 || !isOccupancySnapshot(data.occupancy)) {
        throw new Error(problems.join('; ') || 'occupancy: not a saved occupancy');
      }
      stored = data;
    }
  } catch (error) {
    count('store_errors');
    logger.error({ err: (error as Error).message }, 'saved door counts unusable: starting afresh');
  }
  const doorCounts = new DoorCounts({}, stored.doors);
  const occupancy = new Occupancy({ timeZone: options.timeZone, at: now() }, stored.occupancy);
  const save = () => {
    const value: StoredCounter = { doors: doorCounts.snapshot(), occupancy: occupancy.snapshot() };
    options.state.stage(STATE_KEY, JSON.stringify(value));
  };
  if (migrated) {
    save();
    logger.info({ file: oldFile }, 'door counts moved into the outbox');
  }
  const publishOccupancy = () => {
    options.publishOccupancy(occupancy.view(now()));
  };

  let link: CounterLinkState = 'no_device';
  const startedAt = now();
  const savedTotals = new Map<number, string>();
  const onReading = (reading: DoorReading) => {
    const event = doorCounts.take(reading);
    if (event) {
      const stopId = options.stopId();
      options.publishDoor({
        door: event.door,
        in: event.in,
        out: event.out,
        quality: event.quality,
        stopId,
      });
      occupancy.add(event, stopId);
      publishOccupancy();
    }
    // A heartbeat repeats the same totals every second: the SD card is written only when a
    // door's totals moved (people, or a new baseline after a reset).
    const totals = `${String(reading.inTotal)},${String(reading.outTotal)}`;
    if (savedTotals.get(reading.door) !== totals) {
      savedTotals.set(reading.door, totals);
      save();
    }
  };
  const onState = (state: CounterLinkState) => {
    if (state !== link) logger.info({ counter: state }, 'counter link state');
    link = state;
    checkHealth();
  };

  const source: CounterSource | null = await createCounterSource(counter, {
    onReading,
    onState,
    now,
    logger,
    atStop: () => options.stopId() !== null,
  });

  const health = (): CounterHealth => {
    if (source === null) return 'none';
    if (link === 'no_device' || link === 'fault') return 'fault';
    const doors = doorCounts.health();
    const at = now();
    const last = Math.max(startedAt, ...doors.map((d) => d.lastReadingAt));
    // A device's silence is judged in real time, also on a simulated clock.
    if (link === 'silent' || at - last >= counter.silentS * 1000 * clockSpeed) return 'silent';
    if (
      doors.some((d) => d.blockedSince !== null && at - d.blockedSince >= counter.blockedS * 1000)
    )
      return 'blocked';
    if (doors.some((d) => d.flags.tamper)) return 'fault';
    return 'ok';
  };
  let reported = health();
  const checkHealth = () => {
    const current = health();
    if (current === reported) return;
    reported = current;
    const level = current === 'ok' || current === 'none' ? 'info' : 'warn';
    logger[level]({ counter: current }, 'counter health');
    options.onHealth(current);
  };
  const healthTimer = setInterval(checkHealth, HEALTH_CHECK_MS);
  source?.start();

  return {
    health,
    metrics: () => ({
      ...Object.fromEntries(Object.entries(doorCounts.stats).map(([k, v]) => [`counter_${k}`, v])),
      ...Object.fromEntries(
        Object.entries(source?.stats ?? {}).map(([k, v]) => [`counter_link_${k}`, v]),
      ),
      ...Object.fromEntries([...counts].map(([k, v]) => [`counter_${k}`, v])),
      on_board: occupancy.view(now()).onBoard,
    }),
    atStop(stopId) {
      occupancy.atStop(stopId);
      save();
      publishOccupancy();
    },
    inDepot(inside) {
      if (!occupancy.inDepot(inside, now())) return;
      count('depot_resets');
      logger.info({ onBoard: 0, reason: 'depot' }, 'occupancy set');
      save();
      publishOccupancy();
    },
    reset(onBoard, reason) {
      occupancy.reset(onBoard, reason, now());
      logger.info({ onBoard, reason }, 'occupancy set');
      save();
      publishOccupancy();
    },
    publish: publishOccupancy,
    async stop() {
      clearInterval(healthTimer);
      await source?.stop();
      // Committed when the outbox closes.
      save();
    },
  };
}

async function createCounterSource(
  counter: Config['counter'],
  context: {
    onReading: (reading: DoorReading) => void;
    onState: (state: CounterLinkState) => void;
    now: () => number;
    logger: Logger;
    atStop: () => boolean;
  },
): Promise<CounterSource | null> {
  const { onReading, onState, now, logger } = context;
  switch (counter.protocol) {
    case 'none':
      return null;
    case 'fsbus-line':
      return new LineCounterSource({
        path: counter.path,
        baudRate: counter.baudRate,
        // A counter sends a heartbeat a second: a long silence means a dead port handle.
        watchdogMs: Math.max(30_000, counter.silentS * 1000),
        now,
        logger,
        onReading,
        onState,
      });
    case 'modbus-rtu': {
      // Loaded only on a bus with a Modbus counter: the library costs memory on the others.
      const { ModbusCounterSource } = await import('./sources/counter/modbus.js');
      return withRegisterMap(
        () =>
          new ModbusCounterSource({
            path: counter.path,
            baudRate: counter.baudRate,
            ...counter.modbus,
            now,
            logger,
            onReading,
            onState,
          }),
      );
    }
    case 'simulator': {
      if (counter.simulator.speaks === 'modbus-rtu') {
        const { ModbusCounterSimulator } = await import('./sources/counter/modbus-simulator.js');
        return withRegisterMap(
          () =>
            new ModbusCounterSimulator({
              modbus: counter.modbus,
              atStop: context.atStop,
              arrivalsPerSecond: counter.simulator.visitorsPerHour / 3600,
              now,
              logger,
              onReading,
              onState,
            }),
        );
      }
      return new LineCounterSimulator({
        doors: counter.simulator.doors,
        atStop: context.atStop,
        arrivalsPerSecond: counter.simulator.visitorsPerHour / 3600,
        now,
        onReading,
        onState,
      });
    }
  }
}

/** Builds a Modbus counter; a register map it cannot be read with (overlaps...) is a config error. */
function withRegisterMap(build: () => CounterSource): CounterSource {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ConfigError([
      {
        source: 'config',
        path: 'counter.modbus.doors',
        expected: 'a register map the counter can be read with',
        found: error.message,
      },
    ]);
  }
}
