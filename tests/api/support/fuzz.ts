/** Request generator of the OpenAPI-driven fuzz test: valid-looking values from each operation's schemas, then hostile mutations. */

/** A tiny deterministic PRNG (mulberry32), so every run sends the same requests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON Schema as the OpenAPI document writes it (only what the generator reads). */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  $ref?: string;
}

/** One request to send. */
export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded (may hold deliberately broken percent-encoding). */
  path: string;
  headers: Record<string, string>;
  /** Raw body text, if any. */
  body?: string;
}

/** Strings that break things: control characters, unpaired surrogates, overlong, injection, odd Unicode. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  'name\u0000',
  '\u0001\u0002\u0003',
  '\u0007',
  '\u0008',
  '\u000b\u000c',
  '\u001b[31mred',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  'x\udc00y',
  '\udbff\udbff',
  '\t',
  'a\tb',
  'line\nbreak',
  '\r\n',
  '',
  ' ',
  '   \t  ',
  'x'.repeat(100_000),
  'é'.repeat(5000),
  '😀'.repeat(300),
  '\u202egnp.exe',
  '\ufeffBOM',
  '\u200b',
  "'; drop table users; --",
  '" or 1=1 --',
  '$1',
  '\\',
  '%',
  '%00',
  '%E0%A4%A',
  '..',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '-1e309',
  '9'.repeat(400),
  '-99999999999999999999',
  '0x10',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T99:99:99Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'U99999',
  'QZZ',
  '__proto__',
  'constructor',
  '{"a":1}',
  '[]',
];

/** Non-string values put where the schema wants something else. */
export const HOSTILE_VALUES: readonly unknown[] = [
  0,
  -1,
  1.5,
  -0.0001,
  1e308,
  -1e308,
  2 ** 53 + 1,
  2147483648,
  -2147483649,
  true,
  false,
  null,
  [],
  {},
  [1, 2, 3],
  { a: 1 },
  [[[[[]]]]],
  [null],
  { __proto__: { admin: true } },
  ['\u0000'],
];

/** Bad path parameter texts, inserted raw into the path (some deliberately not valid percent-encoding). */
export const BAD_PATH_PARAMS: readonly string[] = [
  'not-a-uuid',
  '..',
  '%2e%2e',
  '%2e%2e%2fetc%2fpasswd',
  '%E0%A4%A',
  '%',
  '%%',
  '%ZZ',
  '%00',
  '%01',
  '%7F',
  '%C2%85',
  '%ED%A0%80',
  '%C0%AE',
  '%FF%FE',
  'x'.repeat(5000),
  '0',
  '-1',
  '1e400',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-00000000000G',
  'null',
  "'",
  '%27%20or%201%3D1',
  '%F0%9F%98%80',
  'U12345',
  'u10001',
  'U1000%00',
  'QAA',
];

/** Query values sent raw (already encoded, some deliberately broken). */
export const BAD_QUERY_RAW: readonly string[] = [
  '%E0%A4%A',
  '%',
  '%00',
  '%ED%A0%80',
  '%C0%80',
  '%FF',
  'a%0Ab',
  'a%09b',
  '%7F',
  '%C2%9F',
  'x'.repeat(20_000),
];

/** Cookie headers that are malformed in every way a browser or attacker might send. */
export const BAD_COOKIES: readonly string[] = [
  'sp_session=%E0%A4%A',
  'sp_session=%',
  'sp_session=%00',
  'sp_session=%ED%A0%80',
  'sp_session=',
  'sp_session',
  '=',
  ';;;',
  'sp_session="quoted"',
  'sp_session=a; sp_session=b',
  `sp_session=${'x'.repeat(4000)}`,
  'sp_session=\u00e9\u00e8\u00ff',
  'sp_session=%C0%AE; other=%E0%A4%A',
];

/** Encodes a string for a URL; unpaired surrogates (which encodeURIComponent refuses) become invalid UTF-8 bytes. */
export function encodeAny(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  }
}

/** A random generator bound to one PRNG. */
export class Generator {
  constructor(
    readonly rand: () => number,
    readonly resolve: (ref: string) => Schema,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.rand() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }

  /** A hostile value of any kind. */
  hostile(): unknown {
    return this.chance(0.7) ? this.pick(HOSTILE_STRINGS) : this.pick(HOSTILE_VALUES);
  }

