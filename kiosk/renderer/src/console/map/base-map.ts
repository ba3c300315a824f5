// A Leaflet map on the bundled départements (and the configured tiles, if any), its zoom
// buttons titled in the console's language. Only the map/ folder imports Leaflet.
import 'leaflet/dist/leaflet.css';
import './map.css';
import L from 'leaflet';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { SessionResponse } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import { FRANCE_BOUNDS, departements } from './basemap.js';
import { canvasRenderer } from './canvas-renderer.js';

export { L };

/**
 * The map in `element`, made once per tile setting; null before it exists. Markers and lines
 * are the caller's, drawn on canvas.
 */
export function useBaseMap(
  element: RefObject<HTMLDivElement | null>,
  session: Pick<SessionResponse, 'tileUrl' | 'tileAttribution'>,
): L.Map | null {
  const { t } = useText();
  const [map, setMap] = useState<L.Map | null>(null);
  const { tileUrl, tileAttribution } = session;
  useEffect(() => {
    if (element.current === null) return;
    const created = L.map(element.current, {
      // Canvas, not SVG: 150 markers moving every second.
      renderer: canvasRenderer(),
      zoomSnap: 0.25,
      attributionControl: tileUrl !== null,
      // Keyboard panning needs a focusable map; the tables beside carry the same facts.
      keyboard: false,
      // Added below, with titles in the console's language.
      zoomControl: false,
      // No animations: a map removed mid-animation (another day opened) throws in Leaflet,
      // and a data console gains nothing from them.
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
    });
    created.fitBounds(FRANCE_BOUNDS);
    if (tileUrl !== null) {
      L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 18 }).addTo(created);
    }
    L.geoJSON(departements(), {
      interactive: false,
      style: { color: '#6b6b6b', weight: 1, fillColor: '#eef1f5', fillOpacity: tileUrl ? 0 : 1 },
    }).addTo(created);
    setMap(created);
    return () => {
      setMap(null);
      created.remove();
    };
  }, [element, tileUrl, tileAttribution]);

  const zoomIn = t('map.zoomIn');
  const zoomOut = t('map.zoomOut');
  useEffect(() => {
    if (map === null) return;
    const zoom = L.control.zoom({ zoomInTitle: zoomIn, zoomOutTitle: zoomOut }).addTo(map);
    return () => {
      zoom.remove();
    };
  }, [map, zoomIn, zoomOut]);
  return map;
}

/** The map element's ref, for useBaseMap. */
export function useMapElement() {
  return useRef<HTMLDivElement>(null);
}

/** A tooltip's content as text, never markup (a stop's name is typed by a planner). */
export function textContent(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}
