// The staff API (fastify, its only importer): read-only, staff and planner accounts over HTTP
// Basic; the fleet now, a bus's day, reports as JSON or CSV, alerts, seq gaps, the GTFS-RT and
// APC feeds, and the OpenAPI description generated from the route schemas.
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX, type Alert, type CentralConfig } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { apcMessages } from '../../feeds/apc.js';
import { encodeFeed, feedJson, vehiclePositions } from '../../feeds/gtfs-rt.js';
import type { Recorder } from '../../recorder/recorder.js';
import type { RecorderStore } from '../../recorder/store.js';
import { busDay } from '../../reports/bus-day.js';
import { dayPlans } from '../../reports/day-plans.js';
import { CSV_TYPE, reportCsv } from '../../reports/csv.js';
import { busNow, fleetNow } from '../../reports/fleet.js';
import { PeriodError, parsePeriod } from '../../reports/period.js';
import { GROUPINGS, monthlyReport, runReport, type Report } from '../../reports/reports.js';
import {
  AlertsResponse,
  BusDayResponse,
  BusNowSchema,
  BusParams,
  DayParams,
  DayPlansResponse,
  DayQuery,
  ErrorResponse,
  FleetResponse,
  MonthlyQuery,
  ReportParams,
  ReportQuery,
  ReportOrCsv,
  SeqGapsResponse,
} from './schemas.js';
import type { StaffAuth } from './staff-auth.js';
import { readPem } from '../listeners.js';
import { registerConsole } from './console-site.js';
import { SESSION_ROUTE, bearerOf, sessionRoutes } from './session-routes.js';
import type { StaffSession, StaffSessions } from './sessions.js';

export interface ApiOptions {
  readonly store: RecorderStore;
  readonly recorder: Recorder;
  readonly auth: StaffAuth;
  readonly sessions: StaffSessions;
  /** The session and console settings. */
  readonly config: Pick<CentralConfig, 'http' | 'console'>;
  /** The built staff console's folder; null: not built (its page says so). */
  readonly consoleDir: string | null;
  /** The buses of the fleet (their accounts). */
  readonly buses: () => Iterable<string>;
  readonly alerts: () => readonly Alert[];
  /** Central's own counters: traffic, refusals by reason, logins, the recorder's commits. */
  readonly counters: () => Record<string, number>;
  readonly logger: Logger;
  readonly version: string;
  /** Central's certificate for HTTPS; null: plain HTTP (development). */
  readonly https: { readonly cert: Buffer; readonly key: Buffer } | null;
  readonly now?: () => number;
}

/** A request that cannot be answered as asked: 400 with what and why. */
class BadRequest extends Error {}

