// The bundled basemap as GeoJSON: France's départements (Natural Earth admin-1), no network.
import type { FeatureCollection } from 'geojson';
import type { GeometryCollection } from 'topojson-specification';
import { feature } from 'topojson-client';
import topology from 'virtual:france-basemap';

/** Metropolitan France and Corsica: the view before any bus has a position. */
export const FRANCE_BOUNDS: [[number, number], [number, number]] = [
  [41.3, -5.2],
  [51.1, 9.6],
];

export function departements(): FeatureCollection {
  const object = topology.objects.fra;
  if (object?.type !== 'GeometryCollection') throw new Error('the basemap has no départements');
  return feature(topology, object as GeometryCollection);
}
