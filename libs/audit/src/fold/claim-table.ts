import { type CareType, type FundId, money, type MoneyText, ZERO } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { FirstSeenIndex, KeyForm, PACKED_WORDS } from '../integrity/first-seen';
import type { ClaimDecision, ClaimRecord, ResidentRecord } from './records';
import { SEALED_FIELDS, type SealsOwnFields } from '../sealed-state';

/**
 * Every claim of the history, kept after its own event is judged for the events that name it later
 * (insurer decisions and payments, reversals) and for the rules judged at the end. A full year has
 * 4.3 M claims: as one object each (plus a position bigint, strings, an array slot) they were over a
 * gigabyte of heap. Here they are columns in typed arrays — ids in their packed form (see
 * first-seen.ts), funds, care types and dates as codes — and a ClaimRecord is made only when a
 * rule asks for one.
 *
 * Amounts are held as whole fen (32-bit) where that is exact: a text of the canonical form "123.45" becomes
 * the integer 12345 and turns back into the very same text. Any other text (negative, one decimal,
 * …) is kept as it was. No arithmetic is done on the numbers; rules get the text back.
 */
export type ClaimIndex = number;

const BASIC = 0;
const CRITICAL_ILLNESS = 1;
const ASSISTANCE = 2;
const COMPLIANT = 3;
const BURDEN = 4;
const AMOUNTS = 5;
/** The amount's text is in `texts` (not of the canonical form). */
const AS_TEXT = -1;
/** No amount (a claim that added nothing to the critical-illness base). */
const NONE = -2;
const NO_CLAIM = -1;
const INITIAL_CAPACITY = 1024;
/** Where add() packs a claim id (module-level: a field would be sealed with the table). */
const ID_SCRATCH = new Uint32Array(PACKED_WORDS);
/** Less slack than doubling: at millions of claims the unused tail is real memory. */
const GROWTH = 1.5;

