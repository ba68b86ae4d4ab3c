/**
 * @ledger/audit — the supervision auditor (监督检查, SPEC.md): replays the stored history with its
 * own fold, independently of the ledger's decisions and read models, and reports findings with
 * the event positions that prove them. Pure and framework-free; the CLI (apps/auditor) and the
 * API (POST /v1/audits) feed it from an event store.
 */
export * from './rules';
export * from './findings';
export * from './report';
export * from './digest';
export * from './live-projection';
export * from './auditor';
export * from './replay';
export { storedContentMatchesHash } from './fold/event-hash';
export { type ComputedLogDigests, LogDigestInspection } from './integrity/log-digest';
export * from './rule';
export { baselineFromReport, type ComputedLogChain, type LogBaseline, LogChain } from './integrity/log-baseline';
export { type SealedStateHeader, SealedStateRefused, SEALED_STATE_FORMAT, readSealedState, sha256Hex, writeSealedState } from './sealed-state';
export { checkHistory, HISTORY_CHECK_FILE, type HistoryProblems, newHistoryState } from './integrity/history-check';
export { HISTORY_CONSTANTS } from './integrity/stream-check';
