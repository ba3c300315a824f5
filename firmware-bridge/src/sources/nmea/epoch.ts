// Merges typed NMEA sentences into one Fix per receiver epoch (the sentences sharing a UTC time).
import type { Fix, FixMode } from '../../domain/fix.js';
import type { CalendarDate, ModeIndicator, NmeaSentence } from './sentence.js';

const DAY_MS = 86_400_000;
/** Times of day closer than this are one epoch (receivers print 2 or 3 decimals). */
const SAME_TIME_MS = 10;
/** An ending sentence must close this many epochs in a row before fixes are emitted on it. */
const ENDER_CONFIRMATIONS = 2;

/** Mode indicators of a position the receiver stands by (E: dead reckoning still counts). */
const FIX_MODES: ReadonlySet<ModeIndicator> = new Set(['A', 'D', 'E', 'F', 'P', 'R']);

/**
 * GGA qualities 1-6 are fixes; 0 is none, 7 (manual input) and 8 (simulator) are not measured.
 * The satellite count is not checked: several receivers send 00 (or a per-constellation count)
 * with a valid fix.
 */
function isGgaFix(quality: number | null): boolean {
  return quality !== null && quality >= 1 && quality <= 6;
}

function modeSaysFix(mode: ModeIndicator | null): boolean {
  return mode === null || FIX_MODES.has(mode);
}

/** Whether a sentence says the receiver has a fix (null: it does not say, or not on its own time). */
function saysFix(s: NmeaSentence): boolean | null {
  switch (s.type) {
    case 'RMC':
    case 'GLL':
      return s.valid && modeSaysFix(s.mode);
    case 'GGA':
      return isGgaFix(s.quality);
    case 'GNS':
      return s.modes.some((m) => FIX_MODES.has(m));
    case 'ZDA':
    case 'VTG':
    case 'GSA':
    case 'GSV':
      return null;
  }
}

/** The epoch being assembled. */
class Draft {
  /** UTC time of day, ms since midnight; null until a timed sentence arrives. */
  time: number | null = null;
  /** Date given in this epoch by RMC or ZDA. */
  date: CalendarDate | null = null;
  /** True once a sentence with fix data (not only GSV or ZDA) joined. */
  hasFixData = false;
  positionValid = false;
  saidNoFix = false;
  lat: number | null = null;
  lon: number | null = null;
  alt: number | null = null;
  speed: number | null = null;
  track: number | null = null;
  hdop: number | null = null;
  vdop: number | null = null;
  pdop: number | null = null;
  gsaFixType: number | null = null;
  satellitesUsed: number | null = null;
  gsaUsed = 0;
  /** Satellites in view per talker and signal (one GSV set each). */
  inView = new Map<string, number>();
  /** Occurrences of each sentence key, to tell the first GNGSA of a cycle from the second. */
  keyCounts = new Map<string, number>();
  lastKey: string | null = null;
}

/** Identifies a sentence's place in the receiver's cycle (see learning of the ending sentence). */
function baseKey(s: NmeaSentence): string {
  switch (s.type) {
    case 'GSV':
      return `${s.talker}GSV:${String(s.signalId ?? '')}${s.part === s.total ? '' : ':partial'}`;
    case 'GSA':
      return `${s.talker}GSA:${String(s.systemId ?? '')}`;
    case 'RMC':
    case 'GGA':
    case 'GNS':
    case 'VTG':
    case 'GLL':
    case 'ZDA':
      return `${s.talker}${s.type}`;
  }
}

/** True for the sentence types that carry a time of day (even when the field is empty). */
function hasTime(s: NmeaSentence): boolean {
  return (
    s.type === 'RMC' || s.type === 'GGA' || s.type === 'GNS' || s.type === 'GLL' || s.type === 'ZDA'
  );
}

function sentenceTime(s: NmeaSentence): number | null {
  switch (s.type) {
    case 'RMC':
    case 'GGA':
    case 'GNS':
    case 'GLL':
    case 'ZDA':
      return s.time;
    case 'VTG':
    case 'GSA':
    case 'GSV':
      return null;
  }
}

/**
 * Assembles fixes from sentences. An epoch is emitted when a sentence with another time of day
 * arrives, or at once when the sentence that ended the previous epochs arrives (learnt as gpsd
 * does, so a fix is not held back a cycle). Dates come from RMC or ZDA exactly as the receiver
 * gives them; epochs before any date have `time: null`.
 */
export class EpochAssembler {
  private draft = new Draft();
  /** UTC ms of the start of the last date seen, and the time it applied to. */
  private dayStart: number | null = null;
  private dayRef = 0;
  /** The last date given and the UTC ms of its start (computed once per date). */
  private date: CalendarDate | null = null;
  private dateStart = 0;
  private enderCandidate: string | null = null;
  private enderCount = 0;
  /**
   * Time of the epoch emitted on its ending sentence, to recognise its late parts; undefined
   * once the next cycle has begun (null: the emitted epoch had no time).
   */
  private emittedTime: number | null | undefined = undefined;

