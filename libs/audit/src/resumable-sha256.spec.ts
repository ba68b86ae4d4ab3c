import { createHash, randomBytes } from 'node:crypto';
import { ResumableSha256 } from './resumable-sha256';
import { ClassRegistry, deserializeGraph, serializeGraph } from './sealed-state';

const native = (text: string) => createHash('sha256').update(text).digest('hex');

describe('ResumableSha256', () => {
  it('gives node:crypto sha256 for every length around the block and padding edges, and for non-ASCII text', () => {
    for (let length = 0; length <= 200; length += 1) expect(new ResumableSha256().update('a'.repeat(length)).hex()).toBe(native('a'.repeat(length)));
    const text = '监督检查报告 résumé 🧾'.repeat(37);
    expect(new ResumableSha256().update(text).hex()).toBe(native(text));
  });

  it('gives the same digest however the text is split, and can be read and continued', () => {
    const pieces = Array.from({ length: 500 }, (_, i) => `${randomBytes(1 + (i % 90)).toString('hex')}\n`);
    const running = new ResumableSha256();
    let all = '';
    for (const piece of pieces) {
      running.update(piece);
      all += piece;
      if (all.length % 7 === 0) expect(running.hex()).toBe(native(all));
    }
    expect(running.hex()).toBe(native(all));
  });

  it('carries on after its state is sealed and restored', () => {
    const registry = new ClassRegistry();
    registry.add(ResumableSha256.prototype);
    const before = new ResumableSha256().update('first part, more than one block of it '.repeat(3));
    const restored = deserializeGraph(serializeGraph(before, registry, new Map()), registry, new Map()) as ResumableSha256;
    expect(restored.update('and the rest').hex()).toBe(native(`${'first part, more than one block of it '.repeat(3)}and the rest`));
  });
});
