// The shell's security settings against Electron's security checklist, item by item
// (https://www.electronjs.org/docs/latest/tutorial/security), and electron-builder.yml against them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
import { PAGE_CONTENT_SECURITY_POLICY, REACT_ARIA_PRESS_STYLE_HASH } from '../server/headers.js';

const here = import.meta.dirname;
const kioskDir = path.resolve(here, '../..');
const bounds = { x: 1920, y: 0, width: 1080, height: 1920 };
const production = windowOptions({ production: true, bounds });
const prefs = production.webPreferences ?? {};

/** The CSP as directive -> sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

const csp = directives(KIOSK_SECURITY.contentSecurityPolicy);

/** The shell's own sources (not the tests), read as text. */
const shellSources = ['main.ts', 'app-protocol.ts', 'security.ts'].map((file) =>
  readFileSync(path.join(here, file), 'utf8'),
);

describe('Electron security checklist', () => {
  it('1. loads only its own files: a secure custom scheme, and CSP sources limited to self', () => {
    expect(KIOSK_SECURITY.scheme.privileges.secure).toBe(true);
    expect(new URL(KIOSK_SECURITY.appUrl).protocol).toBe('app:');
    for (const [name, sources] of csp) {
      const allowed = new Set(["'self'", "'none'"]);
      if (name === 'img-src') allowed.add('data:');
      // React Aria's one press stylesheet, by its hash (never 'unsafe-inline').
      if (name === 'style-src') allowed.add(REACT_ARIA_PRESS_STYLE_HASH);
      // The on-board broker's WebSocket (loopback on the bus box).
      if (name === 'connect-src') ['ws:', 'wss:'].forEach((s) => allowed.add(s));
      for (const source of sources) expect(allowed, `${name} ${source}`).toContain(source);
    }
  });

  it('2. gives Node to no renderer, worker or frame, and has no preload', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs).not.toHaveProperty('preload');
  });

  it('3. isolates the context', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. sandboxes the renderer, and nothing turns the sandbox off', () => {
    expect(prefs.sandbox).toBe(true);
    for (const source of shellSources) {
      expect(source).not.toMatch(/no-sandbox|sandbox:\s*false|appendSwitch|disable-web-security/);
    }
  });

  it('5. denies every permission request and check', () => {
    const permissions = [
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'fullscreen',
      'geolocation',
      'hid',
      'idle-detection',
      'media',
      'mediaKeySystem',
      'midi',
      'midiSysex',
      'notifications',
      'openExternal',
      'pointerLock',
      'keyboardLock',
      'serial',
      'speaker-selection',
      'storage-access',
      'top-level-storage-access',
      'usb',
      'window-management',
      'fileSystem',
      'unknown',
    ];
    for (const permission of permissions) expect(permissionDecision(permission)).toBe(false);
    expect(permissionDecision()).toBe(false);
  });

  it('6. keeps webSecurity', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it("7. defines a strict CSP: default-src 'self', no unsafe source, no plugin, no framing", () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(KIOSK_SECURITY.contentSecurityPolicy).not.toMatch(/unsafe-|\*|https?:/);
    expect(KIOSK_SECURITY.headers['content-security-policy']).toBe(
      KIOSK_SECURITY.contentSecurityPolicy,
    );
    expect(KIOSK_SECURITY.scheme.privileges.bypassCSP).toBe(false);
    // The screen's own <meta> says the same, for when it is opened without these headers,
    // except frame-ancestors, which a <meta> policy cannot carry (the header does).
    for (const page of ['index.html', 'driver.html']) {
      const html = readFileSync(path.join(kioskDir, 'renderer', page), 'utf8');
      const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
      expect(meta, page).toBe(PAGE_CONTENT_SECURITY_POLICY);
    }
    expect(KIOSK_SECURITY.contentSecurityPolicy).toBe(
      `${PAGE_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    );
  });

  it('8. runs no insecure content', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. enables no experimental feature', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. enables no Blink feature', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11-12. has no webview tag (and main.ts refuses any attach)', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(shellSources[0]).toContain("'will-attach-webview'");
  });

  it('13. navigates only within app://kiosk/', () => {
    expect(isAllowedNavigation('app://kiosk/')).toBe(true);
    expect(isAllowedNavigation('app://kiosk/index.html?lang=ar#why')).toBe(true);
    expect(isAllowedNavigation(KIOSK_SECURITY.driverUrl)).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'http://evil.example/',
      'https://evil.example/app://kiosk/',
      'app://kiosk.evil/',
      'app://kiosk@evil/',
      'app://evil@kiosk/',
      'app://other/',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'chrome://gpu',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
    expect(production.webPreferences?.navigateOnDragDrop).toBe(false);
  });

  it('14. opens no new window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('15, 17, 20. exposes nothing to the page: no openExternal, no IPC, no preload', () => {
    for (const source of shellSources) {
      expect(source).not.toMatch(/openExternal\(|ipcMain|contextBridge|preload:/);
    }
  });

  it('16. uses a current Electron (41 or later)', () => {
    const kiosk = JSON.parse(readFileSync(path.join(kioskDir, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const major = Number(/\d+/.exec(kiosk.devDependencies.electron ?? '')?.[0]);
    expect(major).toBeGreaterThanOrEqual(41);
  });

  it('18. serves the screen from a privileged custom scheme, not file://', () => {
    expect(privilegedSchemes()).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          supportFetchAPI: true,
          bypassCSP: false,
        }) as unknown,
      },
    ]);
    expect(KIOSK_SECURITY.scheme.scheme).not.toBe('file');
    expect(KIOSK_SECURITY.fuses.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('19. flips the fuses that would turn the kiosk into a Node shell', () => {
    expect(KIOSK_SECURITY.fuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('the kiosk window', () => {
  it('fills the chosen display, framed by nothing, without DevTools in production', () => {
    expect(production).toMatchObject({
      kiosk: true,
      fullscreen: true,
      frame: false,
      autoHideMenuBar: true,
      ...bounds,
    });
    expect(prefs.devTools).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect(windowOptions({ production: false, bounds }).webPreferences?.devTools).toBe(true);
  });

  it('cannot be loosened at run time', () => {
    expect(() => {
      (KIOSK_SECURITY.webPreferences as { sandbox: boolean }).sandbox = false;
    }).toThrow(TypeError);
    expect(() => {
      (KIOSK_SECURITY.fuses as { runAsNode: boolean }).runAsNode = true;
    }).toThrow(TypeError);
    expect(KIOSK_SECURITY.webPreferences.sandbox).toBe(true);
    // The options handed to Electron are copies.
    expect(production.webPreferences).not.toBe(KIOSK_SECURITY.webPreferences);
  });

  it('swallows the DevTools, reload, close and zoom shortcuts in production', () => {
    const key = (
      k: string,
      mods: Partial<Record<'control' | 'shift' | 'alt' | 'meta', boolean>>,
    ) => ({
      type: 'keyDown',
      key: k,
      control: false,
      shift: false,
      alt: false,
      meta: false,
      ...mods,
    });
    for (const input of [
      key('F12', {}),
      key('I', { control: true, shift: true }),
      key('J', { control: true, shift: true }),
      key('r', { control: true }),
      key('R', { control: true, shift: true }),
      key('F5', {}),
      key('w', { control: true }),
      key('+', { control: true }),
    ]) {
      expect(shortcutDecision(input, true), JSON.stringify(input)).toBe('block');
    }
    expect(shortcutDecision(key('a', {}), true)).toBe('pass');
    expect(shortcutDecision(key('Enter', {}), true)).toBe('pass');
    expect(shortcutDecision({ ...key('F12', {}), type: 'keyUp' }, true)).toBe('pass');
    // In development F12 opens the DevTools, and the rest is left alone.
    expect(shortcutDecision(key('F12', {}), false)).toBe('devtools');
    expect(shortcutDecision(key('r', { control: true }), false)).toBe('pass');
  });
});

describe('chooseDisplay', () => {
  const primary = { id: 1, label: 'eDP-1' };
  const side = { id: 2779098405, label: 'HDMI-1' };
  const displays = [primary, side];

  it('takes the primary display when none is configured', () => {
    expect(chooseDisplay(displays, null, primary)).toEqual({ display: primary, fallback: false });
  });

  it('finds a display by its label, whatever the case and spaces', () => {
    expect(chooseDisplay(displays, 'HDMI-1', primary).display).toBe(side);
    expect(chooseDisplay(displays, ' hdmi-1 ', primary).display).toBe(side);
  });

  it('finds a display by its id', () => {
    expect(chooseDisplay(displays, '2779098405', primary)).toEqual({
      display: side,
      fallback: false,
    });
  });

  it('falls back to the primary display, and says so, when the configured one is missing', () => {
    expect(chooseDisplay(displays, 'DP-3', primary)).toEqual({ display: primary, fallback: true });
    expect(chooseDisplay([], 'HDMI-1', primary)).toEqual({ display: primary, fallback: true });
  });
});

describe('electron-builder.yml', () => {
  const builder = parse(readFileSync(path.join(kioskDir, 'electron-builder.yml'), 'utf8')) as {
    electronFuses: unknown;
    asar: unknown;
    files: string[];
    linux: { target: { target: string; arch: string[] }[] };
  };

  it('flips exactly the fuses of security.ts', () => {
    expect(builder.electronFuses).toEqual(KIOSK_SECURITY.fuses);
  });

  it('packs the bundled shell and the screen into an asar, and nothing else', () => {
    expect(builder.asar).toBe(true);
    expect(builder.files).toEqual([
      'package.json',
      'dist/kiosk-shell.mjs',
      'dist/renderer/**',
      '!node_modules/**',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(kioskDir, 'package.json'), 'utf8')) as {
      main: string;
    };
    expect(manifest.main).toBe('./dist/kiosk-shell.mjs');
  });

  it('builds a deb and an AppImage for x64 and arm64', () => {
    const targets = Object.fromEntries(builder.linux.target.map((t) => [t.target, t.arch]));
    expect(Object.keys(targets).sort()).toEqual(['AppImage', 'deb']);
    for (const arch of Object.values(targets)) expect(arch.sort()).toEqual(['arm64', 'x64']);
  });
});
