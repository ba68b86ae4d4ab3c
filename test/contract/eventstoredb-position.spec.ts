import { parsePosition, positionToJson } from '@ledger/event-store';
import { decodePosition, encodePosition } from '@ledger/event-store/eventstoredb-event-store';

/** The EventStoreDB adapter packs ESDB's {commit, prepare} into one bigint; no server needed here. */
describe('EventStoreDB position encoding', () => {
  const U64_MAX = (1n << 64n) - 1n;
  const samples = [
    { commit: 0n, prepare: 0n },
    { commit: 0n, prepare: 1n },
    { commit: 1n, prepare: 0n },
    { commit: 1n, prepare: 1n },
    { commit: 4_096n, prepare: 4_096n },
    { commit: 4_096n, prepare: 4_200n },
    { commit: 4_200n, prepare: 4_096n },
    { commit: 123_456_789_012n, prepare: 123_456_789_012n },
    { commit: BigInt(Number.MAX_SAFE_INTEGER), prepare: BigInt(Number.MAX_SAFE_INTEGER) + 1n },
    { commit: U64_MAX - 1n, prepare: U64_MAX },
    { commit: U64_MAX, prepare: 0n },
    { commit: U64_MAX, prepare: U64_MAX },
  ];

  it('round-trips every {commit, prepare} pair', () => {
    for (const position of samples) expect(decodePosition(encodePosition(position))).toEqual(position);
  });

  it('packs as (commit << 64) | prepare', () => {
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe(0n);
    expect(encodePosition({ commit: 0n, prepare: 7n })).toBe(7n);
    expect(encodePosition({ commit: 1n, prepare: 0n })).toBe(1n << 64n);
    expect(encodePosition({ commit: 3n, prepare: 5n })).toBe((3n << 64n) + 5n);
    expect(encodePosition({ commit: U64_MAX, prepare: U64_MAX })).toBe((1n << 128n) - 1n);
  });

  it("preserves ESDB's order: commit first, then prepare", () => {
    const esdbOrder = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }) =>
      a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
    for (const a of samples) {
      for (const b of samples) {
        const encoded = encodePosition(a) < encodePosition(b) ? -1 : encodePosition(a) > encodePosition(b) ? 1 : 0;
        expect([a, b, encoded]).toEqual([a, b, esdbOrder(a, b)]);
      }
    }
  });

  it('is injective: distinct positions never collide', () => {
    const encoded = new Set(samples.map((position) => encodePosition(position)));
    expect(encoded.size).toBe(samples.length);
  });

  it('survives the port’s JSON (de)serialisation', () => {
    for (const position of samples) {
      const packed = encodePosition(position);
      expect(parsePosition(String(positionToJson(packed)))).toBe(packed);
    }
  });

  it('refuses values outside the 2 × 64-bit range', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: -1n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: U64_MAX + 1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: U64_MAX + 1n })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(1n << 128n)).toThrow(RangeError);
  });
});