export class ClaimTable implements SealsOwnFields {
  /** Claim id → the first claim with it (as a bigint "position": the claim's index). */
  private readonly ids = new FirstSeenIndex();
  /** Ids of no packed form, by claim. */
  private readonly idTexts = new Map<ClaimIndex, string>();
  private readonly residents: ResidentRecord[] = [];
  private readonly codes = new TextCodes();
  private readonly texts = new Map<number, MoneyText>();
  private readonly decisions = new Map<ClaimIndex, ClaimDecision>();
  /** Claims the insurer paid on (sparse, like decisions): a covered decision without one is judged at the cut-off. */
  private readonly insurerPaid = new Set<ClaimIndex>();
  private idForms = new Uint8Array(INITIAL_CAPACITY);
  private idWords = new Uint32Array(INITIAL_CAPACITY * PACKED_WORDS);
  private fundCodes = new Int32Array(INITIAL_CAPACITY);
  private careTypeCodes = new Int32Array(INITIAL_CAPACITY);
  private admittedAtCodes = new Int32Array(INITIAL_CAPACITY);
  private positions = new BigInt64Array(INITIAL_CAPACITY);
  private years = new Int32Array(INITIAL_CAPACITY);
  private amounts = new Int32Array(INITIAL_CAPACITY * AMOUNTS);
  private reversedFlags = new Uint8Array(INITIAL_CAPACITY);
  /** The resident's next claim in position order (NO_CLAIM at the end of the list). */
  private nextOfResident = new Int32Array(INITIAL_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Records a settled claim; the first claim with an id is the one later events find by it. */
  add(
    resident: ResidentRecord,
    claim: Pick<
      ClaimRecord,
      'position' | 'claimId' | 'year' | 'fundId' | 'careType' | 'admittedAt' | 'basicFundPayment' | 'criticalIllnessPayment' | 'assistancePayment' | 'compliantCost'
    >,
  ): ClaimIndex {
    if (this.count === this.positions.length) this.grow();
    const index = this.count;
    this.count += 1;
    this.residents.push(resident);
    // Packed once, into a scratch that starts at zero as a new slot does (a key of no packed form
    // leaves what the failed attempts wrote), then copied: no subarray (~0.5 µs each in V8), no second pack.
    const scratch = ID_SCRATCH.fill(0);
    const form = this.ids.pack(claim.claimId, scratch);
    for (let i = 0; i < PACKED_WORDS; i += 1) this.idWords[index * PACKED_WORDS + i] = scratch[i];
    this.idForms[index] = form;
    if (form === KeyForm.Text) this.idTexts.set(index, claim.claimId);
    this.fundCodes[index] = this.codes.codeOf(claim.fundId);
    this.careTypeCodes[index] = this.codes.codeOf(claim.careType);
    this.admittedAtCodes[index] = this.codes.codeOf(claim.admittedAt);
    this.positions[index] = claim.position;
    this.years[index] = claim.year;
    this.setAmount(index, BASIC, claim.basicFundPayment);
    this.setAmount(index, CRITICAL_ILLNESS, claim.criticalIllnessPayment);
    this.setAmount(index, ASSISTANCE, claim.assistancePayment);
    this.setAmount(index, COMPLIANT, claim.compliantCost);
    this.amounts[index * AMOUNTS + BURDEN] = NONE;
    this.nextOfResident[index] = NO_CLAIM;
    if (resident.lastClaim === NO_CLAIM) resident.firstClaim = index;
    else this.nextOfResident[resident.lastClaim] = index;
    resident.lastClaim = index;
    if (form === KeyForm.Text) this.ids.firstOrAdd(claim.claimId, BigInt(index));
    else this.ids.firstOrAddWords(form, scratch, BigInt(index));
    return index;
  }

  /** The first claim recorded with this id, or undefined. */
  find(claimId: string): ClaimIndex | undefined {
    const first = this.ids.find(claimId);
    return first === undefined ? undefined : Number(first);
  }

  claimIdOf(index: ClaimIndex): string {
    const form = this.idForms[index] as KeyForm;
    return form === KeyForm.Text ? this.idTexts.get(index)! : this.ids.textOf(form, this.idWords, index * PACKED_WORDS);
  }

  /** The resident's claims in position order. */
  *of(resident: ResidentRecord): IterableIterator<ClaimIndex> {
    for (let index = resident.firstClaim; index !== NO_CLAIM; index = this.nextOfResident[index]) yield index;
  }

  residentOf(index: ClaimIndex): ResidentRecord {
    return this.residents[index];
  }

  yearOf(index: ClaimIndex): number {
    return this.years[index];
  }

  admittedAtOf(index: ClaimIndex): string {
    return this.codes.textOf(this.admittedAtCodes[index]);
  }

  careTypeOf(index: ClaimIndex): CareType {
    return this.codes.textOf(this.careTypeCodes[index]) as CareType;
  }

  isReversed(index: ClaimIndex): boolean {
    return this.reversedFlags[index] === 1;
  }

  markReversed(index: ClaimIndex): void {
    this.reversedFlags[index] = 1;
  }

  decisionOf(index: ClaimIndex): ClaimDecision | null {
    return this.decisions.get(index) ?? null;
  }

  decide(index: ClaimIndex, decision: ClaimDecision): void {
    this.decisions.set(index, decision);
  }

  /** Every claim with an insurer decision, in the order the decisions were folded. */
  decided(): IterableIterator<[ClaimIndex, ClaimDecision]> {
    return this.decisions.entries();
  }

  markInsurerPaid(index: ClaimIndex): void {
    this.insurerPaid.add(index);
  }

  isInsurerPaid(index: ClaimIndex): boolean {
    return this.insurerPaid.has(index);
  }

  /** Whether the basic fund paid anything on the claim (its amount above zero). */
  paidFromBasicFund(index: ClaimIndex): boolean {
    const fen = this.amounts[index * AMOUNTS + BASIC];
    return fen === AS_TEXT ? money(this.texts.get(index * AMOUNTS + BASIC)!).greaterThan(ZERO) : fen > 0;
  }

  basicFundPayment(index: ClaimIndex): MoneyText {
    return this.amountText(index, BASIC)!;
  }

  criticalIllnessPayment(index: ClaimIndex): MoneyText {
    return this.amountText(index, CRITICAL_ILLNESS)!;
  }

  assistancePayment(index: ClaimIndex): MoneyText {
    return this.amountText(index, ASSISTANCE)!;
  }

  compliantCost(index: ClaimIndex): MoneyText {
    return this.amountText(index, COMPLIANT)!;
  }

  burdenInScope(index: ClaimIndex): MoneyText | null {
    return this.amountText(index, BURDEN);
  }

  setBurdenInScope(index: ClaimIndex, burden: MoneyText): void {
    this.setAmount(index, BURDEN, burden);
  }

  /** The claim as a record, made now: later changes to the claim are not seen by it. */
  record(index: ClaimIndex): ClaimRecord {
    return {
      position: this.positions[index],
      claimId: this.claimIdOf(index),
      residentId: this.residents[index].residentId,
      year: this.years[index],
      fundId: this.codes.textOf(this.fundCodes[index]) as FundId,
      careType: this.careTypeOf(index),
      admittedAt: this.admittedAtOf(index),
      basicFundPayment: this.basicFundPayment(index),
      criticalIllnessPayment: this.criticalIllnessPayment(index),
      assistancePayment: this.assistancePayment(index),
      compliantCost: this.compliantCost(index),
      burdenInScope: this.burdenInScope(index),
      reversed: this.isReversed(index),
      decision: this.decisionOf(index),
    };
  }

  private setAmount(index: ClaimIndex, which: number, text: MoneyText): void {
    const slot = index * AMOUNTS + which;
    const fen = canonicalFen(text);
    if (fen === AS_TEXT) this.texts.set(slot, text);
    else this.texts.delete(slot);
    this.amounts[slot] = fen;
  }

  private amountText(index: ClaimIndex, which: number): MoneyText | null {
    const slot = index * AMOUNTS + which;
    const fen = this.amounts[slot];
    if (fen === NONE) return null;
    if (fen === AS_TEXT) return this.texts.get(slot)!;
    return fenText(fen);
  }

  /** Sealed (sealed-state.ts) with its arrays cut to the claims in use, not their grown capacity. */
  [SEALED_FIELDS](): Record<string, unknown> {
    const kept = Math.max(this.count, INITIAL_CAPACITY);
    return {
      ...(this as unknown as Record<string, unknown>),
      idForms: this.idForms.subarray(0, kept),
      idWords: this.idWords.subarray(0, kept * PACKED_WORDS),
      fundCodes: this.fundCodes.subarray(0, kept),
      careTypeCodes: this.careTypeCodes.subarray(0, kept),
      admittedAtCodes: this.admittedAtCodes.subarray(0, kept),
      positions: this.positions.subarray(0, kept),
      years: this.years.subarray(0, kept),
      amounts: this.amounts.subarray(0, kept * AMOUNTS),
      reversedFlags: this.reversedFlags.subarray(0, kept),
      nextOfResident: this.nextOfResident.subarray(0, kept),
    };
  }

  private grow(): void {
    const capacity = Math.ceil(this.positions.length * GROWTH);
    this.idForms = grown(this.idForms, new Uint8Array(capacity));
    this.idWords = grown(this.idWords, new Uint32Array(capacity * PACKED_WORDS));
    this.fundCodes = grown(this.fundCodes, new Int32Array(capacity));
    this.careTypeCodes = grown(this.careTypeCodes, new Int32Array(capacity));
    this.admittedAtCodes = grown(this.admittedAtCodes, new Int32Array(capacity));
    this.positions = grown(this.positions, new BigInt64Array(capacity));
    this.years = grown(this.years, new Int32Array(capacity));
    this.amounts = grown(this.amounts, new Int32Array(capacity * AMOUNTS));
    this.reversedFlags = grown(this.reversedFlags, new Uint8Array(capacity));
    this.nextOfResident = grown(this.nextOfResident, new Int32Array(capacity));
  }
}

/** One number per distinct text (funds, care types, dates: a few thousand in a year). */
class TextCodes {
  private readonly codes = new Map<string, number>();
  private readonly texts: string[] = [];

