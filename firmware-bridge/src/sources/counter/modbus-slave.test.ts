import { describe, expect, it } from 'vitest';
import { crc16, ModbusRtuSlave, rtuFrame } from './modbus-slave.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('crc16', () => {
  it('gives the CRC of the usual spec example, low byte first on the wire', () => {
    // Unit 1, read 10 holding registers from 0: 01 03 00 00 00 0A C5 CD.
    expect(hex(rtuFrame([1, 3, 0, 0, 0, 10]))).toBe('01030000000ac5cd');
    expect(crc16(Buffer.from('01030000000ac5cd', 'hex'))).toBe(0); // a frame with its CRC checks to 0
  });
});

describe('ModbusRtuSlave', () => {
  const request = (unit: number, fn: number, address: number, length: number) =>
    rtuFrame([unit, fn, address >> 8, address & 0xff, length >> 8, length & 0xff]);

  it('answers function 3 with the registers, big-endian, in a checked frame', () => {
    const slave = new ModbusRtuSlave(
      17,
      new Map([
        [300, 0x1234],
        [301, 7],
      ]),
    );
    const [exchange] = slave.push(request(17, 3, 300, 2));
    expect(exchange).toMatchObject({ function: 3, address: 300, length: 2 });
    expect(hex(exchange?.answer ?? Buffer.alloc(0))).toBe(
      hex(rtuFrame([17, 3, 4, 0x12, 0x34, 0x00, 0x07])),
    );
  });

  it('answers exceptions: unknown register, function other than 3, too many registers', () => {
    const slave = new ModbusRtuSlave(2, new Map([[0, 1]]));
    const answers = slave
      .push(Buffer.concat([request(2, 3, 0, 2), request(2, 4, 0, 1), request(2, 3, 0, 126)]))
      .map((e) => hex(e.answer));
    expect(answers).toEqual([
      hex(rtuFrame([2, 0x83, 2])),
      hex(rtuFrame([2, 0x84, 1])),
      hex(rtuFrame([2, 0x83, 3])),
    ]);
  });

  it('ignores noise, other units and bad CRCs, and takes a request split across chunks', () => {
    const slave = new ModbusRtuSlave(5, new Map([[9, 99]]));
    const bad = request(5, 3, 9, 1);
    bad.writeUInt8(bad.readUInt8(7) ^ 1, 7);
    expect(
      slave.push(Buffer.concat([Buffer.from([0, 0xff, 5]), request(6, 3, 9, 1), bad])),
    ).toEqual([]);
    const good = request(5, 3, 9, 1);
    expect(slave.push(good.subarray(0, 3))).toEqual([]);
    const [exchange] = slave.push(good.subarray(3));
    expect(hex(exchange?.answer ?? Buffer.alloc(0))).toBe(hex(rtuFrame([5, 3, 2, 0, 99])));
  });
});
