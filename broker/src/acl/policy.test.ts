import { describe, expect, it } from 'vitest';
import { AclRule, topicFor } from '@fsbus/shared';
import { AclPolicy } from './policy.js';

const BUS = 'b1';
const rules = (list: unknown[]) => list.map((rule) => AclRule.parse(rule));

describe('AclPolicy', () => {
  it('gives the kiosk only its own status topic besides visits and opinions', () => {
    const kiosk = new AclPolicy({ busId: BUS, rules: [] }).for({
      username: 'kiosk-1',
      role: 'kiosk',
    });
    expect(kiosk.canWrite('fsbus/v1/b1/status/kiosk-1').allowed).toBe(true);
    expect(kiosk.canWrite('fsbus/v1/b1/status/kiosk-2').allowed).toBe(false);
    expect(kiosk.canWrite(topicFor('visit', BUS)).allowed).toBe(true);
    expect(kiosk.canWrite(topicFor('visit', 'b2')).allowed).toBe(false);
  });

  it('gives an anonymous client no own status topic', () => {
    const anonymous = new AclPolicy({ busId: BUS, rules: [] }).for({
      username: null,
      role: 'driver',
    });
    // It reads the statuses (a driver does), and writes none.
    expect(
      anonymous.rules.some((rule) => rule.access !== 'read' && rule.filter.includes('/status/')),
    ).toBe(false);
  });

  it('adds config rules with {busId} and {username} replaced', () => {
    const policy = new AclPolicy({
      busId: BUS,
      rules: rules([
        { role: 'monitor', access: 'write', topic: 'fsbus/v1/{busId}/status/{username}' },
        { role: 'kiosk', access: 'readwrite', topic: 'local/{username}/#' },
      ]),
    });
    const monitor = policy.for({ username: 'node-red', role: 'monitor' });
    expect(monitor.canWrite('fsbus/v1/b1/status/node-red').allowed).toBe(true);
    const kiosk = policy.for({ username: 'kiosk-1', role: 'kiosk' });
    expect(kiosk.canSubscribe('local/kiosk-1/#').allowed).toBe(true);
    expect(kiosk.canSubscribe('local/#').allowed).toBe(false);
    // A {username} rule says nothing about anonymous clients.
    expect(
      policy.for({ username: null, role: 'monitor' }).canWrite('fsbus/v1/b1/status/').allowed,
    ).toBe(false);
  });

  it('lets a deny rule win over the defaults and over allow rules', () => {
    const policy = new AclPolicy({
      busId: BUS,
      rules: rules([
        { role: 'monitor', access: 'deny', topic: 'fsbus/v1/{busId}/opinion' },
        { role: 'driver', access: 'deny', topic: 'fsbus/v1/{busId}/cmd/#' },
      ]),
    });
    const monitor = policy.for({ username: 'monitor', role: 'monitor' });
    expect(monitor.canRead(topicFor('opinion', BUS))).toEqual({
      allowed: false,
      reason: 'denied by rule fsbus/v1/b1/opinion',
    });
    expect(monitor.canRead(topicFor('visit', BUS)).allowed).toBe(true);
    // The wide subscription is granted; the denied part is filtered at delivery.
    expect(monitor.canSubscribe('fsbus/v1/b1/#').allowed).toBe(true);
    expect(monitor.canSubscribe('fsbus/v1/b1/opinion').allowed).toBe(false);
    const driver = policy.for({ username: 'driver', role: 'driver' });
    expect(driver.canWrite(topicFor('cmd/queue', BUS)).allowed).toBe(false);
  });

  it('says why it refuses', () => {
    const monitor = new AclPolicy({ busId: BUS, rules: [] }).for({
      username: 'm',
      role: 'monitor',
    });
    expect(monitor.canWrite(topicFor('gnss', BUS))).toEqual({
      allowed: false,
      reason: 'role monitor may not write there',
    });
  });
});
