// What every door counter source (line protocol on a serial port, Modbus RTU, simulator) gives
// the bridge: readings of per-door totals, and the link's state.
import type { DoorReading } from '../../domain/door-counts.js';

/** `no_device`: the port is gone or cannot be opened; `ok`: it is open (readings say the rest). */
export type CounterLinkState = 'ok' | 'silent' | 'fault' | 'no_device';

export interface CounterSourceEvents {
  readonly onReading: (reading: DoorReading) => void;
  readonly onState: (state: CounterLinkState) => void;
}

export interface CounterSource {
  start(): void;
  /** Releases the port, timers and anything else it holds. */
  stop(): Promise<void>;
  /** Counters for the status topic. */
  readonly stats: Readonly<Record<string, number>>;
}
