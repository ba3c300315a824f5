// Door counter totals -> door events: wrap, device resets, duplicates, reordered lines and gaps,
// without ever counting a person twice or a negative one. Pure: readings carry their own times.

/** Totals and seq are 16-bit on the wire: they wrap from 65535 to 0. */
const MODULO = 65_536;

/** What the counter says about itself with each reading. */
export interface CounterFlags {
  /** A beam is interrupted now (someone standing in the door, or a bag left there). */
  readonly blocked: boolean;
  /** The housing was opened or the sensor covered. */
  readonly tamper: boolean;
  /** The sensor's signal is weak: counts may be missed. */
  readonly lowSignal: boolean;
  /** The device powered up recently: its totals count from 0 since then. */
  readonly poweredUp: boolean;
}

/** One counter reading of one door, with the time it was received (ms since 1970). */
export interface DoorReading {
  readonly at: number;
  readonly door: number;
  readonly seq: number;
  readonly inTotal: number;
  readonly outTotal: number;
  readonly flags: CounterFlags;
}

/** People through one door since its previous event; `in + out` is never 0. */
export interface DoorEvent {
  readonly at: number;
  readonly door: number;
  readonly in: number;
  readonly out: number;
  /** uncertain after a gap or reset, or when the counter flagged blocked, tamper or low signal. */
  readonly quality: 'ok' | 'uncertain';
}

export interface DoorCountsOptions {
  /** More people than this in one reading is not believed (a stray or corrupt line), per total. */
  readonly maxJump: number;
  /**
   * A reading up to this many seq behind the last one, totals not ahead, is a late line. Below
   * 10: a device sends at least 10 sentences (seq 0..9) flagged poweredUp, so the first lines
   * after a reset are never taken for late lines of a run that outlasted its power-up window.
   */
  readonly reorderWindow: number;
}

export const DEFAULT_DOOR_COUNTS_OPTIONS: DoorCountsOptions = Object.freeze({
  maxJump: 1000,
  reorderWindow: 8,
});

/** Readings that did not simply add people, by reason; `readings` counts every reading taken. */
export interface DoorCountsStats {
  readonly readings: number;
  readonly events: number;
  /** Readings whose seq was not the next one: lines were lost (nobody with them). */
  readonly gaps: number;
  /** Device resets: people counted between the last reading and the reset are lost. */
  readonly resets: number;
  readonly duplicates: number;
  readonly out_of_order: number;
  /** Totals that jumped too far to be people: taken as a new baseline, nobody counted. */
  readonly implausible: number;
}

/** What the caller needs to tell `silent` and `blocked` for one door. */
export interface DoorHealth {
  readonly door: number;
  /** When the last reading of the door arrived (late and duplicate lines included). */
  readonly lastReadingAt: number;
  /** The time of the first reading of the current run of readings flagged blocked, or null. */
  readonly blockedSince: number | null;
  /** The flags of the latest reading in order. */
  readonly flags: CounterFlags;
}

/** One door's state as plain JSON. */
export interface DoorStateSnapshot extends DoorHealth {
  readonly seq: number;
  readonly inTotal: number;
  readonly outTotal: number;
}

/** Plain-JSON state of every door, enough for a restart not to count anyone again. */
export interface DoorCountsSnapshot {
  readonly doors: readonly DoorStateSnapshot[];
}

interface DoorState {
  seq: number;
  inTotal: number;
  outTotal: number;
  flags: CounterFlags;
  lastReadingAt: number;
  blockedSince: number | null;
}

/** How far `to` is ahead of `from` on the 16-bit circle, 0..65535. */
const ahead = (from: number, to: number) => (((to - from) % MODULO) + MODULO) % MODULO;

const disturbed = (f: CounterFlags) => f.blocked || f.tamper || f.lowSignal;

