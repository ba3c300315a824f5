import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from './errors.js';
import { loadCentralConfig, loadConfig } from './load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-config-'));
let files = 0;

function configFile(yaml: string): string {
  const file = path.join(dir, `bus-${++files}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

/** The problem lines a config produces (fails the test if it loads). */
function problems(options: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('loadConfig', () => {
  it('fills every default from a file that only names the bus', () => {
    const config = loadConfig({ file: configFile('busId: bfs-87-012\n') });
    expect(config.busId).toBe('bfs-87-012');
    expect(config.gnss).toMatchObject({ source: 'gpsd', gpsd: { host: '127.0.0.1', port: 2947 } });
    expect(config.broker).toMatchObject({
      tcpPort: 1883,
      wsPort: 8083,
      wsPath: '/mqtt',
      allowAnonymous: false,
    });
    expect(config.kiosk).toMatchObject({
      languages: ['fr', 'en', 'ar'],
      idleTimeoutS: 60,
      countdownS: 20,
    });
    expect(config.outbox).toMatchObject({ commitWindowMs: 200, telemetryCapMB: 200 });
  });

  it('loads the committed example and the simulation config', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    expect(loadConfig({ file: path.join(root, 'config/bus.example.yaml') }).busId).toBe(
      'bfs-87-012',
    );
    expect(loadConfig({ file: path.join(root, 'config/simulation.yaml') }).gnss.source).toBe(
      'simulator',
    );
  });

  it('resolves relative paths from the config file, and the outbox from dataDir', () => {
    const file = configFile(
      'busId: b1\ndataDir: ./data\ncentral:\n  caFile: certs/ca.pem\ndriver:\n  passwordFile: driver.password\n',
    );
    const config = loadConfig({ file });
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.outbox.path).toBe(path.join(dir, 'data', 'outbox.sqlite'));
    expect(config.central.caFile).toBe(path.join(dir, 'certs', 'ca.pem'));
    expect(config.driver.passwordFile).toBe(path.join(dir, 'driver.password'));
  });

  it('names file, key path, expectation and found value for a wrong type', () => {
    const file = configFile('busId: b1\ngnss:\n  gpsd:\n    port: twenty\n');
    expect(problems({ file })).toEqual([
      `${file}: gnss.gpsd.port: expected a number, found "twenty"`,
    ]);
  });

  it('reports every problem at once, one line each', () => {
    const file = configFile(
      [
        'busId: b1',
        'broker:',
        '  tcpPort: 70000',
        '  anonymousRole: visitor',
        'kiosk:',
        '  countdownS: 5',
        '  languages: [fr, de]',
      ].join('\n'),
    );
    expect(problems({ file })).toEqual([
      `${file}: broker.tcpPort: expected a value <= 65535, found 70000`,
      `${file}: broker.anonymousRole: expected one of "bridge", "kiosk", "driver", "monitor", found "visitor"`,
      `${file}: kiosk.languages.1: expected one of "fr", "en", "ar", found "de"`,
      `${file}: kiosk.countdownS: expected a value >= 20, found 5`,
    ]);
  });

  it('refuses an unknown key and lists the known ones', () => {
    const file = configFile('busId: b1\ngnss:\n  gpds:\n    port: 2947\n');
    expect(problems({ file })).toEqual([
      `${file}: gnss.gpds: expected a known key (source, gpsd, serial, replay, simulator, watchdogS, noDeviceAlarmS, filter, thinning), found an unknown key`,
    ]);
  });

  it('requires the bus id and refuses one that cannot go in a topic', () => {
    expect(problems({ file: configFile('log:\n  level: debug\n') })[0]).toMatch(
      /: busId: expected text, found nothing/,
    );
    expect(problems({ file: configFile('busId: "bus/12"\n') })[0]).toMatch(
      /: busId: expected an id of .*, found "bus\/12"/,
    );
  });

  it('checks rules across keys', () => {
    const file = configFile('busId: b1\nbroker:\n  tcpPort: 8083\ngnss:\n  source: replay\n');
    expect(problems({ file })).toEqual([
      `${file}: gnss.replay.file: expected a file to replay when gnss.source is replay, found null`,
      `${file}: broker.wsPort: expected a port other than broker.tcpPort, found 8083`,
    ]);
    const real = configFile('busId: b1\ngnss:\n  simulator:\n    speed: 10\n');
    expect(problems({ file: real })).toEqual([
      `${real}: gnss.simulator.speed: expected speed 1 and no startAt unless gnss.source is simulator (a real bus runs on real time), found 10`,
    ]);
  });

  it('refuses a repeated broker username and an outbox hard cap below the telemetry cap', () => {
    const hash = 'scrypt$16$8$1$c2FsdA==$aGFzaA==';
    const file = configFile(
      [
        'busId: b1',
        'broker:',
        '  users:',
        `    - { username: kiosk, role: kiosk, passwordHash: "${hash}" }`,
        `    - { username: kiosk, role: driver, passwordHash: "${hash}" }`,
        'outbox:',
        '  hardCapMB: 100',
      ].join('\n'),
    );
    expect(problems({ file })).toEqual([
      `${file}: outbox.hardCapMB: expected a size of at least outbox.telemetryCapMB (200), found 100`,
      `${file}: broker.users.1.username: expected a username not used by an account above, found "kiosk"`,
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = configFile('busId: b1\nbroker:\n  tcpPort: [1883\n');
    expect(problems({ file })[0]).toMatch(
      new RegExp(`^${file}:\\d+:\\d+: \\(yaml\\): expected valid YAML, found `),
    );
  });

  it('refuses duplicate keys, a file that is not a mapping, and a missing file', () => {
    expect(problems({ file: configFile('busId: b1\nbusId: b2\n') })[0]).toMatch(
      /expected valid YAML, found .*[Uu]nique/,
    );
    expect(problems({ file: configFile('- busId\n') })[0]).toMatch(
      /\(top\): expected a mapping of keys, found a list of 1/,
    );
    expect(problems({ file: path.join(dir, 'missing.yaml') })).toEqual([
      `${path.join(dir, 'missing.yaml')}: (file): expected a readable YAML file, found ENOENT`,
    ]);
  });

  it('lets FSBUS_* variables override single keys, parsed as YAML', () => {
    const file = configFile('busId: b1\nbroker:\n  tcpPort: 1883\n');
    const config = loadConfig({
      file,
      env: {
        FSBUS_BROKER__TCP_PORT: '11883',
        FSBUS_BROKER__ALLOW_ANONYMOUS: 'true',
        FSBUS_KIOSK__LANGUAGES: '[ar, fr]',
        FSBUS_BUS_ID: '007',
        FSBUS_CENTRAL__URL: 'null',
        HOME: '/root',
      },
    });
    expect(config.broker.tcpPort).toBe(11883);
    expect(config.broker.allowAnonymous).toBe(true);
    expect(config.kiosk.languages).toEqual(['ar', 'fr']);
    expect(config.busId).toBe('007');
    expect(config.central.url).toBeNull();
  });

  it('blames the variable, not the file, for a bad override, and refuses unknown FSBUS_ variables', () => {
    const file = configFile('busId: b1\n');
    expect(
      problems({ file, env: { FSBUS_BROKER__TCP_PORT: 'abc', FSBUS_BROKER_PORT: '1' } }),
    ).toEqual([
      'env FSBUS_BROKER_PORT: (env): expected FSBUS_CONFIG or a variable naming a config key, e.g. FSBUS_BROKER__TCP_PORT, found an unknown variable',
      'env FSBUS_BROKER__TCP_PORT: broker.tcpPort: expected a number, found "abc"',
    ]);
  });

  it('builds a config from defaults and the environment alone', () => {
    const config = loadConfig({ env: { FSBUS_BUS_ID: 'b2', FSBUS_DATA_DIR: 'var' }, cwd: dir });
    expect(config.busId).toBe('b2');
    expect(config.dataDir).toBe(path.join(dir, 'var'));
    expect(problems({ env: {} })).toEqual([
      'defaults: busId: expected text, found nothing (the key is missing)',
    ]);
  });

  it('validates broker accounts and local partners', () => {
    const file = configFile(
      [
        'busId: b1',
        'broker:',
        '  users:',
        '    - { username: kiosk, role: kiosk, passwordHash: "scrypt$16$8$1$c2FsdA==$aGFzaA==" }',
        '    - { username: kiosk, role: kiosk, passwordHash: hunter2 }',
        'kiosk:',
        '  localPartners:',
        '    - { code: renov, operator: ADIL, label: { fr: Rénover, en: Renovate }, icon: house, theme: housing }',
        '    - { code: local-adil, operator: ADIL, label: { fr: Logement, en: Housing, ar: سكن }, icon: hammer, theme: null }',
      ].join('\n'),
    );
    expect(problems({ file })).toEqual([
      `${file}: broker.users.1.passwordHash: expected a password hash "scrypt$N$r$p$salt$hash" as printed by \`fsbus-config hash-password\`, found "hunter2"`,
      `${file}: kiosk.localPartners.0.code: expected a code "local-" followed by 1-32 lowercase letters, digits or "-", found "renov"`,
      `${file}: kiosk.localPartners.0.label.ar: expected text, found nothing (the key is missing)`,
      `${file}: kiosk.localPartners.0.theme: expected one of "training_jobs_pensions", "justice", "health", "budget", "civil_status_family", "housing_mobility_mail", found "housing"`,
      // Only a pictogram the kiosk bundles: never a blank square on screen.
      expect.stringMatching(
        new RegExp(
          `^${file}: kiosk\\.localPartners\\.1\\.icon: expected one of "accessibility", .*"house", .*, found "hammer"$`,
        ),
      ),
    ]);
  });
});

