// The staff console's plans, in Chromium against a real fsbus-central and a real bridge: a
// planner loads a plan file, sees the schema's problems on their fields, publishes, and the
// bus's acknowledgement shows live; a staff account sees the plans but cannot publish; and a
// console session that ends takes the console back to its login.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXAMPLES,
  topicFor,
  type DayPlansResponse,
  type PlanMessage,
  exampleBody,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge } from '../firmware-bridge/src/main.js';
import {
  PASSWORD,
  collect,
  login,
  startTestBroker,
  testConfig,
  until,
} from '../broker/test/harness.js';
import { checkAccessible } from './accessibility.js';
import { secretOf } from './central-harness.js';
import { consoleCentral, logIn } from './console-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BUS = EXAMPLES.plan.busId;
const DATE = EXAMPLES.plan.date;

/** The real bridge of BUS, delivering to central, with its on-board broker. */
async function bridgeOf(central: Awaited<ReturnType<typeof consoleCentral>>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-console-bus-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  cleanups.push(() => onboard.stop());
  writeFileSync(path.join(dir, 'central.password'), secretOf(BUS));
  writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
  const config = testConfig(
    path.join(dir, 'bus'),
    {},
    {
      gnss: { source: 'simulator' },
      counter: { protocol: 'none' },
      bridge: { passwordFile: path.join(dir, 'bridge.password'), brokerUrl: onboard.url },
      central: {
        url: central.setup.url,
        caFile: central.setup.pki.caFile,
        passwordFile: path.join(dir, 'central.password'),
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
  const monitor = await login(onboard.url, 'monitor');
  cleanups.push(() => monitor.endAsync());
  const onBoard = collect(monitor);
  await monitor.subscribeAsync(topicFor('plan', BUS), { qos: 1 });
  return { dir, onBoard };
}

describe('the staff console’s plans', () => {
  it(
    'lets a planner publish a checked plan that the bus acknowledges; staff only look',
    { timeout: 120_000 },
    async () => {
      const central = await consoleCentral(cleanups, [BUS, 'bfs-87-013']);
      const { dir, onBoard } = await bridgeOf(central);
      const page = await central.page();

      // Staff: the plans, no publishing.
      await logIn(page, 'marie');
      await page.getByRole('link', { name: 'Plans' }).click();
      await page.getByText('seuls les comptes de planification les publient').waitFor();
      await page.getByRole('button', { name: `Voir le plan de ${BUS}` }).click();
      await page.getByRole('heading', { name: new RegExp(`^Plan de ${BUS} pour le `) }).waitFor();
      expect(await page.getByRole('button', { name: 'Publier le plan' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();

      // A planner: a plan file for the day, a mistake shown on its field, then published.
      await logIn(page, 'paul');
      await page.getByRole('link', { name: 'Plans' }).click();
      await page.getByRole('textbox', { name: 'Jour' }).fill(DATE);
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByRole('heading', { name: `Plans du ${DATE}` }).waitFor();
      await page.getByRole('button', { name: `Modifier le plan de ${BUS}` }).click();
      const fields = exampleBody('plan');
      // A file the schema refuses: said in the console's words, on the field it is about.
      const wrong = path.join(dir, 'wrong.json');
      writeFileSync(wrong, JSON.stringify({ ...fields, planId: 'plan de lundi' }));
      await page.getByLabel('Partir d’un fichier de plan (JSON)').setInputFiles(wrong);
      await page
        .getByRole('alert')
        .filter({
          hasText: 'Ce fichier n’a pas été repris, planId : De 1 à 64 lettres sans accent',
        })
        .waitFor();
      const file = path.join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify({ ...fields, planId: `${BUS}-console-v1` }));
      await page.getByLabel('Partir d’un fichier de plan (JSON)').setInputFiles(file);
      const firstStop = page.getByRole('group', { name: /^Arrêt 1 : / });
      await expect
        .poll(() => page.getByLabel('Identifiant du plan').inputValue())
        .toBe(`${BUS}-console-v1`);
      await firstStop.getByLabel('Départ').fill('08:00');
      await page.getByRole('button', { name: 'Publier le plan' }).click();
      await page.getByText('1 champ à corriger avant de publier.').waitFor();
      await firstStop.getByText('Le départ doit venir après l’arrivée.').waitFor();
      expect(await firstStop.getByLabel('Départ').getAttribute('aria-invalid')).toBe('true');
      await checkAccessible(page, 'console-plan-editor');
      // In Arabic, right to left: the same problem in the console's Arabic, still accessible.
      await page.getByRole('combobox', { name: 'Langue' }).selectOption('ar');
      await page.getByText('يجب أن تأتي المغادرة بعد الوصول.').waitFor();
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      await checkAccessible(page, 'console-plan-editor-ar');
      await page.getByRole('combobox', { name: 'اللغة' }).selectOption('fr');
      await firstStop.getByText('Le départ doit venir après l’arrivée.').waitFor();
      await firstStop.getByLabel('Départ').fill('12:00');
      await page.getByRole('button', { name: 'Publier le plan' }).click();
      await page.getByText(`Plan ${BUS}-console-v1 publié pour ${BUS}`).waitFor();

      // The bus holds it, republishes it on board and acknowledges it: the table says so live.
      const row = page.locator(`tr[data-bus="${BUS}"]`);
      await expect
        .poll(() => row.locator('td[data-ack]').getAttribute('data-ack'), { timeout: 30_000 })
        .toBe('accepted');
      await until(
        () =>
          onBoard.some(
            (m) => (JSON.parse(m.payload) as PlanMessage).planId === `${BUS}-console-v1`,
          ),
        'the plan on board',
      );
      const held = onBoard
        .map((m) => JSON.parse(m.payload) as PlanMessage)
        .find((plan) => plan.planId === `${BUS}-console-v1`);
      expect(held?.stops[0]?.departure).toBe('2026-11-23T12:00:00+01:00');
      // Central recorded it as central stamps a plan, from the planner's session.
      const recorded = await central.api<DayPlansResponse>(`/api/v1/plans?date=${DATE}`);
      const mine = recorded.buses.find((bus) => bus.busId === BUS);
      expect(mine?.plan).toMatchObject({ planId: `${BUS}-console-v1`, source: 'central' });
      expect(mine?.acknowledged?.outcome).toBe('accepted');
      expect(recorded.buses.find((bus) => bus.busId === 'bfs-87-013')?.plan).toBeNull();
      // The next change is the next version: the same id is refused before it leaves.
      const planId = page.getByLabel('Identifiant du plan');
      expect(await planId.inputValue()).toBe(`${BUS}-console-v2`);
      await planId.fill(`${BUS}-console-v1`);
      await page.getByRole('button', { name: 'Publier le plan' }).click();
      await page.getByText('Ce plan est déjà publié').waitFor();
      await checkAccessible(page, 'console-plans');
      expect(central.problems()).toEqual([]);
    },
  );

  it(
    'ends a session unused for the idle time: the live link closes and the login comes back',
    { timeout: 60_000 },
    async () => {
      const central = await consoleCentral(cleanups, [BUS], { http: { sessionIdleMin: 0.1 } });
      const page = await central.page();
      await logIn(page, 'marie');
      await page.getByText('En direct', { exact: true }).waitFor();
      // Six seconds unused: central closes the live link and refuses the token.
      await page.getByText('Liaison en direct coupée : reconnexion…').waitFor({ timeout: 20_000 });
      await page.getByRole('link', { name: 'Rapports' }).click();
      await page.getByText('Votre session a pris fin : reconnectez-vous.').waitFor();
      await logIn(page, 'marie');
      await page.getByRole('heading', { name: 'Rapports' }).waitFor();
    },
  );
});
