import {
  activeFilterCount,
  distanceText,
  EMPTY_FIND_VIEW,
  findViewToParams,
  mapApiPath,
  parseFindView,
  searchApiPath,
  type FindView,
} from '../../../client/find/searchView';
import { SearchQuery, MapQuery } from '../../../shared/schemas/search';

const parse = (search: string) => parseFindView(new URLSearchParams(search));
const queryOf = (path: string) =>
  Object.fromEntries(
    [...new URL(path, 'http://x').searchParams.keys()].map((k) => {
      const all = new URL(path, 'http://x').searchParams.getAll(k);
      return [k, all.length > 1 ? all : all[0]!];
    }),
  );

describe('parseFindView and findViewToParams', () => {
  it('when the URL is empty, then the view has no search and no filters, and serialises to nothing', () => {
    expect(parse('')).toEqual(EMPTY_FIND_VIEW);
    expect(findViewToParams(parse('')).toString()).toBe('');
    expect(searchApiPath(parse(''))).toBeNull();
  });

  it('when the URL sets every parameter, then they round-trip', () => {
    const search =
      'postcode=M13+9PL&radiusKm=10&category=advice.debt&category=wellbeing&q=carers&capacity=accepting' +
      '&include=waitlist&unconfirmed=false&mode=in_person&mode=phone&free=true&age=67&language=pa&openOn=MO%4014%3A30' +
      '&sort=distance';
    const view = parse(search);

    expect(view).toEqual({
      postcode: 'M13 9PL',
      radiusKm: 10,
      category: ['advice.debt', 'wellbeing'],
      q: 'carers',
      acceptingOnly: true,
      includeWaitlist: true,
      includeUnconfirmed: false,
      mode: ['in_person', 'phone'],
      free: true,
      age: 67,
      language: 'pa',
      openDay: 'MO',
      openTime: '14:30',
      sort: 'distance',
    });
    expect(findViewToParams(view).toString()).toBe(search);
  });

  it('when values are comma-separated, repeated, padded or upper-case, then they are normalised', () => {
    const view = parse(
      'postcode=+m13++9pl+&category=Advice.Debt,wellbeing&category=wellbeing&mode=phone,online&openOn=tu',
    );

    expect(view.postcode).toBe('m13 9pl');
    expect(view.category).toEqual(['advice.debt', 'wellbeing']);
    expect(view.mode).toEqual(['phone', 'online']);
    expect(view.openDay).toBe('TU');
    expect(view.openTime).toBeNull();
  });

  it.each([
    ['radiusKm=-1', { radiusKm: null }],
    ['radiusKm=1000', { radiusKm: null }],
    ['radiusKm=5', { radiusKm: null }],
    ['radiusKm=abc', { radiusKm: null }],
    ['age=12.5', { age: null }],
    ['age=200', { age: null }],
    ['language=english', { language: null }],
    ['openOn=XX', { openDay: null, openTime: null }],
    ['openOn=MO@25:00', { openDay: 'MO', openTime: null }],
    ['sort=random', { sort: 'relevance' }],
    ['mode=teleport', { mode: [] }],
    ['category=not%20a%20code', { category: [] }],
    ['postcode=%3Cscript%3E', { postcode: null }],
    ['include=waitlist', { acceptingOnly: false, includeWaitlist: false }],
    ['unconfirmed=maybe', { includeUnconfirmed: true }],
    ['free=yes', { free: false }],
  ])('when the URL has %s, then the value falls back to its default', (search, expected) => {
    expect(parse(search)).toMatchObject(expected);
  });

  it('when the radius is the default, then it is left out of the URL', () => {
    expect(findViewToParams({ ...EMPTY_FIND_VIEW, postcode: 'M13', radiusKm: 5 }).toString()).toBe('postcode=M13');
  });

  it('when waitlist is included without "accepting only", then it is not written (it only widens that filter)', () => {
    const view: FindView = { ...EMPTY_FIND_VIEW, postcode: 'M13', includeWaitlist: true };
    expect(findViewToParams(view).toString()).toBe('postcode=M13');
  });
});

describe('searchApiPath and mapApiPath', () => {
  it('when a view has a postcode, then the search path carries the filters the API schema accepts', () => {
    const view = parse(
      'postcode=M13 9PL&category=advice.debt&capacity=accepting&include=waitlist&openOn=FR@09:00&age=30',
    );
    const path = searchApiPath(view, 'abc123')!;

    expect(path.startsWith('/api/services/search?')).toBe(true);
    const parsed = SearchQuery.safeParse(queryOf(path));
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({
      postcode: 'M13 9PL',
      category: ['advice.debt'],
      capacity: 'accepting',
      include: ['waitlist'],
      openOn: { day: 'FR', time: '09:00' },
      age: 30,
      cursor: 'abc123',
    });
  });

  it('when the map looks past the edges of the world, then the box is clamped and the path passes the API schema', () => {
    const view = parse('postcode=M13&free=true');
    const path = mapApiPath(view, { west: -200.123456, south: -95, east: 10.5, north: 95 }, 3.6)!;

    const parsed = MapQuery.safeParse(queryOf(path));
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ bbox: { west: -180, south: -90, east: 10.5, north: 90 }, zoom: 4, free: true });
    expect(queryOf(path).postcode).toBeUndefined();
  });

  it('when the box is empty, then there is no map path', () => {
    expect(mapApiPath(EMPTY_FIND_VIEW, { west: 1, south: 50, east: 1, north: 51 }, 10)).toBeNull();
  });
});

describe('distanceText and activeFilterCount', () => {
  it.each([
    [{ distanceKm: 1.234, remote: false }, '1.2 km away'],
    [{ distanceKm: 0.334, remote: false }, '330 m away'],
    [{ distanceKm: 0.004, remote: false }, 'Under 10 m away'],
    [{ distanceKm: 23.64, remote: false }, '23.6 km away'],
    [{ distanceKm: null, remote: true }, 'Phone/online — covers your area'],
    [{ distanceKm: 3, remote: true }, 'Phone/online — covers your area'],
    [{ distanceKm: null, remote: false }, 'Distance not known'],
  ])('when a result is %o, then its distance reads %s', (result, text) => {
    expect(distanceText(result)).toBe(text);
  });

  it('counts the filters set beyond the postcode', () => {
    expect(activeFilterCount(parse('postcode=M13&radiusKm=10&sort=distance'))).toBe(0);
    expect(activeFilterCount(parse('capacity=accepting&include=waitlist&free=1&mode=phone&openOn=MO'))).toBe(4);
  });
});
