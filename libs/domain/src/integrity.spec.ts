import { canonicalCopy, canonicalJson, canonicalJsonReplacing, canonicalTexts, eventHash, eventHashOfText, GENESIS_HASH, sha256Hex } from './integrity';

/** The form canonicalJson had before it was rewritten as loops: the bytes must not change. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

function randomValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth > 3 ? 6 : 8));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.round(random() * 1e6) / 100;
    case 3:
      return ['', 'a"b', '\u5c45\u6c11', 'x\ny', '\ud83d\ude00', '380.00'][Math.floor(random() * 6)];
    case 4:
      return undefined;
    case 5:
      return -0;
    case 6: {
      const array: unknown[] = [];
      const n = Math.floor(random() * 4);
      for (let i = 0; i < n; i += 1) array.push(randomValue(random, depth + 1));
      if (random() < 0.1) array.length += 1; // a hole at the end
      return array;
    }
    default: {
      const keys = ['b', 'a', 'B', '_', 'z1', 'z10', 'z2', '\u00e9', 'ä', 'key with space', '10', '9'];
      const object: Record<string, unknown> = {};
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i += 1) object[keys[Math.floor(random() * keys.length)]] = randomValue(random, depth + 1);
      return object;
    }
  }
}

function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** Whether a value holds what JSON.stringify cannot list in canonical order: index-like keys or array holes. */
function hasIndexKeyOrHole(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (!(i in value) || hasIndexKeyOrHole(value[i])) return true;
    return false;
  }
  return Object.entries(value).some(([key, inner]) => /^(0|[1-9][0-9]*)$/.test(key) || hasIndexKeyOrHole(inner));
}