  /** Merges one sentence; returns the fixes it completed (usually none or one). */
  push(sentence: NmeaSentence): Fix[] {
    const out: Fix[] = [];
    const time = sentenceTime(sentence);
    const base = baseKey(sentence);
    if (this.emittedTime !== undefined && this.isLate(sentence, time, this.emittedTime)) {
      return out;
    }
    if (this.belongsElsewhere(sentence, time)) this.close(out);
    const untimed = this.draft.time === null || time === null;
    if (untimed && hasTime(sentence) && this.draft.keyCounts.has(base)) {
      // Without a time to compare (receivers with no fix send $GPRMC,,V,...), a sentence
      // coming round again starts the next cycle.
      this.learnEnder(this.draft.lastKey);
      this.close(out);
    }
    if (time !== null) {
      if (this.draft.time !== null && !this.isSame(time, this.draft.time)) {
        this.learnEnder(this.draft.lastKey);
        this.close(out);
      }
      this.draft.time ??= time;
    }
    const key = this.merge(sentence, base);
    if (this.enderCount >= ENDER_CONFIRMATIONS && key === this.enderCandidate) {
      const emittedTime = this.draft.time;
      this.close(out);
      this.emittedTime = emittedTime;
    }
    return out;
  }

  /**
   * After an epoch was emitted on its ending sentence, that epoch stays the current one until a
   * sentence with another time (or a timed type without time) arrives: sentences without a time
   * and sentences with its time are late parts of it, and dropped. A late GSV still gives its
   * count of satellites in view to the next epoch (it changes slowly); a late VTG, or a late
   * sentence with the emitted time, shows that the learnt ending sentence is not the last of the
   * cycle: it is learnt again. (GSA or GSV sent every few cycles only are late without that.)
   */
  private isLate(sentence: NmeaSentence, time: number | null, emittedTime: number | null): boolean {
    const sameTime = time !== null && this.isSame(time, emittedTime);
    if (hasTime(sentence) && !sameTime) {
      this.emittedTime = undefined; // the next cycle has begun
      return false;
    }
    if (sameTime || sentence.type === 'VTG') {
      this.enderCandidate = null;
      this.enderCount = 0;
    }
    return sentence.type !== 'GSV';
  }

  /**
   * A fix status counts for its own epoch only. A receiver without a fix sends its timed
   * sentences with an empty time (`$GPGLL,,,,,,V,N`); when the stream is opened mid-cycle, or the
   * fix comes or goes, such a sentence of one cycle and a sentence of the next have no times to
   * compare, and merging them made the first fix after acquisition read as none. So a sentence
   * with a time that says fix does not join a draft that has no time and said no fix, and a
   * sentence without a time that says no fix does not join a draft that holds a position.
   */
  private belongsElsewhere(sentence: NmeaSentence, time: number | null): boolean {
    const draft = this.draft;
    if (!hasTime(sentence) || !draft.hasFixData) return false;
    const fix = saysFix(sentence);
    if (time !== null) return fix === true && draft.time === null && draft.saidNoFix;
    return fix === false && draft.positionValid;
  }

  /** Emits the epoch in progress (end of stream, or the receiver fell silent). */
  flush(): Fix[] {
    const out: Fix[] = [];
    this.close(out);
    return out;
  }

  private isSame(a: number, b: number | null): boolean {
    return b !== null && Math.abs(a - b) < SAME_TIME_MS;
  }

  private learnEnder(lastKey: string | null): void {
    if (lastKey === null) return;
    if (lastKey === this.enderCandidate) this.enderCount++;
    else {
      this.enderCandidate = lastKey;
      this.enderCount = 1;
    }
  }

  private close(out: Fix[]): void {
    const draft = this.draft;
    this.draft = new Draft();
    this.emittedTime = undefined;
    // A part of an epoch with neither a position nor a word of no fix (its GSA and ZDA, when
    // the stream opened after its RMC and GGA) says nothing of the fix: it is no fix of its own.
    if (draft.hasFixData && (draft.positionValid || draft.saidNoFix)) out.push(this.toFix(draft));
    else if (draft.time !== null && draft.date !== null) this.resolveTime(draft);
  }

