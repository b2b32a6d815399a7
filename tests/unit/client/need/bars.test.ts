import { barOf, extentOf } from '../../../../client/need/bars';

describe('extentOf', () => {
  it('when values include missing ones, then the extent is of the present values only', () => {
    expect(extentOf([3, null, -1, Number.NaN, 2])).toEqual({ min: -1, max: 3 });
  });

  it('when no value is present, then there is no extent (and so no bar)', () => {
    expect(extentOf([null, null])).toBeNull();
    expect(extentOf([])).toBeNull();
  });
});

describe('barOf', () => {
  it('when every value is positive, then bars start at 0 and the largest fills the cell', () => {
    const extent = { min: 1, max: 4 };

    expect(barOf(4, extent)).toEqual({ left: 0, width: 100 });
    expect(barOf(1, extent)).toEqual({ left: 0, width: 25 });
  });

  it('when values span 0, then negative bars run left of the zero line and positive ones right', () => {
    const extent = { min: -1, max: 3 }; // zero line at 25 %

    expect(barOf(-1, extent)).toEqual({ left: 0, width: 25 });
    expect(barOf(3, extent)).toEqual({ left: 25, width: 75 });
    expect(barOf(0, extent)).toEqual({ left: 25, width: 0 });
  });

  it('when every value is 0, then the bar is empty rather than a division by zero', () => {
    expect(barOf(0, { min: 0, max: 0 })).toEqual({ left: 0, width: 0 });
  });
});
