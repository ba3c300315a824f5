import { describe, expect, it } from 'vitest';
import { MessageFactory } from './message-factory.js';
import { ProtocolError } from './codec.js';
import { exampleBody } from './examples.js';

const body = { stopId: 'ambazac-mairie', rating: 3 } as const;

function fixedClock(): () => Date {
  let ms = Date.parse('2026-11-23T09:00:00.000Z');
  return () => new Date((ms += 1000));
}

describe('MessageFactory', () => {
  const visit = exampleBody('visit');

  it('stamps the envelope: version, bus, source, UUID v7 id, UTC time from the clock', () => {
    const factory = new MessageFactory({
      busId: 'bfs-87-012',
      source: 'kiosk-1',
      clock: fixedClock(),
    });
    const message = factory.create('visit', visit);
    expect(message).toMatchObject({
      v: 1,
      busId: 'bfs-87-012',
      source: 'kiosk-1',
      seq: 0,
      ts: '2026-11-23T09:00:01.000Z',
    });
    expect(message.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('stamps an opinion with a random v4 id and the time truncated to the hour', () => {
    const clock = () => new Date('2026-11-23T10:42:17.345Z');
    const factory = new MessageFactory({ busId: 'bfs-87-012', source: 'kiosk-1', clock });
    const message = factory.create('opinion', body);
    expect(message.ts).toBe('2026-11-23T10:00:00.000Z');
    expect(message.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('accepts the local partners it is told the bus declares, and no other', () => {
    const factory = new MessageFactory({
      busId: 'bfs-87-012',
      source: 'kiosk-1',
      localPartners: ['local-france-renov'],
    });
    expect(
      factory.create('visit', { ...visit, partners: ['local-france-renov'] }).partners,
    ).toEqual(['local-france-renov']);
    expect(() => factory.create('visit', { ...visit, partners: ['local-other'] })).toThrow(
      ProtocolError,
    );
  });

  it('counts seq per stream and never repeats an id', () => {
    const factory = new MessageFactory({ busId: 'bfs-87-012', source: 'kiosk-1' });
    const opinions = [0, 1, 2].map(() => factory.create('opinion', body));
    const firstVisit = factory.create('visit', visit);
    expect(opinions.map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(firstVisit.seq).toBe(0);
    expect(new Set([...opinions, firstVisit].map((m) => m.id)).size).toBe(4);
  });

  it('continues from the last seq of a previous run', () => {
    const factory = new MessageFactory({
      busId: 'bfs-87-012',
      source: 'kiosk-1',
      lastSeq: { opinion: 41 },
    });
    expect(factory.create('opinion', body).seq).toBe(42);
  });

  it('refuses an invalid body without consuming a seq', () => {
    const factory = new MessageFactory({ busId: 'bfs-87-012', source: 'kiosk-1' });
    expect(() => factory.create('opinion', { ...body, rating: 5 })).toThrow(ProtocolError);
    expect(factory.create('opinion', body).seq).toBe(0);
  });

  it('lets no body field override the envelope', () => {
    const factory = new MessageFactory({ busId: 'bfs-87-012', source: 'kiosk-1' });
    const sneaky = { ...body, busId: 'other-bus' } as typeof body;
    expect(factory.create('opinion', sneaky).busId).toBe('bfs-87-012');
  });

  it('refuses an invalid bus id or source at construction', () => {
    expect(() => new MessageFactory({ busId: 'bus/1', source: 'kiosk-1' })).toThrow(/bus id/);
    expect(() => new MessageFactory({ busId: 'bus-1', source: 'Kiosk 1' })).toThrow(/source/);
  });
});
