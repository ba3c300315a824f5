// @fsbus/shared/node: the Node-only conventions: config loading, logging, process lifecycle,
// passwords, and a free port for tests.
export * from './config/errors.js';
export * from './config/files.js';
export * from './config/load.js';
export { envName } from './config/introspect.js';
export * from './config/password.js';
export * from './log/logger.js';
export * from './net/free-port.js';
export * from './process/service.js';
export * from './process/service-cli.js';
export * from './version.js';
