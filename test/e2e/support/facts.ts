import { DISTRICT_CODES } from '@ledger/domain';
import { mulberry32 } from '../../../scripts/synthetic/prng';

/** mulberry32 (the synthetic year's): every generated file and fuzz case is reproducible. */
export const seededRandom = mulberry32;

export type Random = () => number;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pad = (n: number) => String(n).padStart(2, '0');
/** Fen → yuan text, so amounts are exact. */
export const yuan = (fen: number) => `${Math.floor(fen / 100)}.${pad(fen % 100)}`;

export interface ImportLine {
  type: 'enrollment' | 'contribution' | 'subsidy' | 'claim';
  body: Record<string, unknown>;
}

export interface GeneratedFacts {
  lines: ImportLine[];
  /** The business keys each line's command stores (a newborn across the year boundary stores two). */
  keysOfLine: string[][];
  /** Each stream's business keys in the order the file records them. */
  keysOfStream: Map<string, string[]>;
}

/** Contribution standards for 2024 (and the newborn's 2025) in the bundled policy file. */
const DUE: Record<string, string> = { adult: '380.00', minor: '320.00', student: '320.00', 'university-student': '250.00', newborn: '320.00' };
const FUNDS = ['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'];
const HARDSHIP = ['dibao', 'registered-poor', 'orphan', 'low-income', 'illness-poverty', 'dibao-disabled'];

/**
 * An import file of valid facts: residents enrolled for 2024 (newborns across the 2024/2025
 * boundary store two enrollment events), their contributions, hardship aid, claims (computed
 * one-stop or recorded as reported) and per-capita subsidies to the six funds. Each resident's
 * facts keep their order; residents and funds are interleaved at random (seeded).
 */
