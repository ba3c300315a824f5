// The console maps' canvas renderer in Chromium: a map removed right after it moved, before
// the frame its renderer had asked for (a screen left at once), must not throw when that
// frame comes. Leaflet 1.9's own renderer does; ours cancels the frame.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
import { kioskBrowser } from './kiosk-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RENDERER = path.resolve(
  import.meta.dirname,
  '../kiosk/renderer/src/console/map/canvas-renderer.ts',
);

/** Leaflet and our renderer in one script for the page, as window.leaflet and window.ours. */
async function bundle(): Promise<string> {
  const entry = 'virtual:map-test';
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: path.dirname(RENDERER),
    plugins: [
      {
        name: 'map-test-entry',
        // The library entry comes resolved against the root.
        resolveId: (id) => (id.endsWith(entry) ? `\0${entry}` : null),
        load: (id) =>
          id === `\0${entry}`
            ? `import L from 'leaflet';
               import { canvasRenderer } from ${JSON.stringify(RENDERER)};
               window.leaflet = L;
               window.ours = canvasRenderer;`
            : null,
      },
    ],
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['iife'], name: 'mapTest', fileName: 'map-test' },
    },
  });
  const [first] = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
  const chunk = first?.output.find((file) => file.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('no bundle');
  return chunk.code;
}

let script = '';
beforeAll(async () => {
  script = await bundle();
}, 60_000);

/**
 * In one task: a map, a marker (its renderer asks for a frame), a zoom (the renderer redraws
 * at once) and the map removed; then two frames. Resolves with the page's uncaught errors.
 */
async function moveAndRemove(renderer: 'leaflet' | 'ours'): Promise<string[]> {
  const browser = await kioskBrowser(cleanups);
  const page = await browser.page(
    'data:text/html,<h1>map</h1><div id="map" style="width:400px;height:300px"></div>',
  );
  await page.addScriptTag({ content: script });
  await page.evaluate(async (which) => {
    interface Leaflet {
      map(id: string, options: object): LeafletMap;
      canvas(): unknown;
      circleMarker(at: [number, number]): { addTo(map: LeafletMap): void };
    }
    interface LeafletMap {
      setView(at: [number, number], zoom: number): LeafletMap;
      remove(): void;
    }
    const page = window as unknown as { leaflet: Leaflet; ours: () => unknown };
    const L = page.leaflet;
    const map = L.map('map', {
      renderer: which === 'ours' ? page.ours() : L.canvas(),
      zoomAnimation: false,
      fadeAnimation: false,
    }).setView([46, 2], 5);
    L.circleMarker([46, 2]).addTo(map);
    map.setView([46.5, 2.5], 7);
    map.remove();
    for (let frame = 0; frame < 2; frame++) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }, renderer);
  return browser.problems();
}

describe('the console maps’ canvas renderer', () => {
  it('does not draw after its map is gone, when the map was removed right after a zoom', async () => {
    expect(await moveAndRemove('ours')).toEqual([]);
  }, 60_000);

  it('plays a race Leaflet’s own renderer loses (if this fails, Leaflet fixed it)', async () => {
    const problems = await moveAndRemove('leaflet');
    // Its frame draws on the canvas it no longer has.
    expect(problems.join('\n')).toMatch(/Cannot read properties of undefined[^\n]*\n.*_clear/);
  }, 60_000);
});
