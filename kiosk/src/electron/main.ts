// The kiosk's Electron main process: one locked-down full-screen window showing the visitor
// screen from app://kiosk/. Every setting it applies comes from security.ts.
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
import { kioskSettings } from '../server/settings.js';
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
  return { config, settings };
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

function openWindow(shell: Shell): BrowserWindow {
  const { config, logger, production } = shell;
  const displays = screen.getAllDisplays();
  const wanted = config.kiosk.display;
  const { display, fallback } = chooseDisplay(displays, wanted, screen.getPrimaryDisplay());
  if (fallback) {
    const known = displays.map(({ id, label }) => ({ id, label }));
    logger.warn({ wanted, displays: known }, 'kiosk.display not connected: using the primary one');
  }
  const kioskWindow = new BrowserWindow(windowOptions({ production, bounds: display.bounds }));
  const contents = kioskWindow.webContents;
  const load = () => {
    if (kioskWindow.isDestroyed()) return;
    contents.loadURL(KIOSK_SECURITY.appUrl).catch((error: unknown) => {
      logger.error({ err: error }, 'cannot load the kiosk screen');
    });
  };
  kioskWindow.once('ready-to-show', () => {
    kioskWindow.show();
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
    logger.error({ ...details }, 'kiosk screen renderer gone: reloading');
    setTimeout(load, KIOSK_SECURITY.reloadDelayMs);
  });
  contents.on('unresponsive', () => {
    logger.error('kiosk screen unresponsive: restarting its renderer');
    contents.forcefullyCrashRenderer(); // emits render-process-gone, which reloads
  });
  load();
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
      staffPinHash: config.kiosk.staffPinHash,
      logger: logger.child({ component: 'app-protocol' }),
    }),
  );
  // The screen stays on for visitors; the blocker ends with the process.
  powerSaveBlocker.start('prevent-display-sleep');
  const kioskWindow = openWindow(shell);
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