  /** A plausible value for a schema (valid more often than not). */
  valid(schema: Schema | undefined, depth = 0): unknown {
    if (!schema) return null;
    if (schema.$ref) return this.valid(this.resolve(schema.$ref), depth);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return this.pick(schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) return this.valid(this.pick(alternatives), depth);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => this.valid(s, depth)));
    if (schema.example !== undefined && this.chance(0.5)) return schema.example;
    if (schema.examples?.length && this.chance(0.5)) return this.pick(schema.examples);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['object'];
    const type = this.pick(types.filter((t) => t !== 'null').length ? types.filter((t) => t !== 'null') : types);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return this.chance(0.5);
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? schema.exclusiveMinimum ?? 0;
        const max = schema.maximum ?? schema.exclusiveMaximum ?? min + 100;
        const n = min + this.rand() * (max - min);
        return type === 'integer' ? Math.round(n) : n;
      }
      case 'string':
        return this.validString(schema);
      case 'array': {
        if (depth > 4) return [];
        const n = this.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3));
        return Array.from({ length: n }, () => this.valid(schema.items, depth + 1));
      }
      default: {
        if (depth > 4) return {};
        const out: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(schema.properties ?? {}))
          if (schema.required?.includes(key) || this.chance(0.6)) out[key] = this.valid(prop, depth + 1);
        return out;
      }
    }
  }

  validString(schema: Schema): string {
    switch (schema.format) {
      case 'uuid':
        return this.pick(['8f9c0c7e-6b1a-4c1e-9a57-1f2d3c4b5a69', '00000000-0000-4000-8000-000000000000']);
      case 'email':
        return this.pick(['someone@example.org', 'a.b@nhs.net']);
      case 'date':
        return this.pick(['2026-01-31', '2099-12-31']);
      case 'date-time':
        return '2026-01-31T10:00:00Z';
      case 'uri':
        return 'https://example.org/x';
    }
    const samples = ['M13 9PL', 'U10001', 'QAA', 'MO', '10:00', 'en', 'physical_activity', 'Walking group', 'true'];
    const s = this.chance(0.5) ? this.pick(samples) : 'Some text ' + this.int(0, 999);
    return s.slice(0, schema.maxLength ?? s.length).padEnd(schema.minLength ?? 0, 'x');
  }

  /** Replaces one to three random places in a JSON value with hostile values (or wrong types). */
  mutate(value: unknown): unknown {
    let out = value;
    const times = this.int(1, 3);
    for (let i = 0; i < times; i++) out = this.mutateOnce(out);
    return out;
  }

  private mutateOnce(value: unknown): unknown {
    if (value !== null && typeof value === 'object' && this.chance(0.8)) {
      const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
      const keys = Object.keys(copy);
      if (keys.length && this.chance(0.85)) {
        const key = this.pick(keys);
        (copy as Record<string, unknown>)[key] = this.mutateOnce((copy as Record<string, unknown>)[key]);
      } else {
        // An unexpected field, sometimes with a hostile name.
        const name = this.chance(0.5) ? 'unexpected' : this.pick(['\u0000', 'a\u0001b', '\ud800', 'x'.repeat(300)]);
        (copy as Record<string, unknown>)[name] = this.hostile();
      }
      return copy;
    }
    return this.hostile();
  }

  /** A raw JSON body that is itself the attack: broken, deep, huge or with escaped unpaired surrogates. */
  rawBody(valid: unknown): string {
    const json = JSON.stringify(valid ?? {});
    switch (this.int(0, 11)) {
      case 0:
        return '['.repeat(10_000) + ']'.repeat(10_000);
      case 1:
        return '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      case 2:
        return JSON.stringify({ name: 'x'.repeat(150_000) });
      case 3:
        return `{"name":"\\ud800","description":"\\udfff","q":"a\\u0000b"}`;
      case 4:
        return json.replace(/"([^"\\]*)"(?=\s*[,}\]])/, '"\\ud800$1"');
      case 5:
        return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
      case 6:
        return this.pick(['null', '[]', '0', '"text"', 'true', '{}', '', ' ', '\u0000']);
      case 7:
        return json.replace(/:"([^"\\]*)"/, ':"$1\\u0000"');
      case 8:
        return json.replace(/:"([^"\\]*)"/, ':"$1\\u001b\\u007f\\u0085"');
      case 9:
        return `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}`;
      case 10:
        return JSON.stringify(this.mutate(valid));
      default:
        return json.replace(/:"([^"\\]*)"/, ':"$1\\udc00"');
    }
  }
}