/**
 * Turns each door's cumulative totals into events, reading by reading:
 * - the first reading of a door is a baseline (nobody counted), unless it is flagged poweredUp:
 *   its totals are then the people counted since power-up, and are counted;
 * - the same seq and totals again is a duplicate; a seq up to reorderWindow behind the last one,
 *   with totals not ahead of it, is a late line: both ignored, the totals being cumulative;
 * - poweredUp appearing, or a total going down (further than maxJump, so not a wrap) with seq
 *   restarted, is a device reset: the new totals count from 0, uncertain; a total going down
 *   while seq runs on (1..reorderWindow ahead) is a glitch: a new baseline, nobody counted;
 * - otherwise the totals' increase modulo 65536 is counted, uncertain when seq skipped lines;
 *   an increase over maxJump is implausible: a new baseline, nobody counted.
 */
export class DoorCounts {
  readonly #o: DoorCountsOptions;
  readonly #doors = new Map<number, DoorState>();
  readonly #stats = {
    readings: 0,
    events: 0,
    gaps: 0,
    resets: 0,
    duplicates: 0,
    out_of_order: 0,
    implausible: 0,
  };

  constructor(options: Partial<DoorCountsOptions> = {}, snapshot?: DoorCountsSnapshot) {
    this.#o = { ...DEFAULT_DOOR_COUNTS_OPTIONS, ...options };
    const { maxJump, reorderWindow } = this.#o;
    if (!Number.isInteger(maxJump) || maxJump < 1 || maxJump >= MODULO / 2)
      throw new RangeError(`maxJump: ${String(maxJump)}`);
    if (!Number.isInteger(reorderWindow) || reorderWindow < 0 || reorderWindow >= MODULO / 2)
      throw new RangeError(`reorderWindow: ${String(reorderWindow)}`);
    for (const { door, flags, ...rest } of snapshot?.doors ?? [])
      this.#doors.set(door, { ...rest, flags: { ...flags } });
  }

  /** A snapshot of the counters. */
  get stats(): DoorCountsStats {
    return { ...this.#stats };
  }

  /** Takes one reading; returns the event it implies, or null when nobody came through. */
  take(r: DoorReading): DoorEvent | null {
    this.#stats.readings++;
    const last = this.#doors.get(r.door);
    if (!last) {
      this.#doors.set(r.door, this.#state(r, null));
      if (!r.flags.poweredUp) return null;
      // Lines sent since power-up were missed: nobody with them, but they could hide a reset.
      const gap = r.seq !== 0;
      if (gap) this.#stats.gaps++;
      return this.#fromZero(r, gap || disturbed(r.flags));
    }
    last.lastReadingAt = Math.max(last.lastReadingAt, r.at);
    const dIn = ahead(last.inTotal, r.inTotal);
    const dOut = ahead(last.outTotal, r.outTotal);
    if (r.seq === last.seq && dIn === 0 && dOut === 0) {
      this.#stats.duplicates++;
      return null;
    }
    const behind = ahead(r.seq, last.seq);
    const notAhead = (d: number) => d === 0 || d >= MODULO - this.#o.maxJump;
    if (behind >= 1 && behind <= this.#o.reorderWindow && notAhead(dIn) && notAhead(dOut)) {
      this.#stats.out_of_order++;
      return null;
    }
    const previous = { ...last };
    Object.assign(last, this.#state(r, last));
    const uncertain = disturbed(r.flags) || disturbed(previous.flags);
    if (r.flags.poweredUp && !previous.flags.poweredUp) return this.#reset(r);
    const wentDown = (d: number, now: number, before: number) =>
      d > this.#o.maxJump && now < before;
    const seqStep = ahead(previous.seq, r.seq);
    if (
      wentDown(dIn, r.inTotal, previous.inTotal) ||
      wentDown(dOut, r.outTotal, previous.outTotal)
    ) {
      // A reset restarts seq at 0; totals going back while seq runs on are a glitch, not people.
      if (seqStep < 1 || seqStep > this.#o.reorderWindow) return this.#reset(r);
      this.#stats.implausible++;
      return null;
    }
    if (dIn > this.#o.maxJump || dOut > this.#o.maxJump) {
      this.#stats.implausible++;
      return null;
    }
    const gap = seqStep !== 1;
    if (gap) this.#stats.gaps++;
    return this.#event(r, dIn, dOut, gap || uncertain);
  }

  /** For each door seen, what `silent` and `blocked` are decided from, by door number. */
  health(): DoorHealth[] {
    return [...this.#doors]
      .sort(([a], [b]) => a - b)
      .map(([door, s]) => ({
        door,
        lastReadingAt: s.lastReadingAt,
        blockedSince: s.blockedSince,
        flags: s.flags,
      }));
  }

  /** Every door's state as plain JSON, for a store; give it back to the constructor. */
  snapshot(): DoorCountsSnapshot {
    return {
      doors: [...this.#doors]
        .sort(([a], [b]) => a - b)
        .map(([door, s]) => ({ door, ...s, flags: { ...s.flags } })),
    };
  }

  #state(r: DoorReading, last: DoorState | null): DoorState {
    return {
      seq: r.seq,
      inTotal: r.inTotal,
      outTotal: r.outTotal,
      flags: { ...r.flags },
      lastReadingAt: Math.max(last?.lastReadingAt ?? r.at, r.at),
      blockedSince: r.flags.blocked ? (last?.blockedSince ?? r.at) : null,
    };
  }

  #reset(r: DoorReading): DoorEvent | null {
    this.#stats.resets++;
    return this.#fromZero(r, true);
  }

  /** The reading's totals as people counted since the device's power-up. */
  #fromZero(r: DoorReading, uncertain: boolean): DoorEvent | null {
    if (r.inTotal > this.#o.maxJump || r.outTotal > this.#o.maxJump) {
      // Not totals since a power-up (a counter that keeps them across resets?): a baseline.
      this.#stats.implausible++;
      return null;
    }
    return this.#event(r, r.inTotal, r.outTotal, uncertain);
  }

  #event(r: DoorReading, people: number, out: number, uncertain: boolean): DoorEvent | null {
    if (people === 0 && out === 0) return null;
    this.#stats.events++;
    return { at: r.at, door: r.door, in: people, out, quality: uncertain ? 'uncertain' : 'ok' };
  }
}

