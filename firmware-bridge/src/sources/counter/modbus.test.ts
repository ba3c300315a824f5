// How the Modbus counter source reads modbus-serial's errors. The pty test drives the source.
import { describe, expect, it } from 'vitest';
import { classifyModbusError } from './modbus.js';
import { exceptionKey } from './modbus-registers.js';

describe('classifyModbusError', () => {
  // Shaped as modbus-serial 8.0.25 makes them (index.js); the pty test meets the real ones.
  it('tells timeouts, exceptions, CRC errors, garbled frames and a closed port apart', () => {
    const timedOut = { name: 'TransactionTimedOutError', message: 'Timed out', errno: 'ETIMEDOUT' };
    const busy = Object.assign(new Error('Modbus exception 6: Slave device busy'), {
      modbusCode: 6,
    });
    const notOpen = { name: 'PortNotOpenError', message: 'Port Not Open', errno: 'ECONNREFUSED' };
    expect(classifyModbusError(timedOut)).toEqual({ kind: 'timeout' });
    expect(classifyModbusError(busy)).toEqual({ kind: 'exception', code: 6 });
    expect(classifyModbusError(new Error('CRC error'))).toEqual({ kind: 'crc' });
    expect(classifyModbusError(new Error('Data length error, expected 13 got 5'))).toMatchObject({
      kind: 'bad_frame',
    });
    expect(classifyModbusError(notOpen)).toEqual({ kind: 'port_closed', detail: 'Port Not Open' });
    expect(classifyModbusError('???')).toEqual({ kind: 'port_closed', detail: '???' });
  });

  it('names exception codes for the status counters', () => {
    expect(exceptionKey(2)).toBe('exception_illegal_address');
    expect(exceptionKey(6)).toBe('exception_busy');
    expect(exceptionKey(99)).toBe('exception_99');
  });
});
