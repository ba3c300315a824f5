// Which accepted fixes go to central: the way fleet trackers thin a track, so a day offline does
// not queue 86,400 positions, while turns and stops still draw the route.
import { distanceM, headingChangeDeg } from './geo.js';

export interface ThinningOptions {
  /** A fix is sent at least this often, ms. */
  readonly intervalMs: number;
  /** ...or when the bus moved this far since the last one sent, m. */
  readonly distanceM: number;
  /** ...or when the heading turned this much since the last one sent, degrees. */
  readonly headingDeg: number;
}

/** Below this speed the track (course over ground) is noise, m/s. */
const MIN_SPEED_FOR_HEADING_MPS = 2;

export interface ThinnedPoint {
  readonly at: number;
  readonly lat: number;
  readonly lon: number;
  readonly speed: number | null;
  readonly track: number | null;
}

export type ThinningReason = 'first' | 'interval' | 'distance' | 'heading' | 'stop_state';

/** Decides, fix by fix, which ones central gets. Pure: times come with the points. */
export class Thinning {
  readonly #options: ThinningOptions;
  #sent: ThinnedPoint | null = null;

  constructor(options: ThinningOptions) {
    this.#options = options;
  }

  /**
   * Why this point goes to central, or null when it does not. `stopStateChanged` forces it: the
   * fix that goes with an arrival or a departure is always sent.
   */
  take(point: ThinnedPoint, stopStateChanged = false): ThinningReason | null {
    const reason = this.#reason(point, stopStateChanged);
    if (reason !== null) this.#sent = point;
    return reason;
  }

  #reason(point: ThinnedPoint, stopStateChanged: boolean): ThinningReason | null {
    const sent = this.#sent;
    if (sent === null) return 'first';
    if (stopStateChanged) return 'stop_state';
    if (point.at - sent.at >= this.#options.intervalMs) return 'interval';
    if (distanceM(sent, point) >= this.#options.distanceM) return 'distance';
    if (
      point.track !== null &&
      sent.track !== null &&
      Math.min(point.speed ?? 0, sent.speed ?? 0) >= MIN_SPEED_FOR_HEADING_MPS &&
      headingChangeDeg(point.track, sent.track) >= this.#options.headingDeg
    )
      return 'heading';
    return null;
  }
}
