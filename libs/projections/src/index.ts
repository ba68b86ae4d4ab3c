export * from './fund-ledger';
export * from './projection-runner';
