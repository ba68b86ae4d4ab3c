export * from './event-codec';
export * from './ledger-service';
