// The bus config: one file per bus, one schema, loaded by every service. Every key has a description and, where
// sensible, a default; config/bus.example.yaml is generated from this file.
import { z } from 'zod';
import { BusId } from '../ids.js';
import { OnBoardRole } from '../roles.js';
import { isTopicFilter } from '../topics.js';
import { LANGUAGE_CODES } from '../catalogue/languages.js';
import { LOCAL_PARTNERS_MAX, LocalPartner } from '../catalogue/partners.js';

import {
  FilePath,
  Host,
  ListenPort,
  Port,
  logSection,
  maxMessageBytes,
  rateLimitSection,
  section,
} from './fields.js';

const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

export const BrokerUser = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    error: 'a user name of letters, digits, "_", "-" or "."',
  }),
  role: OnBoardRole,
  passwordHash: z.string().regex(PASSWORD_HASH, {
    error: 'a password hash "scrypt$N$r$p$salt$hash" as printed by `fsbus-config hash-password`',
  }),
});
export type BrokerUser = z.infer<typeof BrokerUser>;

export const ACL_ACCESS = ['read', 'write', 'readwrite', 'deny'] as const;

export const AclRule = z.strictObject({
  role: OnBoardRole,
  access: z.enum(ACL_ACCESS),
  topic: z.string().max(256).refine(isTopicFilter, {
    error:
      'an MQTT topic filter ("+" and "#" as whole levels, "#" last), e.g. fsbus/v1/{busId}/status/+',
  }),
});
export type AclRule = z.infer<typeof AclRule>;

