/**
 * Fuzzing GET /api/services/search and GET /api/services/map: 2,400 random and malformed queries from a fixed seed
 * (valid values, edge values, junk, injection attempts, repeated parameters, forged cursors) never produce a 5xx;
 * every 400 is problem+json naming at least one field.
 */
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { POSTCODES, seedGeography } from '../helpers/directory';
import type { Db } from '../../server/db';
import { mulberry32 } from '../../scripts/seed-synthetic';
import { offset, placeService } from './support/search';

let t: TestApp;
let db: Db;

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
  const statuses = ['accepting', 'limited', 'waitlist', 'not_accepting', null] as const;
  for (let i = 0; i < 12; i++) {
    await placeService(db, {
      name: `Fuzz service ${i}`,
      description: 'Walks, talks and food',
      at: i === 11 ? null : offset(POSTCODES.inA, i * 0.7, i * 40),
      status: statuses[i % 5],
      modes: i % 3 === 0 ? ['phone'] : ['in_person'],
      areas: i % 3 === 0 ? [{ areaType: 'icb', areaCode: 'QAA' }] : [],
      terms: [i % 2 ? 'advice.debt' : 'food'],
      languages: i % 4 ? [] : ['pa'],
      schedules: i % 2 ? [{ byday: 'MO,1TU', opensAt: '09:00', closesAt: '17:00' }] : [],
    });
  }
});
afterAll(() => t.close());

const rand = mulberry32(5150);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const NUMBERS = [
  '0',
  '-0',
  '1',
  '5',
  '50',
  '50.0001',
  '-1',
  '1000',
  '1e3',
  '1e-400',
  '5e-324',
  '1e308',
  '-1e308',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '',
  ' ',
  '12abc',
  '53.46',
  '-2.3',
  '200',
  '-91',
  '180.0000001',
  '2.5',
  '120',
  '121',
  '9'.repeat(400),
];
const JUNK = [
  "'; drop table services; --",
  '%',
  '\\',
  '"',
  "o'brien",
  '<script>',
  '🙂',
  '\u0000',
  'a'.repeat(201),
  'a'.repeat(5000),
  '&',
  '!',
  '(',
  ':*',
  '|',
  'walk | talk',
  '"food bank" -debt',
  'OR',
  '-',
  'null',
  'undefined',
  '[]',
  '{}',
];
const VALUES: Record<string, readonly string[]> = {
  postcode: ['M13 9PL', 'm139pl', 'M20 2LL', 'M13', 'M13 9', 'ZZ99 9ZZ', 'SW1A 1AA', 'NPT', 'M', ...JUNK],
  lat: NUMBERS,
  lng: NUMBERS,
  radiusKm: NUMBERS,
  pcn: ['U10001', 'u20001', 'U99999', 'U1', 'X', ...JUNK],
  bbox: [
    '-2.4,53.4,-2.2,53.5',
    '-180,-90,180,90',
    '170,50,-170,60',
    '1,2,3',
    '1,2,3,4,5',
    '-2.4,53.5,-2.2,53.4',
    'a,b,c,d',
    ',,,',
    '-2.3,53.46,-2.3,53.46',
    '-200,0,0,1',
    '-6.5,49.8,2.0,55.9',
    ...JUNK,
  ],
  zoom: ['0', '6', '10', '14', '22', '23', '-1', '3.5', ...JUNK],
  category: ['advice', 'advice.debt', 'food', 'advice,food', 'unknown_code', 'Advice', 'a.b.c', ...JUNK],
  q: ['walk', 'walks talks', 'food', '', ...JUNK],
  age: NUMBERS,
  language: ['en', 'pa', 'PA', 'eng', 'english', 'e', ...JUNK],
  mode: ['in_person', 'phone', 'online', 'phone,online', 'telepathy', ...JUNK],
  free: ['true', 'false', '1', '0', 'yes', ...JUNK],
  openOn: ['MO', 'mo', 'TU@09:30', 'MO@24:00', 'SU@23:59', 'XX', 'MO@9:30', ...JUNK],
  capacity: ['any', 'accepting', 'full', ...JUNK],
  include: ['waitlist', 'waitlist,waitlist', 'full', ...JUNK],
  unconfirmed: ['true', 'false', 'maybe'],
  sort: ['relevance', 'distance', 'updated', 'price', ...JUNK],
  limit: ['1', '20', '100', '101', '0', '-5', '2.5', ...JUNK],
  cursor: [
    'x',
    '!!!',
    Buffer.from('{}').toString('base64url'),
    Buffer.from('null').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{"s":"relevance","k":1,"id":"00000000-0000-4000-8000-000000000000","t":0}').toString('base64url'),
    Buffer.from(
      JSON.stringify({ s: 'distance', k: 1e308, id: '00000000-0000-4000-8000-000000000000', t: Date.now() }),
    ).toString('base64url'),
    Buffer.from(
      JSON.stringify({ s: 'relevance', k: -1, id: 'ffffffff-ffff-4fff-bfff-ffffffffffff', t: Date.now() }),
    ).toString('base64url'),
    Buffer.from(JSON.stringify({ s: 'updated', k: 'x', id: 1, t: 'now' })).toString('base64url'),
    'a'.repeat(501),
    ...JUNK,
  ],
};
const NAMES = [...Object.keys(VALUES), 'unknown', 'lat[]', 'bbox[0]', '__proto__', 'constructor'];

/** A random query: a few parameters, sometimes repeated, usually with a sensible "where". */
function randomQuery(forMap: boolean): string {
  const parts: string[] = [];
  const add = (name: string, value: string) => parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const where = rand();
  if (forMap) {
    if (where < 0.8) add('bbox', pick(VALUES.bbox!));
    if (rand() < 0.8) add('zoom', pick(VALUES.zoom!));
  } else if (where < 0.35) add('postcode', pick(VALUES.postcode!));
  else if (where < 0.6) {
    add('lat', pick(rand() < 0.7 ? ['53.46', '53.5', '52', '0'] : NUMBERS));
    add('lng', pick(rand() < 0.7 ? ['-2.3', '-2.1', '-1', '0'] : NUMBERS));
  } else if (where < 0.7) add('pcn', pick(VALUES.pcn!));
  else if (where < 0.85) add('bbox', pick(VALUES.bbox!));
  const extra = Math.floor(rand() * 5);
  for (let i = 0; i < extra; i++) {
    const name = pick(NAMES);
    const all = Object.hasOwn(VALUES, name) ? VALUES[name]! : JUNK;
    // Mostly plausible values (so many queries reach the database with several filters), sometimes junk.
    const values = rand() < 0.75 && all !== JUNK ? all.filter((v) => !JUNK.includes(v)) : all;
    add(name, pick(values));
    if (rand() < 0.15) add(name, pick(values)); // repeated parameter
  }
  return parts.join('&');
}

describe('search and map fuzzing', () => {
  it('when 2,400 random and malformed queries are sent, then none answers 5xx and every 400 names a field', async () => {
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 2400; i++) {
      const forMap = i % 3 === 2;
      const path = `/api/services/${forMap ? 'map' : 'search'}?${randomQuery(forMap)}`;
      const res = await request(t.app).get(path);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status >= 500) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.status === 400) {
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors?.length).toBeGreaterThan(0);
      } else {
        expect([path, res.status]).toEqual([path, 200]);
      }
    }
    // The fuzzer reached both outcomes often (not only validation errors).
    expect(statuses[200]).toBeGreaterThan(100);
    expect(statuses[400]).toBeGreaterThan(300);
  });
});