export function generateFacts(options: { residents: number; seed: number; prefix: string }): GeneratedFacts {
  const random = seededRandom(options.seed);
  const queues: Array<Array<{ line: ImportLine; keys: string[]; stream: string }>> = [];

  for (let r = 0; r < options.residents; r += 1) {
    const residentId = `${options.prefix}-R${r}`;
    const stream = `resident-${residentId}`;
    const queue: (typeof queues)[number] = [];
    const district = pick(random, DISTRICT_CODES);
    const local = random() < 0.7;
    const hukou = local ? { local: true, district } : { local: false };
    const residenceDistrict = pick(random, DISTRICT_CODES);
    const newborn = random() < 0.08;
    const enrollmentId = `${options.prefix}-E${r}`;
    if (newborn) {
      queue.push({
        stream,
        keys: [`enrollment:${enrollmentId}`, `enrollment:${enrollmentId}:2025`],
        line: {
          type: 'enrollment',
          body: {
            enrollmentId, residentId, year: 2024, birthDate: `2024-12-${pad(between(random, 1, 20))}`, category: 'newborn',
            hukou, residenceDistrict,
            parents: [{ scheme: pick(random, ['employee', 'resident']), insured: true, hukou, residenceDistrict }],
            enrolledAt: `2025-01-${pad(between(random, 5, 25))}`,
          },
        },
      });
      queue.push({
        stream,
        keys: [`contribution:${options.prefix}-RC${r}`],
        line: { type: 'contribution', body: { receiptNo: `${options.prefix}-RC${r}`, residentId, year: 2025, amount: DUE.newborn, paidAt: '2025-01-28', collector: 'self' } },
      });
    } else {
      const category = pick(random, ['adult', 'adult', 'adult', 'minor', 'student', 'university-student']);
      const hardship = random() < 0.15 ? [pick(random, HARDSHIP)] : [];
      const birthYear = category === 'adult' ? between(random, 1940, 2000) : category === 'university-student' ? between(random, 2002, 2005) : between(random, 2008, 2020);
      queue.push({
        stream,
        keys: [`enrollment:${enrollmentId}`],
        line: {
          type: 'enrollment',
          body: {
            enrollmentId, residentId, year: 2024, birthDate: `${birthYear}-0${between(random, 1, 9)}-1${between(random, 0, 9)}`, category,
            hukou, residenceDistrict, ...(hardship.length ? { hardship } : {}), enrolledAt: `2023-1${between(random, 0, 2)}-0${between(random, 1, 9)}`,
          },
        },
      });
      if (hardship.length) {
        // Hardship aid pays part of the contribution; the resident pays the rest.
        queue.push({
          stream,
          keys: [`subsidy:${options.prefix}-HA${r}`],
          line: { type: 'subsidy', body: { subsidyId: `${options.prefix}-HA${r}`, level: pick(random, ['municipal', 'district']), purpose: 'hardship-contribution', year: 2024, amount: '100.00', grantedAt: '2023-12-15', residentId } },
        });
      }
      const due = Math.round(Number(DUE[category]) * 100) - (hardship.length ? 10000 : 0);
      queue.push({
        stream,
        keys: [`contribution:${options.prefix}-RC${r}`],
        line: {
          type: 'contribution',
          body: { receiptNo: `${options.prefix}-RC${r}`, residentId, year: 2024, amount: yuan(due), paidAt: `2023-12-${pad(between(random, 1, 28))}`, collector: category === 'student' ? 'school' : pick(random, ['self', 'agency']) },
        },
      });
      const claims = between(random, 0, 3);
      for (let c = 0; c < claims; c += 1) {
        const claimId = `${options.prefix}-C${r}-${c}`;
        const careType = pick(random, ['outpatient', 'chronic-outpatient', 'inpatient']);
        const month = pad(between(random, 1, 12));
        const day = between(random, 1, 20);
        const stay = careType === 'inpatient' ? between(random, 1, 8) : 0;
        const total = careType === 'inpatient' ? between(random, 200_000, 5_000_000) : between(random, 5_000, 200_000);
        const compliant = Math.floor(total * (0.6 + random() * 0.4));
        const recorded = random() < 0.4;
        const basic = Math.floor(compliant * 0.5);
        queue.push({
          stream,
          keys: [`claim:${claimId}`],
          line: {
            type: 'claim',
            body: {
              claimId, residentId, careType,
              institution: { id: `H-${between(random, 1, 40)}`, level: between(random, 1, 3), designated: true, district: pick(random, DISTRICT_CODES) },
              admittedAt: `2024-${month}-${pad(day)}`, dischargedAt: `2024-${month}-${pad(day + stay)}`,
              totalCost: yuan(total), compliantCost: yuan(compliant), settlement: 'direct', filedAt: `2024-${month}-${pad(day + stay)}`,
              ...(recorded ? { basicFundPayment: yuan(basic), criticalIllnessPayment: '0.00', assistancePayment: '0.00' } : {}),
            },
          },
        });
      }
    }
    queues.push(queue);
  }
  // Per-capita subsidies: one queue per fund, so each fund stream is written in file order too.
  for (const fundId of FUNDS) {
    const queue: (typeof queues)[number] = [];
    const count = Math.max(1, Math.round(options.residents / 24));
    for (let s = 0; s < count; s += 1) {
      const subsidyId = `${options.prefix}-PC-${fundId}-${s}`;
      queue.push({
        stream: `fund-${fundId}`,
        keys: [`subsidy:${subsidyId}`],
        line: {
          type: 'subsidy',
          body: { subsidyId, level: pick(random, ['central', 'provincial', 'municipal', 'district']), purpose: 'per-capita', year: 2024, amount: yuan(between(random, 100, 100_000_000)), grantedAt: `2024-${pad(between(random, 1, 12))}-0${between(random, 1, 9)}`, fundId },
        },
      });
    }
    queues.push(queue);
  }

  // Interleave: a seeded shuffle of "which queue speaks next", each queue keeping its own order.
  const turns = queues.flatMap((queue, index) => queue.map(() => index));
  for (let i = turns.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [turns[i], turns[j]] = [turns[j], turns[i]];
  }
  const next = queues.map(() => 0);
  const facts: GeneratedFacts = { lines: [], keysOfLine: [], keysOfStream: new Map() };
  for (const index of turns) {
    const fact = queues[index][next[index]++];
    facts.lines.push(fact.line);
    facts.keysOfLine.push(fact.keys);
    const keys = facts.keysOfStream.get(fact.stream) ?? [];
    keys.push(...fact.keys);
    facts.keysOfStream.set(fact.stream, keys);
  }
  return facts;
}

export const toNdjson = (lines: readonly ImportLine[]) => lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
