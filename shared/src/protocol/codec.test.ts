import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MESSAGE_BYTES, ProtocolError, decodeMessage, encodeMessage } from './codec.js';
import { EXAMPLES } from './examples.js';
import { statusTopic, topicFor } from '../topics.js';

const BUS = EXAMPLES.visit.busId;
const visitTopic = topicFor('visit', BUS);

function rejection(topic: string, payload: Uint8Array | string, maxBytes?: number): ProtocolError {
  try {
    decodeMessage(topic, payload, maxBytes === undefined ? {} : { maxBytes });
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('decodeMessage', () => {
  it('decodes a valid message from bytes, with its stream and bus', () => {
    const decoded = decodeMessage(visitTopic, Buffer.from(encodeMessage(EXAMPLES.visit)));
    expect(decoded).toEqual({ stream: 'visit', busId: BUS, message: EXAMPLES.visit });
  });

  it('decodes a status message and its service', () => {
    const decoded = decodeMessage(statusTopic(BUS, 'bridge'), JSON.stringify(EXAMPLES.status));
    expect(decoded.service).toBe('bridge');
  });

  it('rejects a topic outside the tree and a bad id in it', () => {
    expect(rejection('fsbus/v1/bus/weather', '{}').code).toBe('bad_topic');
    expect(rejection('fsbus/v1/b$us/visit', '{}').code).toBe('bad_id');
  });

  it('rejects invalid JSON and invalid UTF-8, saying where', () => {
    const error = rejection(visitTopic, '{"v":1,');
    expect(error.code).toBe('bad_json');
    expect(error.message).toContain(visitTopic);
    expect(rejection(visitTopic, new Uint8Array([0x7b, 0xff, 0x7d])).code).toBe('bad_json');
  });

  it('rejects an oversized payload before parsing it', () => {
    const big = JSON.stringify({ ...EXAMPLES.visit, pad: 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES) });
    expect(rejection(visitTopic, big).code).toBe('too_large');
    expect(rejection(visitTopic, JSON.stringify(EXAMPLES.visit), 100).code).toBe('too_large');
  });

  it('rejects a schema violation and lists each problem with its path', () => {
    const error = rejection(
      visitTopic,
      JSON.stringify({ ...EXAMPLES.visit, turn: -1, partners: ['x'] }),
    );
    expect(error.code).toBe('schema');
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['turn', 'partners.0']),
    );
  });

  it('rejects a message whose busId differs from its topic', () => {
    expect(rejection(topicFor('visit', 'other-bus'), JSON.stringify(EXAMPLES.visit)).code).toBe(
      'bus_mismatch',
    );
  });

  it('rejects a status message whose service differs from its topic', () => {
    expect(rejection(statusTopic(BUS, 'kiosk-1'), JSON.stringify(EXAMPLES.status)).code).toBe(
      'service_mismatch',
    );
  });
});
