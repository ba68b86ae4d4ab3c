import type { FastifyInstance } from 'fastify';

/**
 * Answers that are computed once and shared until their fund or stream moves — a century's
 * statement, a resident's long history (cqrs/queries.ts) — are frozen, so they cannot change while
 * kept. Their JSON cannot either: it is serialised at the first request and the same text is sent
 * to every later one. A statement of 1,200 months is about a megabyte of JSON and a resident with
 * 2,456 claims half a megabyte: serialising them again for each of twenty clients kept the API's
 * one thread busy long enough to hold /health up by seconds (issue 13). Anything else is
 * serialised as Fastify does by default (JSON.stringify), so the bytes are the same either way.
 */
const serialised = new WeakMap<object, Buffer>();

/**
 * Kept as UTF-8 bytes, not as text: writing a megabyte of text with Chinese in it to a socket
 * encodes it again on every write, which cost as much as serialising it (a CPU profile of twenty
 * clients reading a century's statement: writev 9 % of the time).
 */
export function serialiseReply(payload: unknown): string | Buffer {
  if (payload === null || typeof payload !== 'object' || !Object.isFrozen(payload)) return JSON.stringify(payload);
  let bytes = serialised.get(payload);
  if (bytes === undefined) serialised.set(payload, (bytes = Buffer.from(JSON.stringify(payload))));
  return bytes;
}

/** Before any route is registered: each route takes the serialiser in force when it is added. */
export function serialiseFrozenRepliesOnce(instance: FastifyInstance): void {
  // Fastify sends a Buffer from a reply serialiser as it is (its type says string only).
  instance.setReplySerializer(serialiseReply as (payload: unknown) => string);
}
