/** The shared text rule: control characters, unpaired surrogates and (single-line) tabs and line breaks are refused by every request schema. */
import { multiLine, singleLine, textProblem } from '../../../shared/schemas/common';
import { ServiceBody } from '../../../shared/schemas/directory';
import { SearchQuery } from '../../../shared/schemas/search';
import { findUnsafeText } from '../../../server/middleware/safeInput';

const CONTROLS = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u000e',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
];

describe('textProblem', () => {
  it.each(CONTROLS.map((c) => [c.codePointAt(0)!.toString(16).padStart(4, '0'), c]))(
    'refuses control character U+%s in single- and multi-line text',
    (_code, c) => {
      expect(textProblem(`a${c}b`, 'single')).toBe('must not contain control characters');
      expect(textProblem(`a${c}b`, 'multi')).toBe('must not contain control characters');
    },
  );

  it('refuses unpaired surrogates but accepts pairs (emoji)', () => {
    for (const s of ['\ud800', 'a\udc00', '\udbff\udbff', '\ud83d'])
      expect(textProblem(s)).toBe('must be valid Unicode text (no unpaired surrogates)');
    expect(textProblem('Café 😀 ☕ ŁÓDŹ 東京')).toBeUndefined();
  });

  it('refuses tabs and line breaks only in single-line text', () => {
    for (const s of ['a\tb', 'a\nb', 'a\rb', 'a\r\nb']) {
      expect(textProblem(s, 'single')).toBe('must be a single line (no tabs or line breaks)');
      expect(textProblem(s, 'multi')).toBeUndefined();
    }
  });

  it('chains like z.string and reports the reason once', () => {
    const name = singleLine({ error: 'is required' }).trim().min(1, 'must not be empty').max(5, 'too long');
    expect(name.parse('  abc ')).toBe('abc');
    expect(name.safeParse('ab\u0000cdefgh').error?.issues.map((i) => i.message)).toEqual([
      'must not contain control characters',
    ]);
    expect(name.safeParse(5).error?.issues.map((i) => i.message)).toEqual(['is required']);
    expect(multiLine().parse('a\n\tb')).toBe('a\n\tb');
  });
});

describe('request schemas use the rule', () => {
  it('ServiceBody names the field of a nested control character', () => {
    const result = ServiceBody.safeParse({ name: 'Walks', contacts: [{ name: 'Sam\u0000' }] });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['contacts.0.name', 'must not contain control characters'],
    ]);
  });

  it('ServiceBody refuses a URL with a line break (which the URL parser would silently drop)', () => {
    const result = ServiceBody.safeParse({ name: 'Walks', url: 'https://exa\nmple.org' });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['url', 'must be a single line (no tabs or line breaks)'],
    ]);
  });

  it('SearchQuery refuses a control character in q', () => {
    expect(SearchQuery.safeParse({ q: 'walk\u0007' }).error?.issues[0]?.message).toBe(
      'must not contain control characters',
    );
  });
});

describe('findUnsafeText (the middleware walk)', () => {
  it('names dotted paths and field names, and survives very deep input', () => {
    expect(findUnsafeText({ a: [{ b: 'x\u0000' }], 'k\u0001': 1, ok: 'line\nbreak' })).toEqual([
      { field: 'k\u0001', message: 'has a field name that must not contain control characters' },
      { field: 'a.0.b', message: 'must not contain control characters' },
    ]);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)).toEqual([
      { field: Array(32).fill('0').join('.'), message: 'is nested too deeply (at most 32 levels)' },
    ]);
  });
});
