// What every GNSS source (gpsd, NMEA serial, replay, simulator) gives the bridge: fixes, and the
// receiver's state as the bridge status reports it.
import type { Fix } from '../domain/fix.js';

/** `no_device`: no receiver (unplugged, gpsd gone, silent); else the latest fix's dimension. */
export type GnssState = 'no_device' | 'no_fix' | 'fix_2d' | 'fix_3d';

export interface PositionSourceEvents {
  readonly onFix: (fix: Fix) => void;
  readonly onState: (state: GnssState) => void;
}

export interface PositionSource {
  start(): void;
  /** Releases the device, sockets, timers and child processes. */
  stop(): Promise<void>;
  /** Counters for the status topic: reads, rejections by reason, reconnects. */
  readonly stats: Readonly<Record<string, number>>;
}

/** The state a fix puts the receiver in. */
export function stateOfFix(fix: Fix): GnssState {
  switch (fix.mode) {
    case 'none':
      return 'no_fix';
    case '2d':
      return 'fix_2d';
    case '3d':
      return 'fix_3d';
  }
}

/** Reconnect delays: x1.5 from `firstMs`, capped at `maxMs` (as Signal K does for serial). */
export class Backoff {
  readonly #firstMs: number;
  readonly #maxMs: number;
  #nextMs: number;

  constructor(firstMs = 1000, maxMs = 60_000) {
    this.#firstMs = firstMs;
    this.#maxMs = maxMs;
    this.#nextMs = firstMs;
  }

  /** The delay before the next attempt; each call lengthens the following one. */
  next(): number {
    const delay = this.#nextMs;
    this.#nextMs = Math.min(this.#maxMs, Math.round(this.#nextMs * 1.5));
    return delay;
  }

  reset(): void {
    this.#nextMs = this.#firstMs;
  }
}
