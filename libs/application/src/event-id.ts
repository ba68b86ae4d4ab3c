import { randomFillSync } from 'node:crypto';

/**
 * Event ids are UUIDs version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits,
 * so ids made later sort later. Any UUID would do as an id; time-ordered ones keep the store's
 * unique index on event_id growing at its right edge instead of touching a random page of it for
 * every event, which is most of the pages a large batch dirties (and writes to the WAL) otherwise.
 *
 * Within one millisecond a 12-bit counter (rand_a, RFC 9562 §6.2 method 1) keeps ids of this process
 * increasing; 62 random bits (rand_b) keep ids of different processes apart.
 */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolIndex = POOL_IDS;
let lastMs = -1;
let counter = 0;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidV7(now: number = Date.now()): string {
  if (poolIndex === POOL_IDS) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  const offset = 16 * poolIndex;
  poolIndex += 1;
  let ms = now;
  if (ms > lastMs) {
    lastMs = ms;
    // Start each millisecond at a random point of the lower half, leaving room to count up.
    counter = ((pool[offset] << 8) | pool[offset + 1]) & 0x7ff;
  } else {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      ms = lastMs;
      counter = 0;
    }
  }
  const b = pool;
  const t = ms;
  const high = Math.floor(t / 2 ** 16);
  const low = t % 2 ** 16;
  const hex =
    HEX[(high >>> 24) & 0xff] +
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | ((counter >>> 8) & 0x0f)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (b[offset + 8] & 0x3f)] +
    HEX[b[offset + 9]] +
    '-' +
    HEX[b[offset + 10]] +
    HEX[b[offset + 11]] +
    HEX[b[offset + 12]] +
    HEX[b[offset + 13]] +
    HEX[b[offset + 14]] +
    HEX[b[offset + 15]];
  return hex;
}
