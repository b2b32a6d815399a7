import { CAPACITY_STATUSES } from '../../../shared/capacity';
import {
  clusterCountText,
  clusterLabel,
  MARKER_KINDS,
  MARKER_STYLES,
  markerStyleOf,
} from '../../../client/find/markers';

describe('map markers', () => {
  it('gives every capacity status its own letter and shape class, so colour is never the only cue', () => {
    expect(MARKER_KINDS).toEqual([...CAPACITY_STATUSES, 'none']);
    const letters = MARKER_KINDS.map((k) => MARKER_STYLES[k].letter);
    const classes = MARKER_KINDS.map((k) => MARKER_STYLES[k].className);
    expect(new Set(letters).size).toBe(MARKER_KINDS.length);
    expect(new Set(classes).size).toBe(MARKER_KINDS.length);
  });

  it('when capacity is unconfirmed, then the marker says so in its label', () => {
    expect(markerStyleOf('accepting', 'unconfirmed')).toMatchObject({
      letter: 'A',
      isUnconfirmed: true,
      label: 'Accepting (unconfirmed)',
    });
    expect(markerStyleOf('waitlist', 'confirmed')).toMatchObject({
      letter: 'W',
      isUnconfirmed: false,
      label: 'Waitlist',
    });
    expect(markerStyleOf(null, 'unconfirmed')).toMatchObject({ letter: '?', isUnconfirmed: false });
  });

  it.each([
    [7, '7'],
    [999, '999'],
    [1000, '1k'],
    [1250, '1.3k'],
    [15_400, '15k'],
  ])('when a cluster holds %i services, then it reads %s', (count, text) => {
    expect(clusterCountText(count)).toBe(text);
  });

  it('labels a cluster with its count and how many can take people', () => {
    expect(clusterLabel(12, { accepting: 3, limited: 2, waitlist: 4, null: 3 })).toBe(
      '12 services, 5 accepting or with limited places. Zoom in to see them',
    );
  });
});
