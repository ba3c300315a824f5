// Process conventions of every fsbus service: start, stop cleanly on SIGINT/SIGTERM within 5 s, exit codes.
import type { Logger } from 'pino';
import { ConfigError, formatProblem } from '../config/errors.js';

/** Exit codes (sysexits.h where one fits). */
export const EXIT = {
  ok: 0,
  /** Stopped by force: stop() did not finish in time, or failed. */
  stopFailed: 1,
  usage: 64,
  /** A startup failure that is not the config: port in use, permission denied, device missing. */
  unavailable: 69,
  software: 70,
  config: 78,
} as const;

/** What a running service hands back: a way to stop it. */
export interface Running {
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  readonly logger: Logger;
  /** Starts everything; rejects (nothing half-started) if it cannot. */
  readonly start: (signal: AbortSignal) => Promise<Running>;
  /** How long stop() may take before the process exits anyway. Default 5 s. */
  readonly stopTimeoutMs?: number;
  /** Called instead of process.exit (tests). */
  readonly exit?: (code: number) => void;
}

/**
 * Runs a service until SIGINT or SIGTERM, then stops it: exit 0 when stop() completes within
 * the deadline, 1 otherwise. A start failure exits 69 (78 for a bad config) after logging why.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  const controller = new AbortController();
  const state = { stopping: false };
  // A signal during start() waits for it, then stops what it started.
  const started = options.start(controller.signal);

  const shutdown = (signal: NodeJS.Signals): void => {
    controller.abort(signal);
    if (state.stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      exit(EXIT.stopFailed);
      return;
    }
    state.stopping = true;
    logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      logger.error({ stopTimeoutMs }, 'stop did not finish in time: exiting anyway');
      exit(EXIT.stopFailed);
    }, stopTimeoutMs);
    started
      .then((running) => running.stop())
      .then(
        () => {
          clearTimeout(deadline);
          logger.info('stopped');
          exit(EXIT.ok);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          logger.error({ err: error }, 'stop failed');
          exit(EXIT.stopFailed);
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  try {
    await started;
    if (!state.stopping) logger.info('started');
  } catch (error) {
    if (state.stopping) return; // shutdown() reports it
    process.removeListener('SIGINT', shutdown);
    process.removeListener('SIGTERM', shutdown);
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems.map(formatProblem) }, 'bad config');
      exit(EXIT.config);
    } else {
      logger.fatal({ err: error }, 'could not start');
      exit(EXIT.unavailable);
    }
  }
}
