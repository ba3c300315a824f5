// Wrong staff PINs slow the next tries: after 5 wrong in a row, none is checked for 30 s
// (a 4-digit PIN cannot be walked through at the kiosk).
export class PinGate {
  readonly #maxWrong: number;
  readonly #lockMs: number;
  readonly #now: () => number;
  #wrong = 0;
  #lockedUntil = 0;

  constructor(options: { maxWrong?: number; lockMs?: number; now?: () => number } = {}) {
    this.#maxWrong = options.maxWrong ?? 5;
    this.#lockMs = options.lockMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** A PIN may be checked now. */
  open(): boolean {
    return this.#now() >= this.#lockedUntil;
  }

  record(ok: boolean): void {
    if (ok) {
      this.#wrong = 0;
      return;
    }
    this.#wrong += 1;
    if (this.#wrong >= this.#maxWrong) {
      this.#wrong = 0;
      this.#lockedUntil = this.#now() + this.#lockMs;
    }
  }
}
