/** Injection tokens for the ports the NestJS shell wires together. */
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const POLICY = Symbol('POLICY');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
