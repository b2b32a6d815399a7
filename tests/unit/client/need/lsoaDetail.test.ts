import { MAX_LSOA_BBOX } from '../../../../shared/schemas/areas';
import {
  bboxOfFeatures,
  isLsoaBboxAllowed,
  LSOA_BBOX_LIMIT,
  lsoaRequestBbox,
} from '../../../../client/need/lsoaDetail';

describe('LSOA detail boxes', () => {
  it('keeps the client limit equal to the API limit', () => {
    expect(LSOA_BBOX_LIMIT).toEqual(MAX_LSOA_BBOX);
  });

  it('when features are given, then their bounding box covers every coordinate', () => {
    const box = bboxOfFeatures({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [-2.4, 53.44],
                  [-2.2, 53.44],
                  [-2.2, 53.48],
                  [-2.4, 53.44],
                ],
              ],
            ],
          },
        },
      ],
    });

    expect(box).toEqual({ west: -2.4, south: 53.44, east: -2.2, north: 53.48 });
  });

  it('when the viewport is larger than the ICB, then the request is clipped to the ICB and allowed', () => {
    const viewport = { west: -3.5, south: 53.0, east: -1.0, north: 54.0 };
    const icb = { west: -2.73, south: 53.33, east: -1.91, north: 53.69 };

    const box = lsoaRequestBbox(viewport, icb)!;

    expect(box.west).toBeCloseTo(-2.73);
    expect(box.east).toBeCloseTo(-1.91);
    expect(isLsoaBboxAllowed(box)).toBe(true);
  });

  it('when the box is larger than the API allows, then it is refused', () => {
    expect(isLsoaBboxAllowed({ west: -3, south: 53, east: -1.5, north: 53.5 })).toBe(false);
    expect(isLsoaBboxAllowed({ west: -3, south: 53, east: -2.5, north: 53.7 })).toBe(false);
  });

  it('when the viewport and the ICB do not overlap, then there is nothing to request', () => {
    expect(
      lsoaRequestBbox({ west: 0, south: 50, east: 1, north: 51 }, { west: -3, south: 53, east: -2, north: 54 }),
    ).toBeNull();
  });
});
