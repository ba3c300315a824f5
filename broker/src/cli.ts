// fsbus-broker: the on-board MQTT broker as a service.
import { createLogger, runService, serviceStartup } from '@fsbus/shared/node';
import { startBroker } from './main.js';

const { config, version } = serviceStartup({
  name: 'fsbus-broker',
  summary:
    'The on-board MQTT broker: MQTT over TCP and WebSocket (and TLS when configured), every client\nlogged in with a role, every fsbus message checked against its schema.',
  moduleUrl: import.meta.url,
});
const logger = createLogger({
  service: 'broker',
  level: config.log.level,
  busId: config.busId,
  version,
});
await runService({ logger, start: () => startBroker({ config, logger, version }) });
