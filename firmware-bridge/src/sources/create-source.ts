// Picks the GNSS source the config names.
import type { Config, PlanMessage } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { GpsdSource } from './gpsd.js';
import { NmeaReplaySource } from './nmea-replay.js';
import { NmeaSerialSource } from './nmea-serial.js';
import type { PositionSource, PositionSourceEvents } from './position-source.js';
import { TOUR_DEPOT } from './simulator/tour-plan.js';
import { RouteSimulatorSource } from './simulator/route-simulator.js';

export interface SourceContext extends PositionSourceEvents {
  readonly logger: Logger;
  /** The plan the bridge follows now (the simulator drives it). */
  readonly plan: () => PlanMessage | null;
  /** The system clock, ms. */
  readonly now: () => number;
}

export function createSource(gnss: Config['gnss'], context: SourceContext): PositionSource {
  const { onFix, onState, logger } = context;
  const watchdogMs = gnss.watchdogS * 1000;
  switch (gnss.source) {
    case 'gpsd':
      return new GpsdSource({ ...gnss.gpsd, watchdogMs, logger, onFix, onState });
    case 'serial':
      return new NmeaSerialSource({ ...gnss.serial, watchdogMs, logger, onFix, onState });
    case 'replay':
      if (gnss.replay.file === null) throw new Error('gnss.replay.file: a file to replay');
      return new NmeaReplaySource({
        file: gnss.replay.file,
        speed: gnss.replay.speed,
        logger,
        onFix,
        onState,
      });
    case 'simulator':
      return new RouteSimulatorSource({
        rateHz: gnss.simulator.rateHz,
        plan: context.plan,
        home: TOUR_DEPOT,
        now: context.now,
        onHandlerError: (error) => {
          logger.error({ err: error }, 'fix handler failed');
        },
        onFix,
        onState,
      });
  }
}
