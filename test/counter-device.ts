// A door counter speaking the fsbus line protocol on a pty, as its firmware would: totals and
// seq per door, people added by the test, and what the bridge can know of them.
import { formatCounterSentence } from '../firmware-bridge/src/sources/counter/line-protocol.js';
import type { PtyPair } from '../firmware-bridge/test/pty.js';

const NO_FLAGS = { blocked: false, tamper: false, lowSignal: false, poweredUp: false };

/** The counter at the door: its totals and seq, as the firmware keeps them. */
export class Device {
  seq = 0;
  inTotal = 0;
  outTotal = 0;
  poweredUp = true;
  /** People the device counted that the bridge can know of (not those before it joined). */
  truth = { in: 0, out: 0 };

  constructor(public pty: PtyPair) {}

  line(): string {
    const sentence = formatCounterSentence({
      type: 'reading',
      door: 1,
      seq: this.seq,
      inTotal: this.inTotal,
      outTotal: this.outTotal,
      flags: { ...NO_FLAGS, poweredUp: this.poweredUp },
    });
    this.seq = (this.seq + 1) % 65_536;
    return sentence;
  }

  send(extra = ''): void {
    this.pty.write(extra + this.line());
  }

  people(inCount: number, out: number): void {
    this.inTotal = (this.inTotal + inCount) % 65_536;
    this.outTotal = (this.outTotal + out) % 65_536;
    this.truth.in += inCount;
    this.truth.out += out;
  }

  /** The device restarts: seq and totals from 0, flagged powered up for its first lines. */
  powerUp(): void {
    this.seq = 0;
    this.inTotal = 0;
    this.outTotal = 0;
    this.poweredUp = true;
  }
}
