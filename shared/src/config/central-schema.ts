// The central config: one file for fsbus-central (the fleet's broker, recorder and API), one schema;
// config/central.example.yaml is generated from this file.
import { z } from 'zod';

import {
  FilePath,
  Host,
  ListenPort,
  logSection,
  maxMessageBytes,
  rateLimitSection,
  section,
} from './fields.js';

/** A listener that is off unless the config gives it a port. */
const OptionalPort = ListenPort.nullable().default(null);

export const CentralConfigSchema = z
  .strictObject({
    dataDir: FilePath.default('/var/lib/fsbus-central').meta({
      description: 'Folder for the recorder database and the broker’s retained state.',
    }),
    credentialsFile: FilePath.default('credentials.json').meta({
      description:
        'Accounts (buses, staff, planners) with scrypt password hashes, written by `fsbus-central add-bus` and `add-user`; relative to dataDir. Re-read when it changes: a revoked bus is refused at once.',
    }),
    log: logSection(),
    mqtt: section(
      {
        bind: Host.default('127.0.0.1').meta({
          description: 'Address the MQTT listeners bind; 0.0.0.0 (or ::) to serve the fleet.',
        }),
        tlsPort: ListenPort.default(8883).meta({
          description: 'MQTT over TLS, for the buses (needs tls.certFile and tls.keyFile).',
        }),
        wssPort: OptionalPort.meta({
          description:
            'MQTT over secure WebSocket on a port of its own, for scripts (path mqtt.wsPath); null: off. The staff console uses /mqtt on the API’s port.',
        }),
        tcpPort: OptionalPort.meta({
          description:
            'Plain MQTT over TCP, unencrypted: development only (central warns); null: off.',
        }),
        wsPort: OptionalPort.meta({
          description: 'Plain MQTT over WebSocket, unencrypted: development only; null: off.',
        }),
        wsPath: z
          .string()
          .regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'a URL path starting with "/"' })
          .default('/mqtt')
          .meta({ description: 'WebSocket path.' }),
        tls: section(
          {
            certFile: FilePath.nullable().default(null).meta({
              description: 'PEM certificate (chain) of central, for mqtts and wss.',
            }),
            keyFile: FilePath.nullable().default(null).meta({
              description: 'PEM private key of central.',
            }),
          },
          'Central’s certificate. Buses check it against the CA in their central.caFile.',
        ),
        maxMessageBytes: maxMessageBytes(),
        rateLimit: rateLimitSection({
          messagesPerSecond: 500,
          burst: 5000,
          rateDescription:
            'Sustained publishes and subscriptions per account. A bus draining a day’s backlog (a few thousand messages, 100 in flight) does it in seconds; beyond the rate a QoS 1 publish waits its turn (nothing is lost), a QoS 0 one is dropped, and a connection that keeps flooding is closed.',
          burstDescription: 'Messages an account may send at once above the sustained rate.',
          description: 'Per-account rate limit, so one runaway bus cannot starve the fleet.',
        }),
      },
      'The central MQTT broker. TLS for the buses; plain listeners only when a port is given.',
    ),
    http: section(
      {
        bind: Host.default('127.0.0.1').meta({
          description: 'Address the staff API binds; 0.0.0.0 (or ::) to serve the offices.',
        }),
        port: ListenPort.default(8443).meta({
          description: 'Port of the staff API (HTTPS with central’s certificate).',
        }),
        plain: z.boolean().default(false).meta({
          description:
            'Serve the API over plain HTTP instead: development only (passwords cross in clear).',
        }),
        sessionHours: z.number().min(0.001).max(24).default(8).meta({
          description:
            'A staff console session ends this long after its login at the latest, hours (a working day).',
        }),
        sessionIdleMin: z.number().min(0.01).max(1440).default(30).meta({
          description:
            'A session ends when nothing used it for this long, min (the open console touches it every minute; a closed one lets it lapse).',
        }),
      },
      'The staff API and console (staff and planner accounts; HTTP Basic or a console session): fleet, days, reports, alerts, feeds. The console at /, OpenAPI at /api/v1/openapi.json, MQTT over WebSocket at /mqtt.',
    ),
    console: section(
      {
        tileUrl: z
          .string()
          .regex(/^https:\/\/[^\s'"]+\{z\}[^\s'"]*$/, {
            error: 'an https:// URL template with {z}, {x} and {y}',
          })
          .refine((url) => url.includes('{x}') && url.includes('{y}'), {
            error: 'an https:// URL template with {z}, {x} and {y}',
          })
          .refine((url) => !url.includes('{s}'), {
            error: 'one tile server, without {s} subdomains (the console allows that one host)',
          })
          .nullable()
          .default(null)
          .meta({
            description:
              'Map tiles for offices with internet, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; null: the bundled France basemap only (no network).',
          }),
        tileAttribution: z.string().max(200).default('').meta({
          description: 'The tiles’ attribution, shown on the map (e.g. © OpenStreetMap).',
        }),
      },
      'The staff console, served by central at / on the API’s port.',
    ),
    alerts: section(
      {
        silentMin: z.int().min(1).max(1440).default(15).meta({
          description: 'A bus in service (by its plan) silent for longer than this, min.',
        }),
        lateMin: z.int().min(1).max(1440).default(15).meta({
          description: 'A bus later than this at a stop, min.',
        }),
        backlogHours: z.number().min(0.1).max(720).default(6).meta({
          description: 'An event waiting in a bus’s outbox for longer than this, hours.',
        }),
        everyS: z.int().min(5).max(3600).default(30).meta({
          description: 'How often the alerts are computed; published at once when they change, s.',
        }),
      },
      'Alerts, retained on fsbus-central/v1/alerts and in the API.',
    ),
    recorder: section(
      {
        enabled: z.boolean().default(true).meta({
          description:
            'false: relay only, nothing recorded and no reports (to measure the broker alone in `npm run bench -- central`).',
        }),
        storage: z.enum(['sqlite', 'postgres']).default('sqlite').meta({
          description:
            'Where the recorder keeps what it records: sqlite (the file `path`, embedded: one central) or postgres (the server of recorder.postgres, which a cluster of central nodes shares).',
        }),
        path: FilePath.default('central.sqlite').meta({
          description:
            'SQLite file of every message recorded, relative to dataDir (storage sqlite).',
        }),
        postgres: section(
          {
            url: z
              .string()
              .regex(/^postgres(ql)?:\/\/[^\s:@/]+@[^\s/]+\/[^\s/?]+(\?[^\s]*)?$/, {
                error:
                  'a postgres://user@host:port/database URL, without a password (see passwordFile)',
              })
              .nullable()
              .default(null)
              .meta({
                description:
                  'The database, as postgres://user@host:port/database (options such as ?sslmode=verify-full may follow); needed by storage postgres.',
              }),
            passwordFile: FilePath.nullable().default(null).meta({
              description:
                'File holding the database user’s password (one line), relative to the config file; null: none (e.g. peer or certificate authentication).',
            }),
            poolSize: z.int().min(1).max(100).default(10).meta({
              description:
                'Connections this node keeps open for the API and the alerts; the recorder writes on two of its own.',
            }),
          },
          'PostgreSQL, for storage postgres: tables are created at start; the fixes, statuses and other telemetry are partitioned by month.',
        ),
        commitWindowMs: z.int().min(1).max(1000).default(50).meta({
          description:
            'Messages are committed in one transaction per window; each PUBACK leaves once its message’s transaction committed, ms.',
        }),
      },
      'The recorder: every valid fsbus message stored once (deduplicated by id).',
    ),
    cluster: section(
      {
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\/[^\s]+$/, { error: 'a redis:// or rediss:// URL' })
          .nullable()
          .default(null)
          .meta({
            description:
              'Redis, as redis://host:port/db (rediss:// over TLS), without a password: set, this node is one of a cluster sharing subscriptions, retained messages and persistent sessions through it (needs recorder.storage postgres); null: a single central.',
          }),
        redisPasswordFile: FilePath.nullable().default(null).meta({
          description:
            'File holding the Redis password (one line), relative to the config file; null: none.',
        }),
      },
      'Several central nodes behind a TCP load balancer (docs/scaling.md): each bus may land on any node.',
    ),
  })
  .superRefine((config, ctx) => {
    const { mqtt } = config;
    if (config.recorder.storage === 'postgres' && config.recorder.postgres.url === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'the database URL, for storage postgres',
        path: ['recorder', 'postgres', 'url'],
        input: null,
      });
    }
    if (config.cluster.redisUrl !== null && config.recorder.storage !== 'postgres') {
      ctx.addIssue({
        code: 'custom',
        message:
          'postgres in a cluster: the nodes share one recorder (a SQLite file is one node’s)',
        path: ['recorder', 'storage'],
        input: config.recorder.storage,
      });
    }
    const hasCert = mqtt.tls.certFile !== null && mqtt.tls.keyFile !== null;
    if ((mqtt.tls.certFile === null) !== (mqtt.tls.keyFile === null)) {
      const missing = mqtt.tls.certFile === null ? 'certFile' : 'keyFile';
      ctx.addIssue({
        code: 'custom',
        message: 'both certFile and keyFile, or neither',
        path: ['mqtt', 'tls', missing],
        input: null,
      });
    }
    if (!hasCert && !config.http.plain) {
      ctx.addIssue({
        code: 'custom',
        message: 'a certificate (mqtt.tls.certFile and keyFile) for HTTPS, or http.plain: true',
        path: ['http', 'plain'],
        input: false,
      });
    }
    if (!hasCert && mqtt.tcpPort === null && mqtt.wsPort === null) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a certificate (mqtt.tls.certFile and keyFile) for the TLS listeners, or a plain mqtt.tcpPort for development',
        path: ['mqtt', 'tls', 'certFile'],
        input: null,
      });
    }
    const ports = [
      ['tlsPort', hasCert ? mqtt.tlsPort : null],
      ['wssPort', hasCert ? mqtt.wssPort : null],
      ['tcpPort', mqtt.tcpPort],
      ['wsPort', mqtt.wsPort],
    ] as const;
    const seen = new Map<number, string>();
    for (const [key, port] of ports) {
      if (port === null || port === 0) continue;
      const other = seen.get(port);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `a port other than mqtt.${other}`,
          path: ['mqtt', key],
          input: port,
        });
      }
      seen.set(port, key);
    }
  });

/** The validated central config, every default filled in and every path absolute. */
export type CentralConfig = z.output<typeof CentralConfigSchema>;