  codeOf(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.length;
      this.codes.set(text, code);
      this.texts.push(text);
    }
    return code;
  }

  textOf(code: number): string {
    return this.texts[code];
  }
}

function grown<T extends { set(source: ArrayLike<never>): void }>(from: T, to: T): T {
  to.set(from as unknown as ArrayLike<never>);
  return to;
}

const CHAR_0 = 48;
const CHAR_DOT = 46;
/** Fen are held in 32 bits: amounts up to 21 million yuan, larger ones stay text. */
const MAX_FEN = 2 ** 31 - 1;
const MAX_INTEGER_DIGITS = 8;

/** "123.45" → 12345; AS_TEXT for any text that would not turn back into itself. */
function canonicalFen(text: string): number {
  const dot = text.length - 3;
  if (dot < 1 || dot > MAX_INTEGER_DIGITS || text.charCodeAt(dot) !== CHAR_DOT) return AS_TEXT;
  if (dot > 1 && text.charCodeAt(0) === CHAR_0) return AS_TEXT; // a leading zero ("01.00")
  let fen = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (i === dot) continue;
    const digit = text.charCodeAt(i) - CHAR_0;
    if (digit < 0 || digit > 9) return AS_TEXT;
    fen = fen * 10 + digit;
  }
  return fen > MAX_FEN ? AS_TEXT : fen;
}

function fenText(fen: number): MoneyText {
  const cents = fen % 100;
  return `${(fen - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}
