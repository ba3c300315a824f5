// A bus's day on the map: its track as recorded and its planned stops, numbered as in the
// table below it (which carries the same facts for keyboards and screen readers).
import { useEffect } from 'react';
import type { BusDayResponse, Language, SessionResponse } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import { L, textContent, useBaseMap, useMapElement } from './base-map.js';

export interface DayMapProps {
  readonly day: BusDayResponse;
  readonly session: SessionResponse;
  readonly language: Language;
}

export default function DayMap({ day, session, language }: DayMapProps) {
  const { t } = useText();
  const element = useMapElement();
  const map = useBaseMap(element, session);

  useEffect(() => {
    if (map === null) return;
    const layer = L.layerGroup().addTo(map);
    const track = day.track.map((point): L.LatLngExpression => [point.lat, point.lon]);
    if (track.length > 1) L.polyline(track, { color: '#003b80', weight: 4 }).addTo(layer);
    day.stops.forEach((stop, index) => {
      L.circleMarker([stop.lat, stop.lon], {
        radius: 10,
        color: '#1a1a1a',
        weight: 2,
        fillColor: stop.actualArrival === null ? '#ffffff' : '#1e5c1e',
        fillOpacity: 1,
      })
        .bindTooltip(textContent(`${String(index + 1)}. ${stop.name}`), {
          permanent: true,
          direction: 'right',
          // Beside the marker (its radius and line), not over its right half.
          offset: [12, 0],
        })
        .addTo(layer);
    });
    const points = [...track, ...day.stops.map((s): L.LatLngExpression => [s.lat, s.lon])];
    if (points.length > 0) map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 13 });
    return () => {
      layer.remove();
    };
  }, [map, day]);

  return (
    <figure className="fleet-map day-map" lang={language} aria-label={t('day.mapTitle')}>
      <div ref={element} className="map" />
      <figcaption>
        {t('day.mapDescription', { points: day.track.length, stops: day.stops.length })}
      </figcaption>
    </figure>
  );
}
