// The départements' TopoJSON, bundled by ../../../france-basemap.ts.
declare module 'virtual:france-basemap' {
  const topology: import('topojson-specification').Topology;
  export default topology;
}
