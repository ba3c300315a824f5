// A Modbus RTU counter on the far end of a pseudo-terminal, for the tests: the simulated
// counter's RTU slave answering from a register bank the test changes, and misbehaving on
// demand (silence, exceptions, a garbled CRC, line noise, answers split across writes).
import { SerialPort } from 'serialport';
import { ModbusRtuSlave, rtuFrame } from '../src/sources/counter/modbus-slave.js';
import { encodeTotal } from '../src/sources/counter/modbus-registers.js';

export type SlaveBehaviour = 'answer' | 'silent' | 'corrupt' | { readonly exception: number };

export class PtySlave {
  readonly requests: { address: number; length: number }[] = [];
  behaviour: SlaveBehaviour = 'answer';
  /** Bytes sent before each answer, as a noisy line or another talker would. */
  noise: Buffer | null = null;
  /** Sends each answer in two writes, a few ms apart. */
  split = false;
  /**
   * Delays answers, in this order: the first entry delays the next answer to its address by
   * `ms`; only then is the next entry armed.
   */
  late: { address: number; ms: number }[] = [];

  private constructor(
    private readonly port: SerialPort,
    private readonly slave: ModbusRtuSlave,
  ) {
    port.on('data', (chunk: Buffer) => {
      for (const exchange of slave.push(chunk)) this.#answer(exchange);
    });
  }

  /** Opens the feed end of a pty pair with a slave of `unitId` answering from `bank`. */
  static async open(
    feed: string,
    unitId: number,
    bank: Map<number, number>,
    baudRate: number,
  ): Promise<PtySlave> {
    const port = new SerialPort({ path: feed, baudRate, autoOpen: false });
    port.on('error', () => undefined); // the pty vanishing in an unplug test
    await new Promise<void>((resolve, reject) => {
      port.open((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
    return new PtySlave(port, new ModbusRtuSlave(unitId, bank));
  }

  #answer({ address, length, answer }: { address: number; length: number; answer: Buffer }) {
    this.requests.push({ address, length });
    const behaviour = this.behaviour;
    if (behaviour === 'silent') return;
    let bytes = answer;
    if (typeof behaviour === 'object') {
      bytes = rtuFrame([this.slave.unitId, 0x83, behaviour.exception]);
    } else if (behaviour === 'corrupt') {
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x5a, bytes.length - 1);
    }
    if (this.noise) bytes = Buffer.concat([this.noise, bytes]);
    const [delay, ...later] = this.late;
    if (delay?.address === address) {
      const { ms } = delay;
      this.late = later;
      const late = bytes;
      setTimeout(() => this.port.write(late), ms);
      return;
    }
    if (!this.split) {
      this.port.write(bytes);
      return;
    }
    this.port.write(bytes.subarray(0, 4));
    const rest = bytes.subarray(4);
    setTimeout(() => this.port.write(rest), 5);
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => {
      this.port.close(() => {
        resolve();
      });
    });
  }
}

/** Stores a total as a counter does: one register, or two in the given word order. */
export function setTotal(
  bank: Map<number, number>,
  address: number,
  value: number,
  words: 1 | 2 = 1,
  order: 'big' | 'little' = 'big',
): void {
  encodeTotal(value, words, order).forEach((word, i) => bank.set(address + i, word));
}
