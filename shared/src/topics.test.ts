import { describe, expect, it } from 'vitest';
import {
  STREAMS,
  TopicError,
  parseTopic,
  statusTopic,
  topicFilter,
  topicFor,
  tryParseTopic,
} from './topics.js';

describe('topicFor / parseTopic', () => {
  it.each(STREAMS.filter((s) => s !== 'status'))('round-trips stream %s', (stream) => {
    const topic = topicFor(stream, 'bfs-87-012');
    expect(topic).toBe(`fsbus/v1/bfs-87-012/${stream}`);
    expect(parseTopic(topic)).toEqual({ busId: 'bfs-87-012', stream });
  });

  it('round-trips a status topic with its service', () => {
    const topic = statusTopic('bfs-87-012', 'kiosk-1');
    expect(topic).toBe('fsbus/v1/bfs-87-012/status/kiosk-1');
    expect(parseTopic(topic)).toEqual({
      busId: 'bfs-87-012',
      stream: 'status',
      service: 'kiosk-1',
    });
  });

  it.each([
    'bus/1',
    'bus+',
    '#',
    '+',
    'a#b',
    '',
    '$SYS',
    '-bus',
    'x'.repeat(65),
    'bus 1',
    'bus\u0000',
  ])('rejects the bus id %j', (busId) => {
    expect(() => topicFor('gnss', busId)).toThrow(TopicError);
    expect(() => topicFor('gnss', busId)).toThrow(/bus id/);
  });

  it.each(['kiosk/1', 'kiosk+', '#', 'Kiosk', '', '1kiosk'])(
    'rejects the service name %j',
    (service) => {
      expect(() => statusTopic('bfs-87-012', service)).toThrow(TopicError);
    },
  );

  it('needs a service for status and refuses one elsewhere', () => {
    expect(() => topicFor('status', 'bfs-87-012')).toThrow(/needs a service/);
    expect(() => topicFor('gnss', 'bfs-87-012', 'bridge')).toThrow(/takes no service/);
  });

  it.each([
    'fsbus/v1/bfs-87-012',
    'fsbus/v2/bfs-87-012/gnss',
    'other/v1/bfs-87-012/gnss',
    'fsbus/v1/bfs-87-012/weather',
    'fsbus/v1/bfs-87-012/status',
    'fsbus/v1/bfs-87-012/status/bridge/extra',
    'fsbus/v1/bfs-87-012/gnss/extra',
    'fsbus/v1/+/gnss',
    'fsbus/v1/bfs-87-012/#',
    'fsbus/v1/bfs-87-012/cmd',
    '$SYS/broker/uptime',
  ])('parseTopic rejects %s', (topic) => {
    expect(() => parseTopic(topic)).toThrow(TopicError);
    expect(tryParseTopic(topic)).toBeUndefined();
  });

  it('gives a stable error code', () => {
    expect(() => parseTopic('fsbus/v1/a+b/gnss')).toThrow(
      expect.objectContaining({ code: 'bad_id' }),
    );
    expect(() => parseTopic('fsbus/v1/bus/weather')).toThrow(
      expect.objectContaining({ code: 'bad_topic' }),
    );
  });
});

describe('topicFilter', () => {
  it('builds filters for one bus, the fleet and every status', () => {
    expect(topicFilter('#', 'bfs-87-012')).toBe('fsbus/v1/bfs-87-012/#');
    expect(topicFilter('gnss', '+')).toBe('fsbus/v1/+/gnss');
    expect(topicFilter('status', 'bfs-87-012')).toBe('fsbus/v1/bfs-87-012/status/+');
    expect(topicFilter('cmd/queue', 'bfs-87-012')).toBe('fsbus/v1/bfs-87-012/cmd/queue');
  });

  it('rejects a bus id with wildcards other than the whole-level +', () => {
    expect(() => topicFilter('gnss', 'bus+')).toThrow(TopicError);
    expect(() => topicFilter('gnss', '#')).toThrow(TopicError);
  });
});