describe('loadCentralConfig: the recorder’s storage', () => {
  const central = (yaml: string) =>
    configFile(`dataDir: ./central\nhttp:\n  plain: true\nmqtt:\n  tcpPort: 1883\n${yaml}`);
  const refused = (yaml: string): string[] => {
    try {
      loadCentralConfig({ file: central(yaml) });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map(formatProblem);
      throw error;
    }
    throw new Error('expected the config to be refused');
  };

  it('is SQLite by default, and PostgreSQL with a URL and a password file beside the config', () => {
    expect(loadCentralConfig({ file: central('') }).recorder).toMatchObject({
      storage: 'sqlite',
      path: path.join(dir, 'central', 'central.sqlite'),
    });
    const config = loadCentralConfig({
      file: central(
        'recorder:\n  storage: postgres\n  postgres:\n    url: postgres://fsbus@db.internal:5432/fsbus\n    passwordFile: secrets/pg.password\n',
      ),
    });
    expect(config.recorder.postgres).toEqual({
      url: 'postgres://fsbus@db.internal:5432/fsbus',
      passwordFile: path.join(dir, 'secrets', 'pg.password'),
      poolSize: 10,
    });
  });

  it('asks PostgreSQL for its URL, and refuses a password in it', () => {
    expect(refused('recorder:\n  storage: postgres\n')).toEqual([
      expect.stringMatching(/recorder\.postgres\.url.*the database URL, for storage postgres/),
    ]);
    expect(
      refused(
        'recorder:\n  storage: postgres\n  postgres:\n    url: postgres://fsbus:secret@db/fsbus\n',
      ),
    ).toEqual([expect.stringMatching(/recorder\.postgres\.url.*without a password/)]);
  });

  it('takes a cluster only on PostgreSQL, with its Redis password file beside the config', () => {
    expect(refused('cluster:\n  redisUrl: redis://127.0.0.1:6379/0\n')).toEqual([
      expect.stringMatching(/recorder\.storage.*postgres in a cluster/),
    ]);
    const config = loadCentralConfig({
      file: central(
        'recorder:\n  storage: postgres\n  postgres:\n    url: postgres://fsbus@db/fsbus\ncluster:\n  redisUrl: redis://redis.internal:6379/0\n  redisPasswordFile: redis.password\n',
      ),
    });
    expect(config.cluster).toEqual({
      redisUrl: 'redis://redis.internal:6379/0',
      redisPasswordFile: path.join(dir, 'redis.password'),
    });
  });
});
