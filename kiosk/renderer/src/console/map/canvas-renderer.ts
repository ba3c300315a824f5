// The maps' canvas renderer: Leaflet 1.9's, with one race closed.
//
// A canvas renderer draws changes on the next animation frame, and remembers that frame so
// that removing the map cancels it. But after a move or a zoom it redraws at once, and then
// forgets the frame it had asked for without cancelling it. When the map is removed before
// that frame (a screen left right after its map moved), the frame comes and draws on a canvas
// already gone: "Cannot read properties of undefined (reading 'clearRect')" (or 'save').
// Here, a redraw made at once cancels the frame it replaces. test/console-map.test.ts plays
// the race.
import L from 'leaflet';

/** What this subclass touches of Leaflet's canvas renderer, which its types keep private. */
interface CanvasInternals {
  _redrawRequest: number | null;
}

const redraw = (L.Canvas.prototype as unknown as { _redraw: (this: CanvasInternals) => void })
  ._redraw;

const SafeCanvas = L.Canvas.extend({
  _redraw(this: CanvasInternals) {
    // Called by its own frame, this cancels nothing; called at once, it cancels the frame.
    L.Util.cancelAnimFrame(this._redrawRequest ?? 0);
    redraw.call(this);
  },
}) as unknown as new () => L.Canvas;

/** A canvas renderer for one map (a renderer belongs to the map it is added to). */
export function canvasRenderer(): L.Canvas {
  return new SafeCanvas();
}
