import { adultEnrollment, type AuthorizedClient, uid } from '../e2e/ledger-app';

/**
 * The small 2024 history the API audit specs share, written through the API as a clerk: a central
 * per-capita subsidy, one adult who pays and claims, and one contribution paid into the wrong fund
 * (municipal for a huangpi resident) so that the report has a finding to serialise.
 */
export async function writeAuditHistory(clerk: AuthorizedClient): Promise<{ misdirected: { residentId: string } }> {
  await clerk.post('/v1/subsidies', { subsidyId: uid('S'), level: 'central', purpose: 'per-capita', year: 2024, amount: '500000.00', grantedAt: '2024-01-02', fundId: 'municipal' }).expect(201);
  const ok = adultEnrollment();
  await clerk.post('/v1/enrollments', ok).expect(201);
  await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: ok.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
  await clerk
    .post('/v1/claims', { claimId: uid('C'), residentId: ok.residentId, careType: 'outpatient', institution: { id: 'H-1', level: 2, designated: true, district: 'wuchang' }, admittedAt: '2024-03-01', dischargedAt: '2024-03-01', totalCost: '500.00', compliantCost: '400.00', settlement: 'direct', filedAt: '2024-03-01' })
    .expect(201);
  const misdirected = adultEnrollment({ hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi' });
  await clerk.post('/v1/enrollments', misdirected).expect(201);
  await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: misdirected.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-02', collector: 'agency', fundId: 'municipal' }).expect(201);
  return { misdirected };
}
