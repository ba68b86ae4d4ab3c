import { ClassRegistry, deserializeGraph, encodeGraph, readSealedState, SEALED_STATE_FORMAT, SealedStateRefused, serializeGraph, writeSealedState } from './sealed-state';

class Tally {
  counts = new Map<string, number>();
  seen = new Uint32Array(4);
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
class Unknown {
  value = 1;
}

function roundTrip(value: unknown, registry: ClassRegistry, externals = new Map<object, string>()): unknown {
  const named = new Map([...externals].map(([object, name]) => [name, object]));
  return deserializeGraph(serializeGraph(value, registry, externals), registry, named);
}

describe('sealing a state graph', () => {
  const registry = new ClassRegistry();
  registry.add(Tally.prototype);

  it('gives back class instances with their prototypes, shared references shared, typed arrays and bigints', () => {
    const tally = new Tally();
    tally.add('a');
    tally.seen[2] = 7;
    const shared = { position: 12n };
    const restored = roundTrip({ tally, list: [shared, shared], set: new Set(['x']) }, registry) as { tally: Tally; list: Array<{ position: bigint }>; set: Set<string> };
    expect(restored.tally).toBeInstanceOf(Tally);
    restored.tally.add('a');
    expect(restored.tally.counts.get('a')).toBe(2);
    expect([...restored.tally.seen]).toEqual([0, 0, 7, 0]);
    expect(restored.list[0]).toBe(restored.list[1]);
    expect(restored.list[0].position).toBe(12n);
    expect(restored.set.has('x')).toBe(true);
  });

  it('gives back bigints exactly: positions as numbers, lists of them as one array, larger ones as text', () => {
    const big = 2n ** 70n;
    const value = { positions: [1n, 9_007_199_254_740_991n], mixed: [3n, big, 'x'], big, negative: -5n, empty: [] as bigint[] };
    expect(roundTrip(value, registry)).toEqual(value);
  });

  it('gives back large collections written in chunks, with references shared across chunks', () => {
    const shared = { position: 7n };
    const map = new Map(Array.from({ length: 5000 }, (_, i) => [`r${i}`, { i, shared, tally: i % 2 === 0 ? new Tally() : null }]));
    const list = Array.from({ length: 4097 }, (_, i) => (i % 1000 === 0 ? shared : { i }));
    const set = new Set(Array.from({ length: 3000 }, (_, i) => `k${i}`));
    const restored = roundTrip({ map, list, set, after: shared }, registry) as { map: typeof map; list: typeof list; set: typeof set; after: object };
    expect(restored.map.size).toBe(5000);
    expect([...restored.map.keys()]).toEqual([...map.keys()]);
    expect(restored.map.get('r4999')!.shared).toBe(restored.after);
    expect(restored.map.get('r4998')!.tally).toBeInstanceOf(Tally);
    expect(restored.list).toEqual(list);
    expect(restored.list[4000]).toBe(restored.after);
    expect([...restored.set]).toEqual([...set]);
    expect(serializeGraph(restored, registry, new Map()).equals(serializeGraph({ map, list, set, after: shared }, registry, new Map()))).toBe(true);
  });

  it('refers to named outside objects instead of copying them', () => {
    const policy = { version: 'p' };
    const restored = roundTrip({ policy }, registry, new Map([[policy, 'policy']])) as { policy: object };
    expect(restored.policy).toBe(policy);
  });

  it('refuses what it could not give back as it was: a class it does not know, a function, a frozen shared constant', () => {
    expect(() => encodeGraph({ x: new Unknown() }, registry, new Map())).toThrow(/an instance of Unknown at \$\.x, a class the seal does not know/);
    expect(() => encodeGraph({ f: () => 1 }, registry, new Map())).toThrow(/a function at \$\.f/);
    expect(() => encodeGraph({ none: Object.freeze([]) }, registry, new Map())).toThrow(/a frozen object at \$\.none/);
  });

  it('reads back the header it wrote and refuses another format or a file that is not a state', () => {
    const header = { format: SEALED_STATE_FORMAT, position: '9', logDigest: 'd', asOf: '2024-12-31', policyVersion: 'v', policyDigest: 'pd', eventsRead: 9 };
    const file = writeSealedState(header, Buffer.from('payload'));
    expect(readSealedState(file)).toEqual({ header, payload: Buffer.from('payload') });
    expect(() => readSealedState(writeSealedState({ ...header, format: 99 }, Buffer.alloc(0)))).toThrow(SealedStateRefused);
    expect(() => readSealedState(Buffer.from('not a state'))).toThrow(/not a sealed audit state/);
  });
});