/** Builds the API (not listening). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  // The https variant only changes the server underneath; routes and hooks are the same.
  const app = (
    options.https === null
      ? Fastify({ logger: false, bodyLimit: 1024 })
      : Fastify({ logger: false, bodyLimit: 1024, https: { ...options.https } })
  ) as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'fsbus central staff API',
        description:
          'Read-only. HTTP Basic with a staff or planner account of fsbus-central, or a console session’s Bearer token (POST /api/v1/session). Times are UTC ISO-8601; periods and service days are Europe/Paris.',
        version: options.version,
      },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          session: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ basic: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // The console's session of each request sent with its Bearer token.
  const sessionOfRequest = new WeakMap<object, StaffSession>();
  app.addHook('onRequest', async (request, reply) => {
    // Judged on the route matched, not the raw URL (which may be percent-encoded): the API's
    // routes need a login, but its health and the console's login; the console's files and
    // unknown paths are open (unknown ones under /api/ get 404 JSON, others the console page).
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(`${API_PREFIX}/`)) return;
    if (route === `${API_PREFIX}/health`) return;
    if (request.method === 'POST' && route === SESSION_ROUTE) return;
    const token = bearerOf(request);
    if (token !== null) {
      const session = options.sessions.use(token);
      if (session) {
        sessionOfRequest.set(request, session);
        return;
      }
      await reply.code(401).send({ error: 'session ended: log in again' });
      return;
    }
    const login = await options.auth.check(request.headers.authorization, request.ip);
    if (login.ok) return;
    if (login.status === 401) reply.header('www-authenticate', 'Basic realm="fsbus central"');
    await reply.code(login.status).send({ error: login.reason });
  });
  app.setErrorHandler((error: Error, request, reply) => {
    const bad =
      error instanceof BadRequest ||
      error instanceof PeriodError ||
      (error as { validation?: unknown }).validation !== undefined;
    if (!bad) options.logger.error({ err: error, url: request.url }, 'API request failed');
    void reply
      .code(bad ? 400 : 500)
      .send({ error: bad ? error.message : 'internal error: see central’s log' });
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  /** A report as asked: JSON, or CSV as a download named `{name}.csv`. */
  const sendReport = (reply: FastifyReply, report: Report, format: 'json' | 'csv', name: string) =>
    format === 'csv'
      ? reply
          .type(CSV_TYPE)
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(reportCsv(report))
      : report;

  api.get(
    `${API_PREFIX}/health`,
    {
      schema: {
        summary: 'Is central up (no login)',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) },
      },
    },
    () => ({ status: 'ok' as const, version: options.version }),
  );

  api.get(
    `${API_PREFIX}/fleet`,
    {
      schema: {
        summary:
          'Every bus now: position, stop state, delay, occupancy, health, backlog, last seen',
        response: { 200: FleetResponse, ...errors },
      },
    },
    async () => ({
      generatedAt: new Date(now()).toISOString(),
      buses: await fleetNow(options.store, options.buses(), now()),
    }),
  );

  api.get(
    `${API_PREFIX}/buses/:busId`,
    {
      schema: {
        summary: 'One bus now',
        params: BusParams,
        response: { 200: BusNowSchema, ...errors },
      },
    },
    async (request) => busNow(options.store, request.params.busId, now()),
  );

  api.get(
    `${API_PREFIX}/buses/:busId/days/:date`,
    {
      schema: {
        summary:
          'A bus’s service day: plan and acknowledgement, stops planned against actual, door counts and visits per stop, track',
        params: DayParams,
        response: { 200: BusDayResponse, ...errors },
      },
    },
    async (request) => busDay(options.store, request.params.busId, request.params.date),
  );

  api.get(
    `${API_PREFIX}/plans`,
    {
      schema: {
        summary:
          'The fleet’s plans of a service day: each bus’s latest plan (whole) and its acknowledgement',
        querystring: DayQuery,
        response: { 200: DayPlansResponse, ...errors },
      },
    },
    async (request) => ({
      date: request.query.date,
      buses: await dayPlans(options.store, options.buses(), request.query.date),
    }),
  );

  api.get(
    `${API_PREFIX}/reports/:report`,
    {
      schema: {
        summary: 'A report over a day or a month: visits, doors, opinions, opinion-reasons',
        params: ReportParams,
        querystring: ReportQuery,
        response: { 200: ReportOrCsv, ...errors },
      },
    },
    async (request, reply) => {
      const { report } = request.params;
      const by = request.query.by ?? GROUPINGS[report][0] ?? 'bus';
      if (!GROUPINGS[report].includes(by)) {
        throw new BadRequest(`${report} is grouped by ${GROUPINGS[report].join(', ')}, not ${by}`);
      }
      const period = parsePeriod(request.query.period);
      const result = await runReport(options.store, {
        report,
        period,
        by,
        buses: request.query.bus,
      });
      return sendReport(
        reply,
        result,
        request.query.format,
        `fsbus-${report}-by-${by}-${period.label}`,
      );
    },
  );

  api.get(
    `${API_PREFIX}/reports/monthly/:busId`,
    {
      schema: {
        summary: 'One bus’s month for the national reporting, one indicator per row',
        params: BusParams,
        querystring: MonthlyQuery,
        response: { 200: ReportOrCsv, ...errors },
      },
    },
    async (request, reply) => {
      const period = parsePeriod(request.query.month);
      const report = await monthlyReport(options.store, request.params.busId, period);
      return sendReport(
        reply,
        report,
        request.query.format,
        `fsbus-${request.params.busId}-${period.label}`,
      );
    },
  );

  api.get(
    `${API_PREFIX}/alerts`,
    {
      schema: { summary: 'Every alert now', response: { 200: AlertsResponse, ...errors } },
    },
    () => ({ generatedAt: new Date(now()).toISOString(), alerts: [...options.alerts()] }),
  );

  api.get(
    `${API_PREFIX}/central`,
    {
      schema: {
        summary:
          'Central’s own counters since it started: messages in and out, refusals by reason (acl, schema, rate...), denied subscriptions, failed logins, flood disconnects, connected clients, the recorder’s messages, duplicates and commits',
        response: {
          200: z.object({
            version: z.string(),
            startedAt: z.string(),
            counters: z.record(z.string(), z.number()),
          }),
          ...errors,
        },
      },
    },
    () => ({ version: options.version, startedAt, counters: options.counters() }),
  );

  api.get(
    `${API_PREFIX}/seq-gaps`,
    {
      schema: {
        summary: 'Per bus, publisher and stream: messages recorded and seqs never received',
        response: { 200: SeqGapsResponse, ...errors },
      },
    },
    async () => ({ tracks: await options.recorder.tracks() }),
  );

  api.get(
    `${API_PREFIX}/feeds/gtfs-rt/vehicle-positions`,
    {
      schema: {
        summary: 'GTFS-Realtime VehiclePositions: protobuf, or JSON with format=json',
        querystring: z.strictObject({ format: z.enum(['pb', 'json']).default('pb') }),
      },
    },
    async (request, reply) => {
      const feed = vehiclePositions(await fleetNow(options.store, options.buses(), now()), now());
      if (request.query.format === 'json')
        return reply.type('application/json').send(feedJson(feed));
      return reply.type('application/x-protobuf').send(Buffer.from(encodeFeed(feed)));
    },
  );

  api.get(
    `${API_PREFIX}/feeds/apc`,
    {
      schema: {
        summary: 'Door counts of a day or month as APC messages (Waltti-APC / ITxPT shape)',
        querystring: ReportQuery.pick({ period: true, bus: true }),
      },
    },
    async (request) => {
      const period = parsePeriod(request.query.period);
      // A fleet's month of door events is too much for one answer: a day, or some buses.
      if (period.kind === 'month' && request.query.bus.length === 0) {
        throw new BadRequest(
          'a month of door events needs bus= (one or a few buses), or ask a day',
        );
      }
      return apcMessages(options.store, period, request.query.bus);
    },
  );

  sessionRoutes(app, {
    auth: options.auth,
    sessions: options.sessions,
    config: options.config,
    sessionOf: (request) => sessionOfRequest.get(request) ?? null,
  });
  await registerConsole(app, options.consoleDir, options.config.console);

  api.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { summary: 'This API’s OpenAPI description', hide: true } },
    () => app.swagger(),
  );
  return app;
}

/** Starts listening; resolves to the port. */
export async function listenApi(
  app: FastifyInstance,
  http: CentralConfig['http'],
): Promise<number> {
  await app.listen({ host: http.bind, port: http.port });
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : http.port;
}

/** Central's certificate for the API, or null for plain HTTP (`http.plain`). */
export function apiCertificate(config: CentralConfig): { cert: Buffer; key: Buffer } | null {
  const { certFile, keyFile } = config.mqtt.tls;
  if (config.http.plain || certFile === null || keyFile === null) return null;
  return {
    cert: readPem('mqtt.tls.certFile', certFile),
    key: readPem('mqtt.tls.keyFile', keyFile),
  };
}
