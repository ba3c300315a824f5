// `fsbus-central plan publish`: a day plan file, validated, published retained on a bus's lane
// through central with a planner account, and confirmed by central's PUBACK.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import {
  ENVELOPE_FIELDS,
  centralPlan,
  ProtocolError,
  isBusId,
  topicFor,
  type BodyOf,
  type CentralConfig,
} from '@fsbus/shared';

export type PlanPublishErrorCode = 'bad_bus' | 'bad_file' | 'invalid' | 'unreachable' | 'refused';

export class PlanPublishError extends Error {
  override readonly name = 'PlanPublishError';
  constructor(
    readonly code: PlanPublishErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PlanPublishOptions {
  readonly config: CentralConfig;
  readonly busId: string;
  /** JSON of the plan's own fields (planId, date, timeZone, depot, stops); an envelope is replaced. */
  readonly planFile: string;
  readonly username: string;
  readonly password: string;
  /** Central's URL; default from the config. */
  readonly url?: string | undefined;
  /** PEM of the CA of central's certificate; default the system CAs. */
  readonly caFile?: string | undefined;
  /** How long to wait for central, ms (default 15 s). */
  readonly timeoutMs?: number;
}

/** Where the config says central listens, as a client reaches it. */
export function centralUrl(config: CentralConfig): string {
  const { mqtt: settings } = config;
  const host = ['0.0.0.0', '::'].includes(settings.bind) ? '127.0.0.1' : settings.bind;
  if (settings.tls.certFile !== null) return `mqtts://${host}:${String(settings.tlsPort)}`;
  return `mqtt://${host}:${String(settings.tcpPort ?? 1883)}`;
}

/** The plan message of a file: stamped by central (source `central`), validated. */
export function planMessage(busId: string, planFile: string, now = new Date()) {
  if (!isBusId(busId))
    throw new PlanPublishError('bad_bus', `${JSON.stringify(busId)} is not a bus id`);
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(planFile, 'utf8'));
  } catch (error) {
    throw new PlanPublishError('bad_file', `${planFile}: ${(error as Error).message}`);
  }
  // A whole plan message (a bus's plan file) is taken too: central stamps its own envelope.
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const fields = { ...(body as Record<string, unknown>) };
    for (const key of ENVELOPE_FIELDS) Reflect.deleteProperty(fields, key);
    body = fields;
  }
  try {
    return centralPlan(busId, body as BodyOf<'plan'>, now);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    const problems = error.problems
      .filter((problem) => !ENVELOPE_FIELDS.includes(problem.path))
      .map((problem) => `  ${problem.path}: ${problem.message}`);
    throw new PlanPublishError(
      'invalid',
      `${planFile}: not a valid day plan\n${problems.join('\n')}`,
    );
  }
}

/** Validates and publishes; resolves to the plan id once central acknowledged it. */
export async function publishPlan(options: PlanPublishOptions): Promise<string> {
  const message = planMessage(options.busId, options.planFile);
  const url = options.url ?? centralUrl(options.config);
  const client = mqtt.connect(url, {
    username: options.username,
    password: options.password,
    clientId: `${options.username}-plan-${message.id.slice(-12)}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: options.timeoutMs ?? 15_000,
    ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => {
        resolve();
      });
      client.once('error', (error) => {
        const code = (error as { code?: unknown }).code;
        reject(
          [4, 5].includes(code as number)
            ? new PlanPublishError(
                'refused',
                `central refused ${options.username}: ${error.message}`,
              )
            : new PlanPublishError(
                'unreachable',
                `cannot reach central at ${url}: ${error.message}`,
              ),
        );
      });
    });
    const topic = topicFor('plan', options.busId);
    await client.publishAsync(topic, JSON.stringify(message), { qos: 1, retain: true });
    // MQTT 3.1.1 acknowledges a refused publish too: the plan now retained tells (it comes
    // right after the SUBACK).
    const retained = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        resolve(null);
      }, 2000);
      client.on('message', (_topic, payload) => {
        clearTimeout(timer);
        resolve(payload.toString('utf8'));
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    const held = await retained;
    if (held === null || !held.includes(message.id)) {
      throw new PlanPublishError(
        'refused',
        `central did not take the plan: is ${options.username} a planner account? (its log says why)`,
      );
    }
  } finally {
    await client.endAsync();
  }
  return message.planId;
}
