// A day plan from the staff to the bus: `fsbus-central plan publish` with a planner account,
// the real bridge taking it from central, republishing it on board, and acknowledging it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, exampleBody, topicFor, type PlanMessage } from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge } from '../firmware-bridge/src/main.js';
import {
  BUS,
  PASSWORD,
  collect,
  login,
  startTestBroker,
  testConfig,
  until,
} from '../broker/test/harness.js';
import { runCentralCommand } from '../broker/src/central/cli.js';
import { centralSetup, secretOf, startCentralHere } from './central-harness.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Today's plan for the bus, in the shape staff write it: the plan's fields, no envelope. */
function planFile(dir: string, planId: string): string {
  const { planId: _p, ...rest } = exampleBody('plan');
  const file = path.join(dir, `${planId}.json`);
  writeFileSync(file, JSON.stringify({ ...rest, planId }, null, 2));
  return file;
}

async function busWithCentral(planFileOnBus: string | null = null) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-plan-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await centralSetup(path.join(dir, 'central-home'), [
    { username: BUS, role: 'bus' },
    { username: 'marie', role: 'staff' },
    { username: 'paul', role: 'planner' },
  ]);
  const central = await startCentralHere(setup);
  cleanups.push(() => central.stop());
  const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  cleanups.push(() => onboard.stop());
  for (const name of ['paul', 'marie', BUS]) {
    writeFileSync(path.join(dir, `${name}.password`), secretOf(name));
  }
  writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
  const config = testConfig(
    path.join(dir, 'bus'),
    {},
    {
      gnss: { source: 'simulator' },
      counter: { protocol: 'none' },
      stops: { planFile: planFileOnBus },
      bridge: { passwordFile: path.join(dir, 'bridge.password'), brokerUrl: onboard.url },
      central: {
        url: setup.url,
        caFile: setup.pki.caFile,
        passwordFile: path.join(dir, `${BUS}.password`),
      },
      outbox: { commitWindowMs: 50 },
    },
  );
  const logger = createLogger({
    service: 'bridge',
    level: 'fatal',
    destination: new PassThrough(),
  });
  const bridge = await startBridge({ config, logger, version: '0.1.0' });
  cleanups.push(() => bridge.stop());
  const publish = (file: string, user = 'paul', busId = BUS) => {
    const io = { lines: [] as string[] };
    const write = (text: string) => io.lines.push(text);
    return runCentralCommand(
      [
        'plan',
        'publish',
        busId,
        file,
        '--config',
        setup.configFile,
        '--user',
        user,
        '--password-file',
        path.join(dir, `${user}.password`),
        '--ca',
        setup.pki.caFile,
      ],
      { out: write, err: write },
    ).then((code) => ({ code, output: io.lines.join('') }));
  };
  const acks = () =>
    central.central.store.query<{ planId: string; outcome: string; reason: string | null }>(
      'SELECT plan_id AS "planId", outcome, reason FROM plan_acks ORDER BY seq',
    );
  return { dir, onboard, bridge, publish, acks };
}

describe('a day plan from central', () => {
  it('reaches the bus, is republished on board for the screens, and acknowledged once', async () => {
    const { dir, onboard, publish, acks } = await busWithCentral();
    const monitor = await login(onboard.url, 'monitor');
    cleanups.push(() => monitor.endAsync());
    const seen = collect(monitor);
    await monitor.subscribeAsync(topicFor('plan', BUS), { qos: 1 });

    const first = await publish(planFile(dir, `${BUS}-today-v1`));
    expect(first).toMatchObject({ code: 0 });
    await until(
      async () => (await acks()).length === 1,
      'the plan acknowledged at central',
      15_000,
    );
    expect(await acks()).toEqual([
      { planId: `${BUS}-today-v1`, outcome: 'accepted', reason: null },
    ]);
    await until(
      () => seen.some((m) => (JSON.parse(m.payload) as PlanMessage).planId === `${BUS}-today-v1`),
      'the plan on board',
    );

    // A new version replaces it; the held one is not acknowledged again.
    expect(await publish(planFile(dir, `${BUS}-today-v2`))).toMatchObject({ code: 0 });
    await until(async () => (await acks()).length === 2, 'the new version acknowledged', 15_000);
    expect((await acks()).map((ack) => ack.planId)).toEqual([`${BUS}-today-v1`, `${BUS}-today-v2`]);
  }, 60_000);

  it('is refused when the file is no plan, or the account is no planner', async () => {
    const { dir, publish } = await busWithCentral();
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ planId: 'x', date: 'tomorrow', stops: [] }));
    const invalid = await publish(broken);
    expect(invalid.code).toBe(65);
    expect(invalid.output).toMatch(/date: /);

    const staff = await publish(planFile(dir, `${BUS}-staff`), 'marie');
    expect(staff.code).toBe(65);
    expect(staff.output).toMatch(/planner/);

    const unknown = await publish(planFile(dir, 'bfs-99-999-plan'), 'paul', 'bfs-99-999');
    expect(unknown.code).toBe(65);
    expect(unknown.output).toMatch(/no bus account "bfs-99-999"/);
  }, 60_000);

  it('is acknowledged as ignored by a bus whose config loads a plan file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-plan-file-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    // The bus's own plan file is a whole plan message, as the bridge keeps it.
    const onBus = path.join(dir, 'plan.json');
    writeFileSync(onBus, JSON.stringify({ ...EXAMPLES.plan, busId: BUS, planId: `${BUS}-file` }));
    const { dir: busDir, publish, acks } = await busWithCentral(onBus);
    expect(await publish(planFile(busDir, `${BUS}-central`))).toMatchObject({ code: 0 });
    await until(async () => (await acks()).length === 1, 'the plan acknowledged', 15_000);
    expect(await acks()).toEqual([
      { planId: `${BUS}-central`, outcome: 'ignored', reason: 'plan_file' },
    ]);
  }, 60_000);
});
