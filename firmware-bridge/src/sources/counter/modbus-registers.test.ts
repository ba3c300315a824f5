// The register map helpers: the read plan, register decoding and encoding, reset detection.
import { describe, expect, it } from 'vitest';
import {
  encodeTotal,
  MAX_READ_REGISTERS,
  planReads,
  registerTotal,
  steppedBack,
} from './modbus-registers.js';

describe('planReads', () => {
  it('reads a contiguous map in one request', () => {
    const doors = [
      { door: 1, inAddress: 10, outAddress: 11 },
      { door: 2, inAddress: 12, outAddress: 13 },
    ];
    expect(planReads(doors, 1)).toEqual([{ address: 10, length: 4 }]);
    // In any order, out before in included.
    expect(planReads([{ door: 1, inAddress: 3, outAddress: 2 }], 1)).toEqual([
      { address: 2, length: 2 },
    ]);
  });

  it('reads scattered doors with one request each, and never a register it does not need', () => {
    const doors = [
      { door: 1, inAddress: 0, outAddress: 2 },
      { door: 2, inAddress: 100, outAddress: 102 },
    ];
    expect(planReads(doors, 2)).toEqual([
      { address: 0, length: 4 },
      { address: 100, length: 4 },
    ]);
    // A hole between in and out is not read: the device may refuse it (illegal address).
    expect(planReads([{ door: 1, inAddress: 0, outAddress: 5 }], 1)).toEqual([
      { address: 0, length: 1 },
      { address: 5, length: 1 },
    ]);
  });

  it('splits a run longer than one request may read, never inside a 32-bit total', () => {
    // `count` doors, ins then outs, packed from register 0.
    const doors = (count: number, words: 1 | 2) =>
      Array.from({ length: count }, (_, i) => ({
        door: i + 1,
        inAddress: words * i,
        outAddress: words * (count + i),
      }));
    // 16-bit: registers 0..129 in 125 + 5.
    expect(planReads(doors(65, 1), 1).map((b) => b.length)).toEqual([125, 5]);
    // 32-bit: 64 totals, 128 registers: 62 totals (124 registers), then 2 more.
    const blocks = planReads(doors(32, 2), 2);
    expect(blocks).toEqual([
      { address: 0, length: 124 },
      { address: 124, length: 4 },
    ]);
    expect(blocks.every((b) => b.length <= MAX_READ_REGISTERS)).toBe(true);
  });

  it('refuses overlapping totals and addresses out of range, saying where', () => {
    expect(() => planReads([{ door: 1, inAddress: 0, outAddress: 1 }], 2)).toThrow(
      'door 1 out: register 1 is also door 1 in',
    );
    expect(() =>
      planReads(
        [
          { door: 1, inAddress: 0, outAddress: 1 },
          { door: 2, inAddress: 1, outAddress: 2 },
        ],
        1,
      ),
    ).toThrow('door 2 in: register 1 is also door 1 out');
    expect(() => planReads([{ door: 1, inAddress: 0, outAddress: 65_535 }], 2)).toThrow(
      'door 1 out: register 65536 is not in 0..65535',
    );
  });
});

describe('registerTotal', () => {
  const registers = new Map([
    [0, 0x0001],
    [1, 0x1170],
    [5, 42],
  ]);

  it('reads one register, or two in either word order', () => {
    expect(registerTotal(registers, 5, 1, 'big')).toBe(42);
    expect(registerTotal(registers, 0, 2, 'big')).toBe(0x0001_1170);
    expect(registerTotal(registers, 0, 2, 'little')).toBe(0x1170_0001);
  });

  it('is null for a register not read', () => {
    expect(registerTotal(registers, 7, 1, 'big')).toBeNull();
    expect(registerTotal(registers, 5, 2, 'big')).toBeNull();
  });
});

describe('encodeTotal', () => {
  it('stores a total as registerTotal reads it back, in each layout', () => {
    for (const words of [1, 2] as const) {
      for (const order of ['big', 'little'] as const) {
        for (const value of [0, 1, 65_535, 65_536, 70_000, 0xffff_ffff]) {
          const bank = new Map(encodeTotal(value, words, order).map((v, i) => [40 + i, v]));
          const expected = words === 1 ? value % 0x10000 : value;
          expect(registerTotal(bank, 40, words, order)).toBe(expected);
        }
      }
    }
    expect(encodeTotal(0x0001_1170, 2, 'big')).toEqual([0x0001, 0x1170]);
  });
});

describe('steppedBack', () => {
  it('takes a wrap for people and a fall for a reset', () => {
    expect(steppedBack(65_535, 0, 1)).toBe(false);
    expect(steppedBack(65_530, 4, 1)).toBe(false);
    expect(steppedBack(500, 0, 1)).toBe(true);
    expect(steppedBack(500, 499, 1)).toBe(true);
    expect(steppedBack(500, 500, 1)).toBe(false);
  });

  it('sees on 32-bit totals a reset the 16-bit view hides', () => {
    // 66,000 -> 600 reads as 464 -> 600 (136 people) once reduced mod 65536.
    expect(steppedBack(66_000 % 65_536, 600, 1)).toBe(false);
    expect(steppedBack(66_000, 600, 2)).toBe(true);
    expect(steppedBack(0xffff_ffff, 3, 2)).toBe(false);
    expect(steppedBack(70_000, 70_000 + 65_536, 2)).toBe(false);
  });
});
