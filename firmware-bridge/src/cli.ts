// fsbus-bridge: the on-board bridge as a service.
import { createLogger, runService, serviceStartup } from '@fsbus/shared/node';
import { startBridge } from './main.js';

const { config, version } = serviceStartup({
  name: 'fsbus-bridge',
  summary:
    'The on-board bridge: reads the GPS (gpsd, NMEA serial, a replayed log or the route simulator),\ntracks the day plan, and publishes positions, stop states and its status on the on-board broker.',
  moduleUrl: import.meta.url,
});
const logger = createLogger({
  service: 'bridge',
  level: config.log.level,
  busId: config.busId,
  version,
});
await runService({ logger, start: () => startBridge({ config, logger, version }) });
