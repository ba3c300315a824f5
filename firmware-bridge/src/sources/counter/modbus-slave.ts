// The Modbus RTU side of a door counter, written from the spec (Modbus over serial line 2.5.1,
// application protocol 6.3 and 7): holding registers read with function 3, exceptions for the
// rest. Bytes in, answers out, no I/O: the simulated counter wraps it in an in-memory line and
// tests put it on a pseudo-terminal.

/** CRC-16/MODBUS (Modbus over serial line 6.2.2): poly 0xA001 reflected, init 0xFFFF. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** An RTU frame: the bytes with their CRC appended, low byte first. */
export function rtuFrame(bytes: readonly number[]): Buffer {
  const body = Buffer.from(bytes);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body));
  return Buffer.concat([body, crc]);
}

/** One request the slave understood, and its answer frame. */
export interface SlaveExchange {
  readonly function: number;
  readonly address: number;
  readonly length: number;
  readonly answer: Buffer;
}

const READ_HOLDING_REGISTERS = 3;
/** Every request this slave takes is 8 bytes: unit, function, two words, CRC. */
const REQUEST_BYTES = 8;
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_ADDRESS = 2;
const ILLEGAL_VALUE = 3;

export class ModbusRtuSlave {
  readonly #unitId: number;
  #buffer = Buffer.alloc(0);

  /** `registers`: holding registers by address; one not there answers "illegal data address". */
  constructor(
    unitId: number,
    readonly registers = new Map<number, number>(),
  ) {
    this.#unitId = unitId;
  }

  get unitId(): number {
    return this.#unitId;
  }

  /**
   * Bytes from the line; the exchanges of every complete request for this unit in them. Bytes
   * that do not start a valid request for this unit (noise, another device's frames) are
   * skipped one at a time until one does, as a listening device resynchronises.
   */
  push(chunk: Uint8Array): SlaveExchange[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const exchanges: SlaveExchange[] = [];
    while (this.#buffer.length >= REQUEST_BYTES) {
      const request = this.#buffer.subarray(0, REQUEST_BYTES);
      if (
        request[0] !== this.#unitId ||
        crc16(request.subarray(0, REQUEST_BYTES - 2)) !== request.readUInt16LE(REQUEST_BYTES - 2)
      ) {
        this.#buffer = this.#buffer.subarray(1);
        continue;
      }
      this.#buffer = this.#buffer.subarray(REQUEST_BYTES);
      exchanges.push(this.#answer(request));
    }
    return exchanges;
  }

  #answer(request: Buffer): SlaveExchange {
    const fn = request.readUInt8(1);
    const address = request.readUInt16BE(2);
    const length = request.readUInt16BE(4);
    const exchange = (answer: Buffer) => ({ function: fn, address, length, answer });
    const exception = (code: number) => exchange(rtuFrame([this.#unitId, fn | 0x80, code]));
    if (fn !== READ_HOLDING_REGISTERS) return exception(ILLEGAL_FUNCTION);
    if (length < 1 || length > 125) return exception(ILLEGAL_VALUE);
    const values: number[] = [];
    for (let i = 0; i < length; i += 1) {
      const value = this.registers.get(address + i);
      if (value === undefined) return exception(ILLEGAL_ADDRESS);
      values.push(value >> 8, value & 0xff);
    }
    return exchange(rtuFrame([this.#unitId, fn, 2 * length, ...values]));
  }
}
