export * from './dto';
export * from './validators';
export * from './to-command';
export * from './period-dto';
