export * from './fund-ledger';
export * from './projection-runner';
export * from './read-model-file';
export * from './statement';
