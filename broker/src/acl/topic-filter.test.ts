import { describe, expect, it } from 'vitest';
import { coversFilter, matchesTopic } from './topic-filter.js';

describe('matchesTopic', () => {
  it.each([
    ['fsbus/v1/b1/gnss', 'fsbus/v1/b1/gnss', true],
    ['fsbus/v1/b1/#', 'fsbus/v1/b1/status/bridge', true],
    ['fsbus/v1/b1/#', 'fsbus/v1/b1', true], // "#" also matches the parent level [MQTT-4.7.1-2]
    ['fsbus/v1/+/gnss', 'fsbus/v1/b2/gnss', true],
    ['fsbus/v1/b1/status/+', 'fsbus/v1/b1/status/kiosk-1', true],
    ['fsbus/v1/b1/status/+', 'fsbus/v1/b1/status', false],
    ['fsbus/v1/b1/gnss', 'fsbus/v1/b1/gnss/extra', false],
    ['fsbus/v1/b1/+', 'fsbus/v1/b1/cmd/queue', false],
    ['#', '$SYS/broker/uptime', false], // [MQTT-4.7.2-1]
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(matchesTopic(filter, topic)).toBe(expected);
  });
});

describe('coversFilter', () => {
  it.each([
    ['fsbus/v1/b1/#', 'fsbus/v1/b1/#', true],
    ['fsbus/v1/b1/#', 'fsbus/v1/b1/status/+', true],
    ['fsbus/v1/b1/#', 'fsbus/v1/+/gnss', false],
    ['fsbus/v1/b1/status/+', 'fsbus/v1/b1/status/bridge', true],
    ['fsbus/v1/b1/status/+', 'fsbus/v1/b1/status/#', false],
    ['fsbus/v1/b1/plan', 'fsbus/v1/b1/#', false],
    ['fsbus/v1/b1/plan', 'fsbus/v1/b1/+', false],
    ['fsbus/v1/b1/plan', 'fsbus/v1/b1/plan', true],
    ['fsbus/v1/+/plan', 'fsbus/v1/b1/plan', true],
    ['#', '$SYS/#', false],
    ['$SYS/#', '$SYS/broker/+', true],
    ['fsbus/v1/b1/#', 'fsbus/v1/b1', true],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(coversFilter(outer, inner)).toBe(expected);
  });
});
