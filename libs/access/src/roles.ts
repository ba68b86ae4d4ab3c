import type { FundId } from '@ledger/domain';

/**
 * Who may do what. Clerks and upstream systems record facts; the finance bureau reads every fund;
 * a district manager reads and records for its own fund only; auditors read and run inspections.
 */
export const ROLES = ['clerk', 'finance-bureau', 'district-manager', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface Principal {
  subject: string;
  role: Role;
  /** Set for district managers: the one fund they answer for. */
  fundId: FundId | null;
}

/** The actions guarded at the edge. */
export type Permission = 'record' | 'read-funds' | 'read-residents' | 'run-audits' | 'close-periods' | 'confirm-bank-balances' | 'read-events';

const GRANTS: Record<Role, readonly Permission[]> = {
  clerk: ['record', 'read-residents'],
  // The bureau signs the books: it closes years and records what the funds' banks confirm.
  'finance-bureau': ['read-funds', 'read-residents', 'close-periods', 'confirm-bank-balances', 'read-events'],
  'district-manager': ['record', 'read-funds', 'read-residents'],
  auditor: ['read-funds', 'read-residents', 'run-audits', 'read-events'],
};

export function isAllowed(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].includes(permission);
}

/** Null when the principal sees every fund; otherwise the only fund it may touch. */
export function fundScopeOf(principal: Principal): FundId | null {
  return principal.role === 'district-manager' ? principal.fundId : null;
}
