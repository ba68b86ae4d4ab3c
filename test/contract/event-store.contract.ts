import { randomUUID } from 'node:crypto';
import {
  BusinessKeyTakenError,
  EventStorePort,
  EventToAppend,
  HeadMovedError,
  Position,
  StoredEvent,
  WrongExpectedRevisionError,
} from '@ledger/event-store';

/**
 * The behaviour every event-store adapter must show. Streams and keys are unique per test and
 * $all is read relative to the head at the start, so the suite also runs against a shared server
 * that already holds other events.
 */
export interface ContractSubject {
  store: EventStorePort;
  /** Closes the store and reopens it on the same data (durability, resume after restart). */
  reopen?: () => Promise<EventStorePort>;
  /** True when appendMany is one transaction over all its streams (the embedded store). */
  atomicBatches?: boolean;
  dispose: () => Promise<void>;
}

function newEvent(type = 'SomethingHappened', data: unknown = { value: 1 }, businessKey?: string): EventToAppend {
  return { eventId: randomUUID(), type, data, metadata: { schemaVersion: 1 }, businessKey };
}

async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

async function eventsAfter(store: EventStorePort, after: Position | null, streams: Set<string>): Promise<StoredEvent[]> {
  return (await collect(store.readAll({ after }))).filter((event) => streams.has(event.stream));
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the subscription');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function describeEventStoreContract(name: string, open: () => Promise<ContractSubject>, skipReason?: string): void {
  const describeOrSkip = skipReason ? describe.skip : describe;
  // jest's summary counts skipped suites but names neither them nor why: say it where CI shows it.
  if (skipReason) process.stdout.write(`\nSKIPPED event-store contract: ${name} — ${skipReason}\n`);
  describeOrSkip(`event-store contract: ${name}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    let subject: ContractSubject;
    let store: EventStorePort;
    let prefix: string;
    const stream = (label: string) => `${prefix}-${label}`;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      prefix = `contract${randomUUID().replace(/-/g, '')}`;
    });
    afterEach(async () => subject.dispose());

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('keeps a stream in append order with consecutive revisions', async () => {
      const s = stream('order');
      const first = await store.append(s, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], 'no_stream');
      expect(first.nextExpectedRevision).toBe(1);
      const second = await store.append(s, [newEvent('C', { n: 3 })], 1);
      expect(second.nextExpectedRevision).toBe(2);
      expect(second.position > first.position).toBe(true);
      const events = await store.readStream(s);
      expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
        ['A', 0, { n: 1 }],
        ['B', 1, { n: 2 }],
        ['C', 2, { n: 3 }],
      ]);
      expect(events[0].position < events[1].position && events[1].position < events[2].position).toBe(true);
    });

    it('reads a stream from a revision on, at most so many events', async () => {
      const s = stream('from');
      await store.append(s, [newEvent('A'), newEvent('B'), newEvent('C'), newEvent('D')], 'no_stream');
      const types = async (options: { fromRevision?: number; maxCount?: number }) => (await store.readStream(s, options)).map((e) => [e.type, e.revision]);
      expect(await types({ fromRevision: 2 })).toEqual([['C', 2], ['D', 3]]);
      expect(await types({ fromRevision: 1, maxCount: 2 })).toEqual([['B', 1], ['C', 2]]);
      expect(await types({ maxCount: 1 })).toEqual([['A', 0]]);
      expect(await types({ fromRevision: 0 })).toHaveLength(4);
      expect(await types({ fromRevision: 4 })).toEqual([]);
      expect(await store.readStream(stream('absent'), { fromRevision: 3 })).toEqual([]);
    });

    it('round-trips data and metadata exactly', async () => {
      const s = stream('roundtrip');
      const data = { amount: '380.00', nested: { list: [1, 'two', null], 中文: '居民医保' } };
      const event = { ...newEvent('Typed', data), metadata: { schemaVersion: 2, recordedBy: { subject: 'u', role: 'clerk' } } };
      await store.append(s, [event], 'no_stream');
      const [stored] = await store.readStream(s);
      expect(stored.eventId).toBe(event.eventId);
      expect(stored.data).toEqual(data);
      expect(stored.metadata).toEqual(event.metadata);
    });

    it('refuses a stale expected revision and writes nothing', async () => {
      const s = stream('stale');
      await store.append(s, [newEvent()], 'no_stream');
      await store.append(s, [newEvent()], 0);
      await expect(store.append(s, [newEvent(), newEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(s, [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream('absent'), [newEvent()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
      expect(await store.readStream(stream('absent'))).toEqual([]);
    });

    it('lets exactly one of two concurrent writers at the same revision win', async () => {
      const s = stream('race');
      await store.append(s, [newEvent()], 'no_stream');
      const results = await Promise.allSettled([store.append(s, [newEvent('X')], 0), store.append(s, [newEvent('Y')], 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('treats a re-append of the same event ids as a no-op', async () => {
      const s = stream('idempotent');
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(s, events, 'no_stream');
      const again = await store.append(s, events, 'no_stream');
      expect(again.position).toBe(first.position);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('refuses a second event with a business key already held, writing nothing', async () => {
      const key = `${prefix}:receipt-1`;
      await store.append(stream('a'), [newEvent('Paid', { n: 1 }, key)], 'no_stream');
      const attempt = store.append(stream('b'), [newEvent('Other'), newEvent('Paid', { n: 2 }, key)], 'no_stream');
      await expect(attempt).rejects.toBeInstanceOf(BusinessKeyTakenError);
      await attempt.catch((error: BusinessKeyTakenError) => expect(error.existing.data).toEqual({ n: 1 }));
      expect(await store.readStream(stream('b'))).toEqual([]);
      const holder = await store.findByBusinessKey(key);
      expect(holder?.stream).toBe(stream('a'));
      expect(await store.findByBusinessKey(`${prefix}:unknown`)).toBeUndefined();
    });

    it('finds the holders of many business keys at once, as one look-up per key would', async () => {
      const [a, b] = [`${prefix}:many-a`, `${prefix}:many-b`];
      await store.append(stream('many1'), [newEvent('A', { n: 1 }, a)], 'no_stream');
      await store.append(stream('many2'), [newEvent('Plain'), newEvent('B', { n: 2 }, b)], 'no_stream');
      const found = await store.findByBusinessKeys([b, `${prefix}:many-unknown`, a, a]);
      expect([...found.keys()].sort()).toEqual([a, b].sort());
      expect(found.get(a)).toEqual(await store.findByBusinessKey(a));
      expect(found.get(b)).toEqual(await store.findByBusinessKey(b));
      expect(found.get(b)).toMatchObject({ stream: stream('many2'), revision: 1, type: 'B', data: { n: 2 } });
      expect((await store.findByBusinessKeys([])).size).toBe(0);
    });

    it('answers the last revision of many streams at once, leaving out the streams never written', async () => {
      const [one, three, never] = [stream('revs1'), stream('revs3'), stream('revs-never')];
      await store.append(one, [newEvent('A')], 'no_stream');
      await store.append(three, [newEvent('A'), newEvent('B')], 'no_stream');
      await store.append(three, [newEvent('C')], 1);
      const revisions = await store.streamRevisions([three, never, one, three]);
      expect([...revisions.entries()].sort()).toEqual([
        [one, 0],
        [three, 2],
      ].sort());
      expect(revisions.has(never)).toBe(false);
      expect((await store.streamRevisions([])).size).toBe(0);
    });

    it('stores the pre-serialised data text when one is given, and reads it back as the value', async () => {
      const s = stream('text');
      await store.append(s, [{ ...newEvent('T', { b: 1, a: [1, 'x'] }), dataJson: '{"a":[1,"x"],"b":1}' }], 'no_stream');
      const [stored] = await store.readStream(s);
      expect(stored.data).toEqual({ a: [1, 'x'], b: 1 });
    });

    it('reads all events in global order from a position', async () => {
      const start = await store.headPosition();
      const streams = new Set([stream('x'), stream('y')]);
      await store.append(stream('x'), [newEvent('X1')], 'no_stream');
      await store.append(stream('y'), [newEvent('Y1'), newEvent('Y2')], 'no_stream');
      await store.append(stream('x'), [newEvent('X2')], 0);
      const all = await eventsAfter(store, start, streams);
      expect(all.map((e) => e.type)).toEqual(['X1', 'Y1', 'Y2', 'X2']);
      for (let i = 1; i < all.length; i += 1) expect(all[i].position > all[i - 1].position).toBe(true);
      const afterSecond = await eventsAfter(store, all[1].position, streams);
      expect(afterSecond.map((e) => e.type)).toEqual(['Y2', 'X2']);
      expect(await store.headPosition()).toBe(all[3].position);
    });

    it('delivers history then live events to a subscription, and resumes from a checkpoint', async () => {
      const start = await store.headPosition();
      const streams = new Set([stream('sub')]);
      await store.append(stream('sub'), [newEvent('E1'), newEvent('E2')], 'no_stream');
      const seen: StoredEvent[] = [];
      let caughtUp = false;
      const first = store.subscribeToAll(
        (event) => {
          if (streams.has(event.stream)) seen.push(event);
        },
        { after: start, onCaughtUp: () => (caughtUp = true) },
      );
      await waitUntil(() => caughtUp && seen.length === 2);
      await store.append(stream('sub'), [newEvent('E3')], 1);
      await waitUntil(() => seen.length === 3);
      await first.close();
      const checkpoint = seen[1].position;

      await store.append(stream('sub'), [newEvent('E4')], 2);
      const resumed: StoredEvent[] = [];
      const second = store.subscribeToAll(
        (event) => {
          if (streams.has(event.stream)) resumed.push(event);
        },
        { after: checkpoint },
      );
      await waitUntil(() => resumed.length === 2);
      await second.close();
      expect(seen.map((e) => e.type)).toEqual(['E1', 'E2', 'E3']);
      expect(resumed.map((e) => e.type)).toEqual(['E3', 'E4']);
    });

    it('appends to several streams in one call, in order', async () => {
      const start = await store.headPosition();
      await store.append(stream('m2'), [newEvent('B0')], 'no_stream');
      const results = await store.appendMany([
        { stream: stream('m1'), events: [newEvent('A1'), newEvent('A2')], expectedRevision: 'no_stream' },
        { stream: stream('m2'), events: [newEvent('B1')], expectedRevision: 0 },
      ]);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
      const all = await eventsAfter(store, start, new Set([stream('m1'), stream('m2')]));
      expect(all.map((e) => e.type)).toEqual(['B0', 'A1', 'A2', 'B1']);
    });

    it('never writes a stream of a batch whose expected revision is stale', async () => {
      await store.append(stream('n2'), [newEvent()], 'no_stream');
      const attempt = store.appendMany([
        { stream: stream('n1'), events: [newEvent()], expectedRevision: 'no_stream' },
        { stream: stream('n2'), events: [newEvent()], expectedRevision: 'no_stream' },
      ]);
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(stream('n2'))).toHaveLength(1);
      if (subject.atomicBatches) expect(await store.readStream(stream('n1'))).toEqual([]);
    });

    it('appends only while the streams of its condition are still where the writer read them', async () => {
      const gate = stream('gate');
      await store.append(gate, [newEvent('Closed')], 'no_stream');
      const target = stream('gated');
      await store.append(target, [newEvent('Fact')], 'no_stream', { streams: [{ stream: gate, expectedRevision: 0 }] });
      await store.append(gate, [newEvent('ClosedAgain')], 0);
      const stale = store.append(target, [newEvent('Late')], 0, { streams: [{ stream: gate, expectedRevision: 0 }] });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(target)).map((e) => e.type)).toEqual(['Fact']);
      const batch = store.appendMany([{ stream: target, events: [newEvent('Late')], expectedRevision: 0 }], {
        streams: [{ stream: gate, expectedRevision: 'no_stream' }],
      });
      await expect(batch).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(target)).toHaveLength(1);
    });

    it('appends only while the head of the store is where the writer read it', async () => {
      const s = stream('head');
      await store.append(s, [newEvent('First')], 'no_stream');
      const head = await store.headPosition();
      await store.append(stream('other'), [newEvent('Meanwhile')], 'no_stream');
      await expect(store.append(s, [newEvent('Summary')], 0, { headPosition: head })).rejects.toBeInstanceOf(HeadMovedError);
      expect(await store.readStream(s)).toHaveLength(1);
      const now = await store.headPosition();
      await store.append(s, [newEvent('Summary')], 0, { headPosition: now });
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('keeps what it acknowledged across a restart', async () => {
      if (!subject.reopen) return;
      const s = stream('durable');
      await store.append(s, [newEvent('Kept', { amount: '1.00' }, `${prefix}:kept`)], 'no_stream');
      store = await subject.reopen();
      expect((await store.readStream(s)).map((e) => e.data)).toEqual([{ amount: '1.00' }]);
      expect((await store.findByBusinessKey(`${prefix}:kept`))?.stream).toBe(s);
      await expect(store.append(s, [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });
  });
}
