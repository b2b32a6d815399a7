import {
  loadShortlist,
  parsePrintIds,
  parseShortlist,
  printPath,
  saveShortlist,
  SHORTLIST_KEY,
  SHORTLIST_MAX,
  shortlistSummary,
  toggleShortlist,
} from '../../../client/find/shortlist';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A Storage stand-in over a Map. */
function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('shortlist', () => {
  it('when a service is toggled twice, then it is added and then removed', () => {
    const once = toggleShortlist([], { id: id(1), name: 'Walking group' });
    expect(once).toEqual([{ id: id(1), name: 'Walking group' }]);
    expect(toggleShortlist(once, { id: id(1), name: 'Walking group' })).toEqual([]);
  });

  it('when the shortlist is full, then nothing more is added', () => {
    const full = Array.from({ length: SHORTLIST_MAX }, (_, i) => ({ id: id(i), name: `S${i}` }));
    expect(toggleShortlist(full, { id: id(99), name: 'One more' })).toHaveLength(SHORTLIST_MAX);
  });

  it('when stored, then only ids and names are kept, and reading drops malformed or duplicate entries', () => {
    const storage = memoryStorage();
    const extra = { id: id(1), name: 'Debt advice', patientName: 'Jane Doe' };
    saveShortlist(storage, [extra, { id: id(2), name: 'Carers café' }]);

    expect(JSON.parse(storage.data.get(SHORTLIST_KEY)!)).toEqual([
      { id: id(1), name: 'Debt advice' },
      { id: id(2), name: 'Carers café' },
    ]);
    expect(loadShortlist(storage)).toEqual([
      { id: id(1), name: 'Debt advice' },
      { id: id(2), name: 'Carers café' },
    ]);
    expect(
      parseShortlist(JSON.stringify([{ id: id(1), name: 'A' }, { id: id(1), name: 'B' }, { id: 'x', name: 'C' }, 7])),
    ).toEqual([{ id: id(1), name: 'A' }]);
    expect(parseShortlist('{not json')).toEqual([]);
    expect(parseShortlist('{"id":1}')).toEqual([]);
  });

  it('when the last service is removed, then the storage key is removed', () => {
    const storage = memoryStorage();
    saveShortlist(storage, [{ id: id(1), name: 'A' }]);
    saveShortlist(storage, []);
    expect(storage.data.has(SHORTLIST_KEY)).toBe(false);
  });

  it('when storage throws, then the shortlist still answers', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
      removeItem: () => undefined,
    };
    expect(loadShortlist(broken)).toEqual([]);
    expect(() => saveShortlist(broken, [{ id: id(1), name: 'A' }])).not.toThrow();
  });

  it('builds the print path and reads it back, ignoring anything that is not a service id', () => {
    const items = [
      { id: id(1), name: 'A' },
      { id: id(2), name: 'B' },
    ];
    const path = printPath(items);
    expect(path).toBe(`/find/print?ids=${id(1)},${id(2)}`);
    const params = new URL(path, 'http://x').searchParams;
    params.append('ids', `${id(1)},../etc,${id(3).toUpperCase()}`);
    expect(parsePrintIds(params)).toEqual([id(1), id(2), id(3)]);
  });

  it('writes a plain-text summary naming each service with its link', () => {
    const text = shortlistSummary(
      [
        { id: id(1), name: 'Debt advice' },
        { id: id(2), name: 'Carers café' },
      ],
      'https://signpost.example',
      new Date('2026-11-24T12:00:00Z'),
    );
    expect(text).toBe(
      [
        'Services suggested (Signpost, 24 November 2026):',
        `1. Debt advice – https://signpost.example/services/${id(1)}`,
        `2. Carers café – https://signpost.example/services/${id(2)}`,
      ].join('\n'),
    );
  });
});
