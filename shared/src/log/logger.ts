// pino JSON logs on stdout, one logger per service, a child per component.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Service name, e.g. `broker`. */
  readonly service: string;
  readonly level: LevelWithSilent;
  readonly busId?: string;
  readonly version?: string;
  /** Where lines go (default stdout); tests pass a stream. */
  readonly destination?: NodeJS.WritableStream;
}

/** The root logger of a service: JSON lines with service, bus and version on each. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    service: options.service,
    ...(options.busId === undefined ? {} : { busId: options.busId }),
    ...(options.version === undefined ? {} : { version: options.version }),
  };
  return pino(
    { level: options.level, base, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
