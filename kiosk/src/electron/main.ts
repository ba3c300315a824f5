// The kiosk's Electron main process: one locked-down full-screen window showing the visitor
// screen from app://kiosk/, and a second one with the driver display when driver.display names
// a screen. Every setting it applies comes from security.ts.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  app,
  BrowserWindow,
  Menu,
  powerSaveBlocker,
  protocol,
  screen,
  session,
  type Display,
  type WebContents,
} from 'electron';
import type { Config } from '@fsbus/shared';
import {
  CONFIG_FILE_ENV,
  ConfigError,
  readSecretSync,
  EXIT,
  createLogger,
  loadConfig,
  type Logger,
} from '@fsbus/shared/node';
import { driverSettings, kioskSettings } from '../server/settings.js';
import { appProtocolHandler } from './app-protocol.js';
import {
  KIOSK_SECURITY,
  chooseDisplay,
  isAllowedNavigation,
  permissionDecision,
  privilegedSchemes,
  shortcutDecision,
  windowOpenDecision,
  windowOptions,
} from './security.js';

interface Shell {
  readonly config: Config;
  readonly settings: string;
  readonly driverSettings: string | null;
  readonly logger: Logger;
  readonly production: boolean;
}

/** The bus config (--config FILE or FSBUS_CONFIG) and the screen's settings, or a ConfigError. */
function startup(): Omit<Shell, 'logger' | 'production'> {
  // Not strict: Chromium's own switches may be on the command line too.
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { config: { type: 'string', short: 'c' } },
    strict: false,
    allowPositionals: true,
  });
  const file = typeof values.config === 'string' ? values.config : process.env[CONFIG_FILE_ENV];
  const config = loadConfig({ file, env: process.env });
  const password = readSecretSync('kiosk.passwordFile', config.kiosk.passwordFile);
  const settings = JSON.stringify({
    ...kioskSettings(config, password),
    version: app.getVersion(),
  });
  // The driver display's settings only when this shell shows it: the visitors' window is no
  // place for the driver's password.
  const driverSettingsJson =
    config.driver.display === null
      ? null
      : JSON.stringify({
          ...driverSettings(
            config,
            readSecretSync('driver.passwordFile', config.driver.passwordFile),
          ),
          version: app.getVersion(),
        });
  return { config, settings, driverSettings: driverSettingsJson };
}

/** The guards of every web contents, the kiosk window's or any other (checklist 11-14). */
function guard(contents: WebContents, { logger, production }: Shell): void {
  const refuse = (event: { url: string; preventDefault(): void }) => {
    if (isAllowedNavigation(event.url)) return;
    event.preventDefault();
    logger.warn({ url: event.url }, 'navigation refused');
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn({ url }, 'new window refused');
    return windowOpenDecision();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('webview refused');
  });
  contents.on('before-input-event', (event, input) => {
    const decision = shortcutDecision(input, production);
    if (decision === 'pass') return;
    event.preventDefault();
    if (decision === 'devtools') contents.toggleDevTools();
  });
}

/** Which screen a window shows, on which display. */
interface WindowSpec {
  readonly name: 'kiosk' | 'driver';
  readonly url: string;
  readonly display: Display;
}

function openWindow(shell: Shell, spec: WindowSpec): BrowserWindow {
  const { config, logger, production } = shell;
  const window = new BrowserWindow(windowOptions({ production, bounds: spec.display.bounds }));
  const contents = window.webContents;
  const load = () => {
    if (window.isDestroyed()) return;
    contents.loadURL(spec.url).catch((error: unknown) => {
      logger.error({ err: error, screen: spec.name }, 'cannot load the screen');
    });
  };
  window.once('ready-to-show', () => {
    window.show();
  });
  if (config.kiosk.hideCursor) {
    // insertCSS lasts one document: insert it again after every load.
    contents.on('dom-ready', () => {
      contents.insertCSS(KIOSK_SECURITY.hiddenCursorCss).catch((error: unknown) => {
        logger.warn({ err: error }, 'cannot hide the cursor');
      });
    });
  }
  // The one way back after a crash or a hang: a fresh renderer on the screen's URL.
  contents.on('render-process-gone', (_event, details) => {
    logger.error({ ...details, screen: spec.name }, 'screen renderer gone: reloading');
    setTimeout(load, KIOSK_SECURITY.reloadDelayMs);
  });
  contents.on('unresponsive', () => {
    logger.error({ screen: spec.name }, 'screen unresponsive: restarting its renderer');
    contents.forcefullyCrashRenderer(); // emits render-process-gone, which reloads
  });
  load();
  return window;
}

