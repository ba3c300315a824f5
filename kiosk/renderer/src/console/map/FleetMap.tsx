// The fleet on a map: one marker per bus, coloured by its condition, over the bundled basemap.
// The map is a picture of the table below it: the table is what keyboards and screen readers
// use.
import { useEffect, useRef } from 'react';
import type { Language, SessionResponse } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import { sameRow, type Condition, type FleetRow } from '../fleet/model/fleet.js';
import { L, textContent, useBaseMap, useMapElement } from './base-map.js';

/** The markers' colours: the theme's own, read from its custom properties. */
export function conditionColours(): Record<Condition, string> {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    alert: read('--bad', '#9b1c1c'),
    silent: read('--warn', '#8a3b00'),
    degraded: read('--degraded', '#c98a00'),
    ok: read('--ok', '#1e5c1e'),
  };
}

/** The legend's conditions, worst first. */
const CONDITIONS: readonly Condition[] = ['alert', 'silent', 'degraded', 'ok'];

export interface FleetMapProps {
  readonly rows: readonly FleetRow[];
  readonly session: SessionResponse;
  readonly language: Language;
}

export default function FleetMap({ rows, session, language }: FleetMapProps) {
  const { t } = useText();
  const element = useMapElement();
  const map = useBaseMap(element, session);
  const markers = useRef(new Map<string, { marker: L.CircleMarker; row: FleetRow }>());
  const fitted = useRef(false);

  useEffect(() => {
    const placed = markers.current;
    return () => {
      placed.clear();
      fitted.current = false;
    };
  }, [map]);

  useEffect(() => {
    if (map === null) return;
    const colours = conditionColours();
    const seen = new Set<string>();
    const points: L.LatLngExpression[] = [];
    for (const row of rows) {
      const { position, busId } = row.bus;
      if (position === null) continue;
      seen.add(busId);
      const at: L.LatLngExpression = [position.lat, position.lon];
      points.push(at);
      const style = {
        color: '#1a1a1a',
        weight: 1.5,
        fillColor: colours[row.condition],
        fillOpacity: 1,
      };
      const placed = markers.current.get(busId);
      if (placed === undefined) {
        const marker = L.circleMarker(at, { radius: 8, ...style }).bindTooltip(textContent(busId));
        marker.addTo(map);
        markers.current.set(busId, { marker, row });
      } else if (!sameRow(placed.row, row)) {
        // Only the buses that moved or changed are drawn again.
        placed.marker.setLatLng(at);
        placed.marker.setStyle(style);
        placed.row = row;
      }
    }
    for (const [busId, { marker }] of markers.current) {
      if (!seen.has(busId)) {
        marker.remove();
        markers.current.delete(busId);
      }
    }
    // The buses' area once, when their positions first arrive; then the user's own view.
    if (!fitted.current && points.length > 0) {
      fitted.current = true;
      map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 9 });
    }
  }, [map, rows]);

  const missing = rows.filter((row) => row.bus.position === null).length;
  return (
    <figure className="fleet-map" lang={language} aria-label={t('map.title')}>
      <div ref={element} className="map" />
      <figcaption>
        {t('map.description')}{' '}
        <span className="legend">
          {CONDITIONS.map((condition) => (
            <span key={condition} className="legend-item">
              <span className={`dot ${condition}`} aria-hidden="true" />{' '}
              {t(`fleet.condition.${condition}`)}
            </span>
          ))}
        </span>
        <span className="positions">{t('map.noPosition', { count: missing })}</span>
      </figcaption>
    </figure>
  );
}
