// The register map of a Modbus door counter: which holding registers hold each door's totals,
// the fewest requests that read them, how a total is stored in one or two registers, and how a
// reset shows. Pure: shared by the Modbus source and the simulated counter.

/** Where one door's totals live: holding register addresses (0-based, as on the wire). */
export interface ModbusDoorMap {
  readonly door: number;
  readonly inAddress: number;
  readonly outAddress: number;
}

/** One Read Holding Registers request. */
export interface RegisterBlock {
  readonly address: number;
  readonly length: number;
}

/** Registers one function 3 request may read (Modbus application protocol 6.3). */
export const MAX_READ_REGISTERS = 125;

const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal_function',
  2: 'illegal_address',
  3: 'illegal_value',
  4: 'device_failure',
  5: 'acknowledge',
  6: 'busy',
  8: 'memory_parity',
  10: 'gateway_path',
  11: 'gateway_target',
};

/** Stats key of a Modbus exception code, e.g. `exception_busy`. */
export function exceptionKey(code: number): string {
  return `exception_${EXCEPTION_NAMES[code] ?? String(code)}`;
}

/**
 * The fewest requests that read every door's registers and nothing else: one per run of
 * contiguous totals (one in all when the map is contiguous), at most 125 registers each. A
 * 32-bit total is never split across two requests: read at two moments, its halves could
 * straddle a carry.
 */
export function planReads(
  doors: readonly ModbusDoorMap[],
  registerWords: 1 | 2,
): readonly RegisterBlock[] {
  const owner = new Map<number, string>();
  const starts: number[] = [];
  for (const { door, inAddress, outAddress } of doors) {
    for (const [field, start] of [
      ['in', inAddress],
      ['out', outAddress],
    ] as const) {
      starts.push(start);
      for (let k = 0; k < registerWords; k += 1) {
        const address = start + k;
        const where = `door ${door} ${field}`;
        if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
          throw new RangeError(`${where}: register ${address} is not in 0..65535`);
        }
        const other = owner.get(address);
        if (other !== undefined) {
          throw new RangeError(`${where}: register ${address} is also ${other}`);
        }
        owner.set(address, where);
      }
    }
  }
  const blocks: RegisterBlock[] = [];
  let block: RegisterBlock | null = null;
  for (const start of starts.sort((a, b) => a - b)) {
    if (
      block !== null &&
      start === block.address + block.length &&
      block.length + registerWords <= MAX_READ_REGISTERS
    ) {
      block = { address: block.address, length: block.length + registerWords };
    } else {
      if (block !== null) blocks.push(block);
      block = { address: start, length: registerWords };
    }
  }
  if (block !== null) blocks.push(block);
  return blocks;
}

/** The total held from `address` (one register, or two in the given word order); null if unread. */
export function registerTotal(
  registers: ReadonlyMap<number, number>,
  address: number,
  registerWords: 1 | 2,
  wordOrder: 'big' | 'little',
): number | null {
  const first = registers.get(address);
  if (first === undefined || registerWords === 1) return first ?? null;
  const second = registers.get(address + 1);
  if (second === undefined) return null;
  return wordOrder === 'big' ? first * 0x10000 + second : second * 0x10000 + first;
}

/**
 * Whether a total went backwards, which a counting device only does when reset: the step,
 * taken modulo the register range, is at least half of it (a wrap is a small forward step).
 * Assumes fewer than 32,768 people through a door between two answered polls. Modbus counters
 * have no power-up flag; on 32-bit totals only the full values tell a reset from people (66,000
 * -> 600 reads as 464 -> 600 once reduced), so the source raises `poweredUp` itself.
 */
export function steppedBack(previous: number, next: number, registerWords: 1 | 2): boolean {
  const range = registerWords === 1 ? 0x10000 : 0x100000000;
  const step = (((next - previous) % range) + range) % range;
  return step >= range / 2;
}

/** The registers a total is stored in from its address on: one, or two in the given word order. */
export function encodeTotal(
  value: number,
  registerWords: 1 | 2,
  wordOrder: 'big' | 'little',
): readonly number[] {
  const low = value & 0xffff;
  if (registerWords === 1) return [low];
  const high = Math.floor(value / 0x10000) & 0xffff;
  return wordOrder === 'big' ? [high, low] : [low, high];
}
