// fsbus-kiosk: serves the kiosk screen over HTTP (the Electron shell serves the same screen on
// the kiosk itself).
import { createLogger, runService, serviceStartup } from '@fsbus/shared/node';
import { startKioskServer } from './serve.js';

const { config, version } = serviceStartup({
  name: 'fsbus-kiosk',
  summary:
    'The kiosk screen over HTTP: the visitor kiosk (welcome, why, turn, opinion) for a browser,\nconnected to the on-board broker over WebSocket with the kiosk role.',
  moduleUrl: import.meta.url,
});
const logger = createLogger({
  service: 'kiosk',
  level: config.log.level,
  busId: config.busId,
  version,
});
await runService({ logger, start: () => startKioskServer({ config, logger, version }) });
