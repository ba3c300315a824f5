// The console's session routes: log in (a password, once, for a token), see the session (which
// also keeps it in use) and log out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  ErrorResponse,
  SessionRequest,
  SessionResponse,
  type CentralConfig,
} from '@fsbus/shared';
import type { StaffAuth } from './staff-auth.js';
import type { StaffSession, StaffSessions } from './sessions.js';

export const SESSION_ROUTE = `${API_PREFIX}/session`;

/** The Bearer token of a request, if it sends one. */
export function bearerOf(request: FastifyRequest): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

export interface SessionRoutesOptions {
  readonly auth: StaffAuth;
  readonly sessions: StaffSessions;
  readonly config: Pick<CentralConfig, 'http' | 'console'>;
  /** The session a request came with (set by the API's login check). */
  readonly sessionOf: (request: FastifyRequest) => StaffSession | null;
}

export function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): void {
  const { sessions, config } = options;
  const answer = (token: string, session: StaffSession) => ({
    token,
    username: session.username,
    role: session.role,
    expiresAt: new Date(session.expiresAt).toISOString(),
    idleMin: config.http.sessionIdleMin,
    tileUrl: config.console.tileUrl,
    tileAttribution: config.console.tileAttribution,
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse };

  api.post(
    SESSION_ROUTE,
    {
      schema: {
        summary: 'Log in to the console: a staff or planner account’s password for a session token',
        security: [],
        body: SessionRequest,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const login = await options.auth.login(username, password, request.ip);
      if (!login.ok) return reply.code(login.status).send({ error: login.reason });
      const { token, session } = sessions.open(login.identity);
      return answer(token, session);
    },
  );

  api.get(
    SESSION_ROUTE,
    {
      schema: {
        summary: 'The session of this Bearer token (and it counts as a use)',
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const session = options.sessionOf(request);
      const token = bearerOf(request);
      if (!session || token === null) {
        return reply.code(400).send({ error: 'a console session’s Bearer token is needed' });
      }
      return answer(token, session);
    },
  );

  api.delete(
    SESSION_ROUTE,
    {
      schema: {
        summary: 'Log out: the session ends, and its MQTT connections close within seconds',
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const token = bearerOf(request);
      if (token !== null) sessions.close(token);
      return reply.code(204).send(null);
    },
  );
}
