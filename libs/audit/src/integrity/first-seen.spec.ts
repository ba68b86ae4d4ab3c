import { FirstSeenIndex, KeyForm, PACKED_WORDS } from './first-seen';

describe('FirstSeenIndex', () => {
  it('answers exactly like a Map of first positions, whatever form the keys take', () => {
    const index = new FirstSeenIndex();
    const reference = new Map<string, bigint>();
    const keys: string[] = [];
    for (let i = 0; i < 30_000; i += 1) {
      const hex = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
      keys.push(`${hex}-0000-7000-8000-${String(i).padStart(12, '0')}`);
      keys.push(`claim:CLM-2025-${String(i).padStart(8, '0')}`);
      keys.push(`claim:CLM-2025-${i}`); // the same number without leading zeros is another key
      keys.push(`note-${hex}x`);
    }
    keys.push('01A23348-BF1C-71BA-9F28-47DF6D652782', '01a23348-bf1c-71ba-9f28-47df6d652782', 'x', '7', '07', '', '1234567890123456789');
    const sequence = [...keys, ...keys.filter((_, i) => i % 7 === 0)];
    const answers: Array<bigint | undefined> = [];
    const expected: Array<bigint | undefined> = [];
    sequence.forEach((key, i) => {
      const position = BigInt(i + 1);
      answers.push(index.firstOrAdd(key, position));
      expected.push(reference.get(key));
      if (!reference.has(key)) reference.set(key, position);
    });
    expect(answers.filter((answer) => answer !== undefined).length).toBe(Math.ceil(keys.length / 7));
    expect(answers).toEqual(expected);
  });

  it('turns packed forms back into the very texts they came from', () => {
    const index = new FirstSeenIndex();
    const words = new Uint32Array(PACKED_WORDS);
    const keys = ['01a23348-bf1c-71ba-9f28-47df6d652782', 'ffffffff-0000-0000-0000-000000000000', 'CLM-2025-00004209', 'claim:0', 'a-00', '123456789012345'];
    for (const key of keys) {
      const form = index.pack(key, words);
      expect(form).not.toBe(KeyForm.Text);
      expect(index.textOf(form as KeyForm.Uuid | KeyForm.Numbered, words, 0)).toBe(key);
      index.firstOrAdd(key, 1n);
      expect(index.find(key)).toBe(1n);
    }
    // Upper case is another text: not a UUID form, and not found under the lower-case key's entry.
    expect(index.pack('01A23348-BF1C-71BA-9F28-47DF6D652782', words)).not.toBe(KeyForm.Uuid);
    expect(index.find('01A23348-BF1C-71BA-9F28-47DF6D652782')).toBeUndefined();
    expect(index.find('CLM-2025-4209')).toBeUndefined();
  });
});