/** The kiosk's window, and the driver display's when driver.display names a connected screen. */
function openWindows(shell: Shell): BrowserWindow {
  const { config, logger } = shell;
  const displays = screen.getAllDisplays();
  const known = () => displays.map(({ id, label }) => ({ id, label }));
  const primary = screen.getPrimaryDisplay();
  const kiosk = chooseDisplay(displays, config.kiosk.display, primary);
  if (kiosk.fallback) {
    logger.warn(
      { wanted: config.kiosk.display, displays: known() },
      'kiosk.display not connected: using the primary one',
    );
  }
  const kioskWindow = openWindow(shell, {
    name: 'kiosk',
    url: KIOSK_SECURITY.appUrl,
    display: kiosk.display,
  });
  const wanted = config.driver.display;
  if (wanted !== null) {
    const driver = chooseDisplay(displays, wanted, primary);
    // Never over the visitors' screen: a driver display that is not there is left out.
    if (driver.fallback || driver.display.id === kiosk.display.id) {
      logger.warn(
        { wanted, displays: known() },
        'driver.display not connected, or the kiosk’s: no driver display',
      );
    } else {
      openWindow(shell, { name: 'driver', url: KIOSK_SECURITY.driverUrl, display: driver.display });
    }
  }
  return kioskWindow;
}

function start(shell: Shell): void {
  const { config, logger } = shell;
  Menu.setApplicationMenu(null);
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permissionDecision(permission));
  });
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
  ses.setDevicePermissionHandler(() => permissionDecision());
  protocol.handle(
    KIOSK_SECURITY.scheme.scheme,
    appProtocolHandler({
      rendererDir: path.join(app.getAppPath(), 'dist/renderer'),
      settings: shell.settings,
      driverSettings: shell.driverSettings,
      staffPinHash: config.kiosk.staffPinHash,
      logger: logger.child({ component: 'app-protocol' }),
    }),
  );
  // The screen stays on for visitors; the blocker ends with the process.
  powerSaveBlocker.start('prevent-display-sleep');
  const kioskWindow = openWindows(shell);
  app.on('second-instance', () => {
    kioskWindow.focus();
  });
  logger.info(
    { instance: config.kiosk.instance, url: KIOSK_SECURITY.appUrl },
    'kiosk shell started',
  );
}

function main(): void {
  // Before ready, as Electron requires.
  protocol.registerSchemesAsPrivileged(privilegedSchemes());
  // A second shell would fight the first for the screen: it leaves at once.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let loaded: ReturnType<typeof startup>;
  try {
    loaded = startup();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    app.exit(EXIT.config);
    return;
  }
  const logger = createLogger({
    service: 'kiosk-shell',
    level: loaded.config.log.level,
    busId: loaded.config.busId,
    version: app.getVersion(),
  });
  const shell: Shell = { ...loaded, logger, production: app.isPackaged };
  app.on('web-contents-created', (_event, contents) => {
    guard(contents, shell);
  });
  app.on('window-all-closed', () => {
    app.quit();
  });
  // Not a top-level await: Electron is not ready until this module has finished loading.
  app
    .whenReady()
    .then(() => {
      start(shell);
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'cannot start the kiosk shell');
      app.exit(EXIT.unavailable);
    });
}

main();
