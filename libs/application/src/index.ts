export * from './event-codec';
export * from './ledger-service';
export * from './input';
export * from './batch-importer';
export * from './stream-snapshots';
export * from './period-service';
export * from './one-batch-in-flight';