export const ConfigSchema = z
  .strictObject({
    busId: BusId.meta({ description: 'This bus’s id, as known to central.' }),
    dataDir: FilePath.default('/var/lib/fsbus').meta({
      description: 'Folder for the outbox, the saved plan and broker persistence.',
    }),
    log: logSection(),
    gnss: section(
      {
        source: z.enum(['gpsd', 'serial', 'replay', 'simulator']).default('gpsd').meta({
          description:
            'Where fixes come from: gpsd (TCP), serial (NMEA 0183 receiver), replay (an NMEA log), simulator (drives the day plan).',
        }),
        gpsd: section(
          {
            host: Host.default('127.0.0.1').meta({ description: 'gpsd host.' }),
            port: Port.default(2947).meta({ description: 'gpsd TCP port.' }),
          },
          'gpsd connection (source: gpsd).',
        ),
        serial: section(
          {
            path: FilePath.default('/dev/ttyACM0').meta({
              description:
                'Serial device of the receiver; prefer a stable /dev/serial/by-id/ path.',
            }),
            baudRate: z
              .literal([4800, 9600, 19200, 38400, 57600, 115200])
              .default(9600)
              .meta({ description: 'Baud rate tried first.' }),
            autoBaud: z.boolean().default(true).meta({
              description: 'Try 4800, 38400 and 115200 when no valid sentence arrives at baudRate.',
            }),
          },
          'NMEA receiver on a serial port (source: serial).',
        ),
        replay: section(
          {
            file: FilePath.nullable()
              .default(null)
              .meta({ description: 'NMEA log to replay (source: replay).' }),
            speed: z
              .number()
              .min(0.1)
              .max(1000)
              .default(1)
              .meta({ description: 'Replay speed factor.' }),
          },
          'Replay of an NMEA log (source: replay).',
        ),
        simulator: section(
          {
            rateHz: z.int().min(1).max(10).default(1).meta({
              description: 'Fixes per second the simulated receiver sends.',
            }),
            speed: z.number().min(1).max(600).default(1).meta({
              description:
                'Simulated time runs this many times faster than real time; the whole bridge follows it (stop tracker, fix filter, thinning, counter, outbox, queue).',
            }),
            startAt: z
              .string()
              .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day, HH:MM' })
              .nullable()
              .default(null)
              .meta({
                description:
                  'The simulated day starts at this time of day (Europe/Paris), today, then runs at `speed`; a restart goes on from where the last run was. null: the real time.',
              }),
          },
          'Route simulator (source: simulator): drives along the day plan and talks NMEA.',
        ),
        watchdogS: z.int().min(2).max(600).default(10).meta({
          description:
            'Seconds without any data before the receiver counts as gone (no_device) and is reopened.',
        }),
        noDeviceAlarmS: z.int().min(1).max(3600).default(60).meta({
          description:
            'Seconds without a receiver (no_device) before the status raises gnss_no_device; published at once then. A short re-plug raises nothing.',
        }),
        filter: section(
          {
            maxHdop: z.number().min(1).max(100).default(10).meta({
              description: 'Fixes with a horizontal dilution of precision above this are dropped.',
            }),
            maxSpeedMps: z.number().min(10).max(500).default(70).meta({
              description:
                'A fix implying a faster move from the previous accepted one is dropped (a jump), m/s.',
            }),
            maxReportedSpeedMps: z.number().min(10).max(500).default(40).meta({
              description:
                'A fix whose reported speed is above this is dropped: a bus does not go faster, so the sentence is wrong (speed and track swapped, say), m/s.',
            }),
            maxClockSkewS: z.int().min(1).max(86_400).default(300).meta({
              description:
                'Receiver time further than this from the system clock is not trusted (GPS week rollover), s.',
            }),
          },
          'Which fixes are dropped; every reason is counted on the bridge status.',
        ),
        thinning: section(
          {
            intervalS: z.int().min(1).max(3600).default(30).meta({
              description: 'A fix goes to central at least this often while fixes arrive, s.',
            }),
            distanceM: z.int().min(1).max(10_000).default(100).meta({
              description: '…or when the bus moved this far since the last one sent, m.',
            }),
            headingDeg: z.int().min(1).max(180).default(30).meta({
              description: '…or when its heading turned this much (while moving), degrees.',
            }),
          },
          'Which fixes go to central (every accepted fix goes to the bus); a stop state change also sends one.',
        ),
      },
      'GNSS receiver.',
    ),
    stops: section(
      {
        planFile: FilePath.nullable().default(null).meta({
          description:
            'A day plan (JSON) to load at start, for tests and trials; in service the plan comes from central.',
        }),
        radiusM: z.int().min(10).max(1000).default(80).meta({
          description: 'Arrival radius of a stop whose plan gives none, m.',
        }),
        arriveSpeedMps: z.number().min(0.1).max(10).default(2).meta({
          description: 'Arrived: inside the radius and slower than this…',
        }),
        arriveAfterS: z.int().min(1).max(600).default(20).meta({
          description: '…for this long, s.',
        }),
        departRadiusFactor: z.number().min(1).max(5).default(1.5).meta({
          description: 'Departed: beyond radius times this…',
        }),
        departSpeedMps: z.number().min(0.5).max(30).default(5).meta({
          description: '…or faster than this…',
        }),
        departAfterS: z.int().min(1).max(600).default(10).meta({
          description: '…for this long, s.',
        }),
        offPlanAfterS: z.int().min(30).max(3600).default(180).meta({
          description: 'A dwell this long away from every planned stop is an off-plan stop, s.',
        }),
      },
      'The stop tracker: arrival, departure and off-plan stops against the day plan.',
    ),
    bridge: section(
      {
        brokerUrl: z
          .string()
          .regex(/^(mqtts?|wss?):\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/, {
            error: 'an mqtt://, mqtts://, ws:// or wss:// URL',
          })
          .default('mqtt://127.0.0.1:1883')
          .meta({ description: 'The on-board broker, as the bridge reaches it.' }),
        username: z.string().min(1).max(64).default('bridge').meta({
          description: 'The bridge’s user name on the on-board broker (role bridge).',
        }),
        passwordFile: FilePath.nullable().default(null).meta({
          description:
            'File holding that password; null logs in without one (an anonymous broker, development).',
        }),
      },
      'The bridge’s own connection to the on-board broker.',
    ),
    counter: section(
      {
        protocol: z
          .enum(['fsbus-line', 'modbus-rtu', 'simulator', 'none'])
          .default('fsbus-line')
          .meta({
            description:
              'Door counter protocol: fsbus-line (the fsbus counter line protocol), modbus-rtu, simulator, or none (no counter fitted).',
          }),
        path: FilePath.default('/dev/ttyUSB0').meta({
          description: 'Serial device of the counter.',
        }),
        baudRate: z
          .int()
          .min(1200)
          .max(921_600)
          .default(9600)
          .meta({ description: 'Serial baud rate.' }),
        silentS: z.int().min(2).max(600).default(5).meta({
          description:
            'No reading for this long: the counter is silent (it sends one a second), s.',
        }),
        blockedS: z.int().min(5).max(3600).default(30).meta({
          description:
            'A beam blocked this long: the counter is blocked (someone or something in the door), s.',
        }),
        modbus: section(
          {
            unitId: z
              .int()
              .min(1)
              .max(247)
              .default(1)
              .meta({ description: 'Modbus unit id of the counter.' }),
            pollMs: z
              .int()
              .min(100)
              .max(60_000)
              .default(1000)
              .meta({ description: 'Poll interval, ms.' }),
            timeoutMs: z
              .int()
              .min(50)
              .max(10_000)
              .default(500)
              .meta({ description: 'Answer timeout, ms.' }),
            registerWords: z.literal([1, 2]).default(2).meta({
              description: 'Registers per total: 1 (16-bit) or 2 (32-bit).',
            }),
            wordOrder: z.enum(['big', 'little']).default('big').meta({
              description: 'For 32-bit totals: big = high word first.',
            }),
            doors: z
              .array(
                z.strictObject({
                  door: z.int().min(1).max(16),
                  inAddress: z.int().min(0).max(65_535),
                  outAddress: z.int().min(0).max(65_535),
                }),
              )
              .min(1)
              .max(16)
              .default([{ door: 1, inAddress: 0, outAddress: 2 }])
              .meta({
                description: "Holding register addresses of each door's in and out totals.",
              }),
          },
          'Register map of an off-the-shelf counter (protocol: modbus-rtu).',
        ),
        simulator: section(
          {
            doors: z.int().min(1).max(4).default(1).meta({
              description:
                'Doors the simulated counter watches (speaks: fsbus-line; a Modbus one has the doors of counter.modbus).',
            }),
            visitorsPerHour: z.number().min(0).max(3600).default(180).meta({
              description:
                'Visitors coming in per hour while the bus stands at a planned stop (simulated time).',
            }),
            speaks: z.enum(['fsbus-line', 'modbus-rtu']).default('fsbus-line').meta({
              description:
                'Protocol of the simulated device: fsbus-line, or modbus-rtu (polled with the counter.modbus register map).',
            }),
          },
          'Simulated counter (protocol: simulator): visitors at the planned stops.',
        ),
      },
      'Door visitor counter.',
    ),
    broker: section(
      {
        bind: Host.default('127.0.0.1').meta({
          description:
            'Address the on-board broker listens on; the bus LAN address to serve screens on other devices.',
        }),
        tcpPort: ListenPort.default(1883).meta({ description: 'MQTT over TCP.' }),
        wsPort: ListenPort.default(8083).meta({
          description: 'MQTT over WebSocket, for the screens.',
        }),
        wsPath: z
          .string()
          .regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'a URL path starting with "/"' })
          .default('/mqtt')
          .meta({
            description: 'WebSocket path.',
          }),
        trustedProxies: z.array(z.ipv4().or(z.ipv6())).max(16).default([]).meta({
          description:
            'Addresses of reverse proxies in front of the WebSocket listener: only from these is X-Forwarded-For taken as the client address (logins are throttled and logged per address).',
        }),
        allowAnonymous: z.boolean().default(false).meta({
          description: 'Let clients in without credentials (development only: the broker warns).',
        }),
        anonymousRole: OnBoardRole.default('monitor').meta({
          description: 'Role given to anonymous clients.',
        }),
        users: z.array(BrokerUser).default([]).meta({
          description:
            'Accounts: username, role (bridge, kiosk, driver, monitor) and scrypt password hash.',
        }),
        acl: z.array(AclRule).max(200).default([]).meta({
          description:
            'Extra rules on top of the role defaults (docs/broker.md): role, access (read, write, readwrite, deny) and an MQTT topic filter where {busId} and {username} are replaced. A deny rule wins over any allow.',
        }),
        maxMessageBytes: maxMessageBytes(),
        rateLimit: rateLimitSection({
          messagesPerSecond: 100,
          burst: 500,
          rateDescription:
            'Sustained rate of publishes and subscriptions per user (all its connections). Beyond it a QoS 1 or 2 publish or a subscription waits for its turn (the client is slowed down, nothing is lost); a QoS 0 publish is dropped and counted.',
          burstDescription: 'Messages a user may send at once above the sustained rate.',
          description:
            'Per-user rate limit, so one runaway client cannot starve the others; it slows a client down and never drops what it acknowledged.',
        }),
        tls: section(
          {
            port: ListenPort.default(8883).meta({ description: 'MQTT over TLS.' }),
            certFile: FilePath.nullable().default(null).meta({
              description:
                'PEM certificate (chain) of the broker; the TLS listener runs when both files are set.',
            }),
            keyFile: FilePath.nullable()
              .default(null)
              .meta({ description: 'PEM private key of the broker.' }),
          },
          'Optional MQTT over TLS listener.',
        ),
      },
      'The on-board MQTT broker.',
    ),
    central: section(
      {
        url: z
          .string()
          .regex(/^(mqtts?|wss?):\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/, {
            error: 'an mqtt://, mqtts://, ws:// or wss:// URL',
          })
          .nullable()
          .default(null)
          .meta({
            description:
              'Central broker URL (mqtts:// in service); null keeps everything in the outbox.',
          }),
        caFile: FilePath.nullable().default(null).meta({
          description:
            'PEM file of the CA that signed central’s certificate; null trusts the system CAs.',
        }),
        username: z.string().min(1).max(128).nullable().default(null).meta({
          description: 'This bus’s user name at central; null uses the busId.',
        }),
        passwordFile: FilePath.nullable().default(null).meta({
          description: 'File holding this bus’s password at central (kept out of the config).',
        }),
        keepaliveS: z
          .int()
          .min(5)
          .max(600)
          .default(30)
          .meta({ description: 'MQTT keepalive, seconds.' }),
      },
      'The link to the central broker.',
    ),
    outbox: section(
      {
        path: FilePath.default('outbox.sqlite').meta({
          description: 'SQLite file, relative to dataDir.',
        }),
        commitWindowMs: z.int().min(10).max(5000).default(200).meta({
          description: 'Writes are grouped in one transaction per window (spares the SD card).',
        }),
        telemetryCapMB: z.int().min(1).max(100_000).default(200).meta({
          description: 'Beyond this size, telemetry is dropped oldest first (events never are).',
        }),
        hardCapMB: z.int().min(1).max(100_000).default(1000).meta({
          description: 'Beyond this size, the status raises an alarm instead of growing further.',
        }),
      },
      'The store-and-forward outbox towards central.',
    ),
    kiosk: section(
      {
        instance: z
          .string()
          .regex(/^kiosk-([1-9]|1[0-9]|2[0-6])$/, { error: 'kiosk-1 ... kiosk-26' })
          .default('kiosk-1')
          .meta({
            description:
              'This kiosk: its user name on the on-board broker (role kiosk) and its turn series (kiosk-1: A, kiosk-2: B...).',
          }),
        brokerUrl: z
          .string()
          .regex(/^wss?:\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/, { error: 'a ws:// or wss:// URL' })
          .default('ws://127.0.0.1:8083/mqtt')
          .meta({
            description: 'The on-board broker over WebSocket, as the kiosk screen reaches it.',
          }),
        passwordFile: FilePath.nullable().default(null).meta({
          description:
            'File holding the kiosk’s broker password; null logs in without one (an anonymous broker, development).',
        }),
        http: section(
          {
            host: Host.default('127.0.0.1').meta({
              description: 'Address the kiosk server binds.',
            }),
            port: ListenPort.default(8080).meta({
              description: 'Port of the kiosk screen over HTTP (0: any free port).',
            }),
          },
          'The kiosk screen served over HTTP (`fsbus-kiosk`), for a browser or the driver’s tablet.',
        ),
        staffPinHash: z
          .string()
          .regex(PASSWORD_HASH, { error: 'an scrypt hash from `fsbus-config hash-pin`' })
          .nullable()
          .default(null)
          .meta({
            description:
              'scrypt hash of the staff corner’s PIN (3-second press on the bus name), from `fsbus-config hash-pin`; null: no staff corner.',
          }),
        display: z.string().min(1).max(120).nullable().default(null).meta({
          description:
            'Electron: the display to fill, by its label or id (`xrandr` name); null: the primary one.',
        }),
        hideCursor: z.boolean().default(false).meta({
          description: 'Hide the mouse cursor (a touch screen).',
        }),
        languages: z
          .array(z.enum(LANGUAGE_CODES))
          .min(1)
          .refine((list) => new Set(list).size === list.length, {
            error: 'each language at most once',
          })
          .default(['fr', 'en', 'ar'])
          .meta({ description: 'Languages offered on the welcome screen, first is the default.' }),
        idleTimeoutS: z.int().min(15).max(600).default(60).meta({
          description: 'Seconds without a touch before the "still there?" countdown.',
        }),
        countdownS: z.int().min(20).max(120).default(20).meta({
          description: 'Length of that countdown (at least 20 s) before going back to welcome.',
        }),
        localPartners: z.array(LocalPartner).max(LOCAL_PARTNERS_MAX).default([]).meta({
          description:
            'Local partners this bus offers besides the national ones: code "local-…", labels, icon (one of the pictograms listed in docs/kiosk.md), theme.',
        }),
      },
      'The visitor kiosk.',
    ),
    driver: section(
      {
        username: z
          .string()
          .regex(/^driver(-[a-z0-9]{1,20})?$/, { error: 'driver, or driver-… (e.g. driver-2)' })
          .default('driver')
          .meta({
            description:
              'The driver display’s user name on the on-board broker (role driver): the `source` of its commands and its status service.',
          }),
        brokerUrl: z
          .string()
          .regex(/^wss?:\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/, { error: 'a ws:// or wss:// URL' })
          .default('ws://127.0.0.1:8083/mqtt')
          .meta({
            description: 'The on-board broker over WebSocket, as the driver display reaches it.',
          }),
        passwordFile: FilePath.nullable().default(null).meta({
          description:
            'File holding the driver display’s broker password; null logs in without one (an anonymous broker, development).',
        }),
        display: z.string().min(1).max(120).nullable().default(null).meta({
          description:
            'Electron: also show the driver display, full screen, on this display (its label or id, `xrandr` name); null: none.',
        }),
      },
      'The driver display, served by `fsbus-kiosk` at /driver (a second screen or a tablet on the bus LAN).',
    ),
  })
  .superRefine((config, ctx) => {
    // Rules across keys; each message says what was expected, the loader adds what was found.
    const expect = (path: (string | number)[], message: string, input: unknown) => {
      ctx.addIssue({ code: 'custom', message, path, input });
    };
    const { simulator } = config.gnss;
    if (
      config.gnss.source !== 'simulator' &&
      (simulator.speed !== 1 || simulator.startAt !== null)
    ) {
      expect(
        ['gnss', 'simulator', simulator.speed !== 1 ? 'speed' : 'startAt'],
        'speed 1 and no startAt unless gnss.source is simulator (a real bus runs on real time)',
        simulator.speed !== 1 ? simulator.speed : simulator.startAt,
      );
    }
    if (config.gnss.source === 'replay' && config.gnss.replay.file === null) {
      expect(['gnss', 'replay', 'file'], 'a file to replay when gnss.source is replay', null);
    }
    if (config.broker.tcpPort !== 0 && config.broker.tcpPort === config.broker.wsPort) {
      expect(['broker', 'wsPort'], 'a port other than broker.tcpPort', config.broker.wsPort);
    }
    if ((config.broker.tls.certFile === null) !== (config.broker.tls.keyFile === null)) {
      const missing = config.broker.tls.certFile === null ? 'certFile' : 'keyFile';
      expect(['broker', 'tls', missing], 'both certFile and keyFile, or neither', null);
    }
    if (config.outbox.hardCapMB < config.outbox.telemetryCapMB) {
      const message = `a size of at least outbox.telemetryCapMB (${config.outbox.telemetryCapMB})`;
      expect(['outbox', 'hardCapMB'], message, config.outbox.hardCapMB);
    }
    for (const index of repeats(config.broker.users.map((u) => u.username))) {
      const username = config.broker.users[index]?.username;
      expect(
        ['broker', 'users', index, 'username'],
        'a username not used by an account above',
        username,
      );
    }
    for (const index of repeats(config.kiosk.localPartners.map((p) => p.code))) {
      const code = config.kiosk.localPartners[index]?.code;
      expect(
        ['kiosk', 'localPartners', index, 'code'],
        'a code not used by a local partner above',
        code,
      );
    }
  });

/** Indexes of the values that already appeared earlier in the list. */
function repeats(values: readonly string[]): number[] {
  return values.flatMap((value, index) => (values.indexOf(value) < index ? [index] : []));
}

/** The validated config, every default filled in and every path absolute. */
export type Config = z.output<typeof ConfigSchema>;