describe('canonicalJson', () => {
  it('gives the same bytes as the reference form for many random values', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 5000; i += 1) {
      const value = randomValue(random, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('sorts keys by code unit, drops undefined members, keeps array holes and undefined elements as JSON does', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    expect(canonicalJson({ b: 1, a: [undefined, sparse], c: undefined, B: { y: 2, x: null } })).toBe(reference({ b: 1, a: [undefined, sparse], c: undefined, B: { y: 2, x: null } }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  const contentWith = (data: unknown) => ({
    stream: 'resident-R-1',
    revision: 0,
    eventId: '00000000-0000-4000-8000-000000000000',
    type: 'ContributionPaid',
    schemaVersion: 1,
    businessKey: 'contribution:R-1',
    occurredAt: '2025-01-02',
    data,
  });

  it('hashes an event over the same bytes as before', () => {
    const content = contentWith({ receiptNo: 'R-1', amount: '380.00', year: 2025, benefitStart: null, note: undefined });
    const expected = sha256Hex(
      [GENESIS_HASH, content.stream, '0', content.eventId, content.type, '1', content.businessKey, content.occurredAt, reference(content.data)].join('\n'),
    );
    expect(eventHash(GENESIS_HASH, content)).toBe(expected);
  });

  it('hashes the text the array-joined form hashed, members missing (an old or tampered event) included', () => {
    const joined = (previous: unknown, c: Record<string, unknown>, dataJson: unknown, provenanceJson: unknown) => {
      const lines = [previous, c.stream, String(c.revision), c.eventId, c.type, String(c.schemaVersion), c.businessKey, c.occurredAt, dataJson];
      if (provenanceJson !== undefined) lines.push(provenanceJson);
      return sha256Hex(lines.join('\n'));
    };
    const full = { stream: 's', revision: 3, eventId: 'e', type: 'T', schemaVersion: 1, businessKey: 'k', occurredAt: '2025-01-01' };
    const cases: Array<[unknown, Record<string, unknown>, unknown, unknown]> = [
      [GENESIS_HASH, full, '{"a":1}', undefined],
      [GENESIS_HASH, full, '{"a":1}', '{"p":2}'],
      [undefined, { ...full, businessKey: undefined, stream: null }, null, null],
      [GENESIS_HASH, { ...full, revision: undefined, schemaVersion: null, occurredAt: undefined }, '住院\u2028', '{}'],
      [GENESIS_HASH, {}, undefined, undefined],
    ];
    for (const [previous, content, dataJson, provenanceJson] of cases) {
      expect(eventHashOfText(previous as string, content as never, dataJson as string, provenanceJson as string | undefined)).toBe(joined(previous, content, dataJson, provenanceJson));
    }
  });

  it('covers who recorded an event, when and from which request under hash version 2', () => {
    const content = contentWith({ receiptNo: 'R-1', amount: '380.00' });
    const provenance = { recordedAt: '2025-01-02T02:00:00.000Z', recordedBy: { subject: 'clerk-7', role: 'clerk' }, requestDigest: 'ab'.repeat(32) };
    const v2 = eventHash(GENESIS_HASH, { ...content, provenance });
    expect(v2).toBe(
      sha256Hex(
        [GENESIS_HASH, content.stream, '0', content.eventId, content.type, '1', content.businessKey, content.occurredAt, reference(content.data), reference(provenance)].join('\n'),
      ),
    );
    expect(v2).not.toBe(eventHash(GENESIS_HASH, content));
    expect(eventHash(GENESIS_HASH, { ...content, provenance: { ...provenance, recordedBy: { subject: 'someone-else', role: 'clerk' } } })).not.toBe(v2);
    expect(eventHash(GENESIS_HASH, { ...content, provenance: { ...provenance, recordedAt: '2025-01-03T02:00:00.000Z' } })).not.toBe(v2);
  });
});

describe('canonicalCopy', () => {
  it('stringifies to canonicalJson of the value, for many random values without index-like keys or holes', () => {
    const random = seededRandom(7);
    let compared = 0;
    for (let i = 0; i < 5000; i += 1) {
      const value = randomValue(random, 0);
      if (hasIndexKeyOrHole(value)) continue;
      compared += 1;
      expect(JSON.stringify(canonicalCopy(value)) ?? 'null').toBe(canonicalJson(value));
      // The copy hashes as the value does: storing it changes no event hash.
      expect(canonicalJson(canonicalCopy(value))).toBe(canonicalJson(value));
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('keeps "__proto__" as an own member and leaves the value untouched', () => {
    const value = JSON.parse('{"b":{"a":2,"__proto__":{"x":1}},"a":[{"d":1}]}');
    value.a[0].c = undefined;
    const before = JSON.stringify(value);
    const copy = canonicalCopy(value);
    expect(JSON.stringify(copy)).toBe('{"a":[{"d":1}],"b":{"__proto__":{"x":1},"a":2}}');
    expect(JSON.stringify(copy)).toBe(canonicalJson(value));
    expect(JSON.stringify(value)).toBe(before);
  });

  it('cannot follow index-like keys: JavaScript lists them first, so only the hash, not the text, is canonical', () => {
    const value = { '10': 'a', '9': 'b' };
    expect(canonicalJson(value)).toBe('{"10":"a","9":"b"}');
    expect(JSON.stringify(canonicalCopy(value))).toBe('{"9":"b","10":"a"}');
    expect(canonicalJson(canonicalCopy(value))).toBe(canonicalJson(value));
  });
});

describe('canonicalTexts (one serialisation per stored event)', () => {
  it('gives canonicalJson for the hash and, byte for byte, the text a canonical copy stringifies to', () => {
    const random = seededRandom(11);
    let irregular = 0;
    for (let i = 0; i < 5000; i += 1) {
      const value = randomValue(random, 0);
      const texts = canonicalTexts(value);
      expect(texts.canonical).toBe(canonicalJson(value));
      expect(texts.stored).toBe(JSON.stringify(canonicalCopy(value)) ?? 'null');
      if (hasIndexKeyOrHole(value)) irregular += 1;
      else expect(texts.stored).toBe(texts.canonical);
    }
    expect(irregular).toBeGreaterThan(200);
  });

  it('hashes the text as eventHash hashes the value', () => {
    const content = { stream: 'resident-R1', revision: 3, eventId: 'e', type: 'T', schemaVersion: 1, businessKey: 'k', occurredAt: '2025-01-02' };
    const data = { b: [1, { d: 'x', c: null }], a: '380.00' };
    const provenance = { requestDigest: 'r', recordedBy: { subject: 's', role: 'clerk' }, recordedAt: '2025-01-02T02:00:00.000Z' };
    expect(eventHashOfText(GENESIS_HASH, content, canonicalTexts(data).canonical, canonicalJson(provenance))).toBe(eventHash(GENESIS_HASH, { ...content, data, provenance }));
  });
});

describe('canonicalJsonReplacing', () => {
  class Marked {
    constructor(readonly text: string) {}
  }
  /** The converting copy it replaces: replaced values first, then arrays mapped, then own keys copied. */
  function converted(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Marked) return value.text;
    if (Array.isArray(value)) return value.map(converted);
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) out[key] = converted((value as Record<string, unknown>)[key]);
    return out;
  }
  const replace = (value: object) => (value instanceof Marked ? JSON.stringify(value.text) : undefined);

  it('writes what canonicalJson of the converted copy writes, for many random values', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 3000; i += 1) {
      const value = { amount: new Marked(String(i)), nested: [new Marked('1.00'), randomValue(random, 0)], other: randomValue(random, 0) };
      expect(canonicalJsonReplacing(value, replace)).toBe(canonicalJson(converted(value)));
    }
  });
});

describe('canonicalJson with the sorted key lists it keeps', () => {
  /** The plain definition: keys sorted afresh for every object. */
  const reference = (value: unknown): string =>
    value === null || typeof value !== 'object'
      ? (JSON.stringify(value) ?? 'null')
      : Array.isArray(value)
        ? `[${value.map(reference).join(',')}]`
        : `{${Object.keys(value)
            .sort()
            .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
            .map((key) => `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`)
            .join(',')}}`;

  it('writes what a fresh sort would, for the same keys in other orders, subsets and supersets', () => {
    const shapes: Record<string, unknown>[] = [];
    const keys = ['b', 'a', 'c', '10', '9', 'aa', '__proto__x', 'é', 'Z'];
    for (let n = 1; n <= keys.length; n += 1) {
      for (let rotation = 0; rotation < n; rotation += 1) {
        const order = [...keys.slice(0, n).slice(rotation), ...keys.slice(0, n).slice(0, rotation)];
        shapes.push(Object.fromEntries(order.map((key, i) => [key, i % 3 === 0 ? undefined : { [key]: i, b: [i, { y: 1, x: 2 }] }])));
      }
    }
    // Twice: the second pass is answered from the kept lists.
    for (const pass of [1, 2]) for (const shape of shapes) expect([pass, canonicalJson(shape)]).toEqual([pass, reference(shape)]);
  });
});
