export * from './roles';
export * from './tokens';
export * from './key-id';
export * from './local-paths';
