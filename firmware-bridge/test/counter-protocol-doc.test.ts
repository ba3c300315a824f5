// The examples of docs/counter-protocol.md are what firmware authors copy: each must parse as
// it says, and the bridge must count them as the page says.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoorCounts } from '../src/domain/door-counts.js';
import {
  MAX_LINE_LENGTH,
  formatCounterSentence,
  parseCounterSentence,
  type CounterReading,
} from '../src/sources/counter/line-protocol.js';

const DOC = readFileSync(
  path.resolve(import.meta.dirname, '../../docs/counter-protocol.md'),
  'utf8',
);

/** The sentence lines of each fenced block of the page. */
const blocks = [...DOC.matchAll(/```\n([\s\S]*?)```/g)].map((m) =>
  (m[1] ?? '').split('\n').filter((line) => line.startsWith('$')),
);

function readings(lines: readonly string[]): CounterReading[] {
  return lines.flatMap((line) => {
    const s = parseCounterSentence(line);
    return s.type === 'reading' ? [s] : [];
  });
}

describe('docs/counter-protocol.md', () => {
  it('has example blocks', () => {
    expect(blocks).toHaveLength(4);
    expect(blocks.flat().length).toBeGreaterThanOrEqual(15);
  });

  it('gives examples that parse, as the encoder writes them, within the line length', () => {
    for (const line of blocks.flat()) {
      const sentence = parseCounterSentence(line);
      expect(sentence.type, line).not.toBe('rejected');
      if (sentence.type === 'rejected') continue;
      expect(formatCounterSentence(sentence)).toBe(`${line}\r\n`);
      expect(line.length + 2).toBeLessThanOrEqual(MAX_LINE_LENGTH);
    }
  });

  it('rejects the examples it says are dropped', () => {
    expect(DOC).toContain('`$FSDC,1,5003,43,38,00*06` (a wrong checksum)');
    expect(parseCounterSentence('$FSDC,1,5003,43,38,00*06')).toMatchObject({ code: 'checksum' });
    expect(DOC).toContain('`$FSDC,17,0,0,0,00*08` (door 17)');
    expect(parseCounterSentence('$FSDC,17,0,0,0,00*08')).toMatchObject({ code: 'malformed' });
  });

  it('counts the examples as the page says', () => {
    const at = (i: number) => i * 1000;
    const count = (lines: readonly string[], counts = new DoorCounts()) =>
      readings(lines).flatMap((r, i) => {
        const e = counts.take({ ...r, at: at(i) });
        return e ? [{ door: e.door, in: e.in, out: e.out, quality: e.quality }] : [];
      });
    const [powerUp = [], wrap = [], flags = [], reset = []] = blocks;
    // Someone comes in through door 1 after power-up; the bit is on until the 10 s line.
    expect(count(powerUp)).toEqual([{ door: 1, in: 1, out: 0, quality: 'ok' }]);
    expect(readings(powerUp).map((r) => r.flags.poweredUp)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    // Wrap (1 in), then two in and one out sharing a sentence.
    expect(count(wrap)).toEqual([
      { door: 1, in: 1, out: 0, quality: 'ok' },
      { door: 1, in: 2, out: 1, quality: 'ok' },
    ]);
    expect(readings(flags).map((r) => r.flags)).toEqual([
      { blocked: true, tamper: false, lowSignal: false, poweredUp: false },
      { blocked: false, tamper: true, lowSignal: true, poweredUp: false },
    ]);
    // Two lines lost: 3 in, uncertain; then a reset from 0.
    const counts = new DoorCounts();
    expect(count(reset, counts)).toEqual([{ door: 1, in: 3, out: 0, quality: 'uncertain' }]);
    expect(counts.stats).toMatchObject({ gaps: 1, resets: 1 });
  });
});
