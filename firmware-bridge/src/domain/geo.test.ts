import { describe, expect, it } from 'vitest';
import { bearingDeg, destination, distanceM, headingChangeDeg } from './geo.js';

describe('geo', () => {
  it('measures one degree along a meridian and along the equator as 2 pi R / 360', () => {
    const oneDegree = (2 * Math.PI * 6_371_008.8) / 360;
    expect(distanceM({ lat: 45, lon: 1 }, { lat: 46, lon: 1 })).toBeCloseTo(oneDegree, 3);
    expect(distanceM({ lat: 0, lon: 1 }, { lat: 0, lon: 2 })).toBeCloseTo(oneDegree, 3);
  });

  it('goes out and comes back: destination then distance and bearing', () => {
    const start = { lat: 45.9198, lon: 1.3975 };
    for (const bearing of [0, 45, 90, 179, 270, 359]) {
      const end = destination(start, bearing, 250);
      expect(distanceM(start, end)).toBeCloseTo(250, 6);
      expect(headingChangeDeg(bearingDeg(start, end), bearing)).toBeLessThan(1e-6);
    }
  });

  it('takes the short way round for heading changes', () => {
    expect(headingChangeDeg(350, 10)).toBe(20);
    expect(headingChangeDeg(10, 350)).toBe(20);
    expect(headingChangeDeg(0, 180)).toBe(180);
    expect(headingChangeDeg(90, 90)).toBe(0);
  });
});
