import type { FundId } from '@ledger/domain';

interface Dated {
  year: number;
  fundId: string;
}

/** The resident view's per-fund parts; the rest (who the person is, the scheme history) is the person's. */
interface ResidentView {
  enrollments: Dated[];
  yearToDate: Array<{ year: number }>;
  claims: Dated[];
  assistanceGrants: Dated[];
}

/**
 * What a district manager may read of a resident: the years, claims and grants of the manager's
 * own fund only. A resident who moved between funds is read by each manager as that manager's part
 * of the history; the other fund's claims and accumulations stay with the other fund. Null when
 * nothing of the resident is in the fund (the caller answers 403).
 */
export function residentViewFor<T extends ResidentView>(view: T, fundId: FundId): T | null {
  const enrollments = view.enrollments.filter((enrollment) => enrollment.fundId === fundId);
  if (enrollments.length === 0) return null;
  const years = new Set(enrollments.map((enrollment) => enrollment.year));
  return {
    ...view,
    enrollments,
    yearToDate: view.yearToDate.filter((row) => years.has(row.year)),
    claims: view.claims.filter((claim) => claim.fundId === fundId),
    assistanceGrants: view.assistanceGrants.filter((grant) => grant.fundId === fundId),
  };
}
