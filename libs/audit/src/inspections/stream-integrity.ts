import { defineRule } from '../rule';

/**
 * stream-integrity — SPEC.md: facts are "appended once, never updated or deleted; corrections are
 * new events"; integrity.ts: each event's hash covers its place, identity and content and the hash
 * of the event before it in its stream.
 *
 * The checks run on every event read up to the position cut-off, whatever its business date, as the
 * auditor reads it (integrity/stream-check.ts: positions, revisions, duplicate ids and business
 * keys, known types and shapes, the hash chain, each event's content hash) and over the log as a
 * whole (integrity/log-digest.ts: the store's running digest). This rule raises what they found:
 * one finding per damaged event, then one per damaged stretch of the log.
 */
export const streamIntegrity = defineRule({
  id: 'stream-integrity',
  title: { zh: '事件历史存在缺号、乱序、重复、未知事件或哈希链断裂', en: 'Gap, reorder, duplicate, unknown event or broken hash chain in the history' },
  basis: 'SPEC.md (events appended once, never updated or deleted); integrity.ts hash chain',
  atEnd: ({ history, raise }) => {
    for (const found of history.streams) raise(found);
    for (const found of history.log) raise(found);
  },
});
