// Every security setting of the kiosk's Electron shell, as data and pure decisions, so that they
// are checked by tests without Electron (types only) and main.ts only applies them.
// Checklist: https://www.electronjs.org/docs/latest/tutorial/security
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  Input,
  Rectangle,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import type { Configuration } from 'electron-builder';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../server/headers.js';

type Fuses = NonNullable<Configuration['electronFuses']>;

/** Deep-freezes plain data, so no module can loosen a setting at run time. */
function frozen<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) frozen(inner as object);
  }
  return Object.freeze(value);
}

const SCHEME = 'app';
const HOST = 'kiosk';

export const KIOSK_SECURITY = frozen({
  /**
   * The screen is served from a custom scheme, not file:// (checklist 18). Standard and secure
   * give it a real origin (IndexedDB, fetch, crypto.randomUUID); it never bypasses the CSP.
   */
  scheme: {
    scheme: SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      bypassCSP: false,
      allowServiceWorkers: false,
      corsEnabled: false,
      stream: false,
    },
  } satisfies CustomScheme,
  host: HOST,
  /** The only origin the window may show. */
  appUrl: `${SCHEME}://${HOST}/`,
  /** The driver display, on a second screen (driver.display). */
  driverUrl: `${SCHEME}://${HOST}/driver`,
  /** Sent on every app:// response (the same as fsbus-kiosk's HTTP server). */
  headers: { ...SECURITY_HEADERS },
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  /** No preload script: the screen gets its settings from app://kiosk/kiosk-config.json. */
  webPreferences: {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: false,
  } satisfies WebPreferences,
  /** Full screen, no frame and no menu: visitors cannot leave the screen. */
  window: {
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    show: false,
  } satisfies BrowserWindowConstructorOptions,
  /**
   * Flipped in the binary by electron-builder (electron-builder.yml must say the same): no
   * ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect to turn the kiosk into a Node shell, code
   * only from the app.asar (whose integrity Electron checks where it can).
   */
  fuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  } satisfies Fuses,
  /** With kiosk.hideCursor (a touch screen). */
  hiddenCursorCss: '* { cursor: none !important; }',
  /** Wait before showing the screen again after its renderer died (a crash loop stays slow). */
  reloadDelayMs: 2000,
});

/** The window's options on the given display; DevTools only outside a packaged app. */
export function windowOptions(options: {
  readonly production: boolean;
  readonly bounds: Rectangle;
}): BrowserWindowConstructorOptions {
  const { x, y, width, height } = options.bounds;
  return {
    ...KIOSK_SECURITY.window,
    x,
    y,
    width,
    height,
    webPreferences: { ...KIOSK_SECURITY.webPreferences, devTools: !options.production },
  };
}

/** The scheme to register before ready (a copy: Electron gets no reference to the data). */
export function privilegedSchemes(): CustomScheme[] {
  const { scheme, privileges } = KIOSK_SECURITY.scheme;
  return [{ scheme, privileges: { ...privileges } }];
}

/**
 * The window may only show the app's own origin (checklist 13). Compared on the parsed URL:
 * a prefix test would let app://kiosk.evil/ or app://kiosk@evil/ through.
 */
export function isAllowedNavigation(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${SCHEME}:` &&
    parsed.host === HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Camera, microphone, geolocation, notifications...: the kiosk needs none (checklist 5). */
export function permissionDecision(_permission?: string): boolean {
  return false;
}

/** No window besides the kiosk's own (checklist 14). */
export function windowOpenDecision(): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/**
 * The display named by kiosk.display, by label (case-insensitive) or id; the primary one when
 * none is asked for or the one asked for is not connected (`fallback` then says so).
 */
export function chooseDisplay<D extends { readonly id: number; readonly label: string }>(
  displays: readonly D[],
  wanted: string | null,
  primary: D,
): { readonly display: D; readonly fallback: boolean } {
  if (wanted === null) return { display: primary, fallback: false };
  const name = wanted.trim().toLowerCase();
  const found =
    displays.find((d) => d.label.trim().toLowerCase() === name) ??
    displays.find((d) => String(d.id) === name);
  return found === undefined
    ? { display: primary, fallback: true }
    : { display: found, fallback: false };
}

export type ShortcutDecision = 'pass' | 'block' | 'devtools';

const DEVTOOLS_KEYS = new Set(['i', 'j', 'c']);
const BLOCKED_WITH_CTRL = new Set(['r', 'w', 'q', 'p', 'u', 'n', 't', '+', '-', '=', '0']);

/**
 * What to do with a key press before the page sees it. In production the DevTools, reload,
 * close, print and zoom shortcuts are swallowed (a visitor must not leave or reset the screen);
 * in development F12 and Ctrl+Shift+I open the DevTools.
 */
export function shortcutDecision(
  input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'shift' | 'alt'>,
  production: boolean,
): ShortcutDecision {
  if (input.type !== 'keyDown') return 'pass';
  const key = input.key.toLowerCase();
  const ctrl = input.control || input.meta;
  const devtools = key === 'f12' || (ctrl && input.shift && DEVTOOLS_KEYS.has(key));
  if (devtools) return production ? 'block' : 'devtools';
  if (!production) return 'pass';
  if (key === 'f5' || key === 'f11' || (ctrl && BLOCKED_WITH_CTRL.has(key))) return 'block';
  return 'pass';
}
