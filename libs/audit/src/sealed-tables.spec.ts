import { FirstSeenIndex } from './integrity/first-seen';
import { StreamTips } from './integrity/stream-tips';
import { ClassRegistry, deserializeGraph, serializeGraph } from './sealed-state';

/**
 * The tables that grow with the history seal only the entries in use (sealed-state.ts
 * SEALED_FIELDS), and the first-seen tables seal their slots, which depend on the keys and their
 * order alone (not on the sizes the table grew through): a restored table must find every key it
 * held, carry on exactly, and seal the bytes a table that never was sealed seals.
 */
const registry = new ClassRegistry();
registry.addReachable(new FirstSeenIndex(), new Set());
registry.add(StreamTips.prototype);

const seal = (value: unknown) => serializeGraph(value, registry, new Map());
const restore = <T>(bytes: Buffer) => deserializeGraph(bytes, registry, new Map()) as T;
const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${(i * 7919).toString(16).padStart(12, '0')}`;

describe('sealing the tables that grow with the history', () => {
  it('restores a first-seen index that finds every key, carries on, and seals as one never sealed', () => {
    const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => [uuid(from + k), `claim:CLM-${from + k}`, `odd key ${from + k}`]).flat();
    const whole = new FirstSeenIndex();
    const part = new FirstSeenIndex();
    keys(0, 3000).forEach((key, i) => (whole.firstOrAdd(key, BigInt(i + 1)), part.firstOrAdd(key, BigInt(i + 1))));
    const restored = restore<FirstSeenIndex>(seal(part));
    keys(0, 3000).forEach((key, i) => expect(restored.find(key)).toBe(BigInt(i + 1)));
    expect(restored.find(uuid(5000))).toBeUndefined();
    // Carry on past a growth of the slots, both ways.
    keys(3000, 6000).forEach((key, i) => {
      expect(whole.firstOrAdd(key, BigInt(9001 + i))).toBeUndefined();
      expect(restored.firstOrAdd(key, BigInt(9001 + i))).toBeUndefined();
    });
    expect(restored.firstOrAdd(uuid(10), 1n)).toBe(whole.find(uuid(10)));
    expect(seal(restored).equals(seal(whole))).toBe(true);
  });

  it('seals stream tips cut to the tips in use', () => {
    const tips = new StreamTips();
    for (let i = 0; i < 1500; i += 1) tips.add(`resident-${i}`, 0, 'ab'.repeat(32), BigInt(i + 1));
    const restored = restore<StreamTips>(seal(tips));
    expect(restored.hashIs(restored.find('resident-1499')!, 'ab'.repeat(32))).toBe(true);
    restored.add('resident-x', 0, 'cd'.repeat(32), 2000n);
    tips.add('resident-x', 0, 'cd'.repeat(32), 2000n);
    expect(seal(restored).equals(seal(tips))).toBe(true);
  });
});