  /** Merges the sentence into the draft; returns its key in the cycle. */
  private merge(s: NmeaSentence, base: string): string {
    const d = this.draft;
    const n = (d.keyCounts.get(base) ?? 0) + 1;
    d.keyCounts.set(base, n);
    const key = `${base}#${String(n)}`;
    d.lastKey = key;
    switch (s.type) {
      case 'RMC': {
        d.hasFixData = true;
        if (s.date !== null && s.time !== null) d.date = s.date;
        const valid = s.valid && modeSaysFix(s.mode);
        if (!valid) d.saidNoFix = true;
        else {
          this.position(s.lat, s.lon);
          if (s.speed !== null) d.speed = s.speed;
          if (s.track !== null) d.track = s.track;
        }
        break;
      }
      case 'GGA': {
        d.hasFixData = true;
        if (!isGgaFix(s.quality)) d.saidNoFix = true;
        else {
          this.position(s.lat, s.lon);
          if (s.alt !== null) d.alt = s.alt;
          if (s.satellitesUsed !== null) d.satellitesUsed = s.satellitesUsed;
          if (s.hdop !== null) d.hdop = s.hdop;
        }
        break;
      }
      case 'GNS': {
        d.hasFixData = true;
        // One mode per constellation: a fix in any of them is a fix.
        if (!s.modes.some((m) => FIX_MODES.has(m))) d.saidNoFix = true;
        else {
          this.position(s.lat, s.lon);
          if (s.alt !== null) d.alt = s.alt;
          if (s.satellitesUsed !== null) d.satellitesUsed = s.satellitesUsed;
          if (s.hdop !== null) d.hdop = s.hdop;
        }
        break;
      }
      case 'GLL': {
        d.hasFixData = true;
        if (!s.valid || !modeSaysFix(s.mode)) d.saidNoFix = true;
        else this.position(s.lat, s.lon);
        break;
      }
      case 'VTG': {
        d.hasFixData = true;
        if (!modeSaysFix(s.mode)) d.saidNoFix = true;
        else {
          if (s.speed !== null) d.speed = s.speed;
          if (s.track !== null) d.track = s.track;
        }
        break;
      }
      case 'GSA': {
        d.hasFixData = true;
        if (s.fixType === 1) d.saidNoFix = true;
        else if (s.fixType !== null) d.gsaFixType = Math.max(d.gsaFixType ?? 0, s.fixType);
        d.gsaUsed += s.satellites.length;
        if (s.pdop !== null) d.pdop = s.pdop;
        if (s.hdop !== null) d.hdop ??= s.hdop;
        if (s.vdop !== null) d.vdop = s.vdop;
        break;
      }
      case 'ZDA':
        if (s.date !== null && s.time !== null) d.date = s.date;
        break;
      case 'GSV':
        if (s.inView !== null) d.inView.set(`${s.talker}:${String(s.signalId ?? '')}`, s.inView);
        break;
    }
    return key;
  }

  private position(lat: number | null, lon: number | null): void {
    if (lat === null || lon === null) return;
    this.draft.positionValid = true;
    this.draft.lat = lat;
    this.draft.lon = lon;
  }

  /** UTC ms of the draft's time of day, on its own date or on the last date seen. */
  private resolveTime(d: Draft): number | null {
    if (d.time === null) return null;
    if (d.date !== null) {
      const last = this.date;
      if (last?.day !== d.date.day || last.month !== d.date.month || last.year !== d.date.year) {
        this.date = d.date;
        // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
        this.dateStart = new Date(0).setUTCFullYear(d.date.year, d.date.month - 1, d.date.day);
      }
      this.dayStart = this.dateStart;
      const time = this.dayStart + d.time;
      this.dayRef = time;
      return time;
    }
    if (this.dayStart === null) return null;
    let time = this.dayStart + d.time;
    // GGA, GNS and GLL carry no date: past midnight, the last date is a day behind.
    if (time < this.dayRef - DAY_MS / 2) time += DAY_MS;
    else if (time > this.dayRef + DAY_MS / 2) time -= DAY_MS;
    this.dayStart = Math.floor(time / DAY_MS) * DAY_MS;
    this.dayRef = time;
    return time;
  }

  private toFix(d: Draft): Fix {
    const time = this.resolveTime(d);
    const satellitesVisible = d.inView.size === 0 ? null : this.sumInView(d.inView);
    const satellitesUsed = d.satellitesUsed ?? (d.gsaUsed > 0 ? d.gsaUsed : null);
    const hasFix = d.positionValid && !d.saidNoFix;
    let mode: FixMode = 'none';
    if (hasFix && d.gsaFixType !== null) mode = d.gsaFixType === 3 ? '3d' : '2d';
    else if (hasFix) mode = d.alt !== null && (satellitesUsed ?? 4) >= 4 ? '3d' : '2d';
    // One object literal for every fix: the same shape, and no position without a fix.
    return {
      time,
      mode,
      lat: hasFix ? d.lat : null,
      lon: hasFix ? d.lon : null,
      alt: mode === '3d' ? d.alt : null,
      speed: hasFix ? d.speed : null,
      track: hasFix ? d.track : null,
      hdop: d.hdop,
      vdop: d.vdop,
      pdop: d.pdop,
      eph: null,
      satellitesUsed,
      satellitesVisible,
    };
  }

  /** Sum over talkers of the largest count any of its signals reported (L1 and L2 sets overlap). */
  private sumInView(inView: ReadonlyMap<string, number>): number {
    const perTalker = new Map<string, number>();
    for (const [key, count] of inView) {
      const talker = key.slice(0, key.indexOf(':'));
      perTalker.set(talker, Math.max(perTalker.get(talker) ?? 0, count));
    }
    let sum = 0;
    for (const count of perTalker.values()) sum += count;
    return sum;
  }
}
