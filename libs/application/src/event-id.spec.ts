import { uuidV7 } from './event-id';

describe('uuidV7 event ids', () => {
  it('are version-7 UUIDs (RFC 9562 variant) carrying the time', () => {
    const id = uuidV7(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
  });

  it('increase in the order they are made, also within one millisecond, and never repeat', () => {
    const ids: string[] = [];
    const now = Date.now() + 10_000;
    for (let i = 0; i < 10_000; i += 1) ids.push(uuidV7(now + Math.floor(i / 5000)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The clock going back does not make ids go back.
    const later = uuidV7(now - 1_000);
    expect(later > ids[ids.length - 1]).toBe(true);
  });
});