/** Why a value is not a DoorCountsSnapshot (empty when it is), as `path: problem` lines. */
export function doorCountsSnapshotProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || !('doors' in value))
    return ['snapshot: expected an object { doors }'];
  if (!Array.isArray(value.doors)) return ['doors: expected an array'];
  const problems: string[] = [];
  const seen = new Set<unknown>();
  const isInt = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  for (const [i, d] of (value.doors as unknown[]).entries()) {
    const at = `doors.${String(i)}`;
    if (typeof d !== 'object' || d === null) {
      problems.push(`${at}: expected an object`);
      continue;
    }
    const s = d as Record<string, unknown>;
    if (!isInt(s.door, 1, 16)) problems.push(`${at}.door: expected an integer 1..16`);
    else if (seen.has(s.door)) problems.push(`${at}.door: door ${String(s.door)} twice`);
    seen.add(s.door);
    for (const key of ['seq', 'inTotal', 'outTotal'])
      if (!isInt(s[key], 0, MODULO - 1))
        problems.push(`${at}.${key}: expected an integer 0..65535`);
    if (!isInt(s.lastReadingAt, 0, Number.MAX_SAFE_INTEGER))
      problems.push(`${at}.lastReadingAt: expected a time in ms`);
    if (s.blockedSince !== null && !isInt(s.blockedSince, 0, Number.MAX_SAFE_INTEGER))
      problems.push(`${at}.blockedSince: expected a time in ms or null`);
    const flags = s.flags as Record<string, unknown> | null | undefined;
    for (const key of ['blocked', 'tamper', 'lowSignal', 'poweredUp'])
      if (typeof flags?.[key] !== 'boolean')
        problems.push(`${at}.flags.${key}: expected a boolean`);
  }
  return problems;
}
