import { type FundId, FUND_NAMES } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import type { AuditFold, Folded } from './fold/audit-fold';
import type { FundBooks } from './fold/fund-books';
import type { MonthEnd } from './fold/fund-series';
import type { LiveProjection } from './live-projection';

/**
 * What an auditor rule is: one module in inspections/ exports one AuditRule, and rules.ts lists it.
 * The auditor only iterates that list — it knows no rule by name — so adding a rule is one new
 * file and one line (README "Adding an auditor rule").
 *
 * A rule has up to two hooks, each given the same kind of context:
 * - onEvent(event, context): every replayed event, after the auditor's own fold applied it
 *   (fold/audit-fold.ts `Folded`: the event with the records it touched), in position order;
 * - atEnd(context): once, when the report is asked for, with everything the replay built.
 * A hook reports by context.raise(); the auditor stamps the rule's id on what it raises. A hook that
 * throws (e.g. a policy parameter not in force on the event's date) is counted under the report's
 * notEvaluated for the rule, by reason: per event for onEvent; for atEnd, what it raised before
 * throwing is dropped. context.couldNotJudge(error) counts one such check and lets the hook go on.
 */
export interface AuditRule<Id extends string = string> {
  /** Stable: reports, tests and the bureaus' follow-up refer to it. */
  readonly id: Id;
  readonly title: { readonly zh: string; readonly en: string };
  /** The text the rule enforces: a seed section (opinions-2017, linkage-2018), a 条例 article, or SPEC.md. */
  readonly basis: string;
  onEvent?(event: Folded, context: RuleContext): void;
  atEnd?(context: ReportContext): void;
}

/** Keeps the rule's id as its literal type, so rules.ts can derive RuleId from the list. */
export function defineRule<Id extends string>(rule: AuditRule<Id>): AuditRule<Id> {
  return rule;
}

/** Text in both languages of the report: Chinese for the bureaus' auditors, English beside it. */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/** A fund as a Chinese message names it: 蔡甸区基金（caidian）. */
export function fundZh(fundId: FundId): string {
  return `${FUND_NAMES[fundId]?.zh ?? ''}基金（${fundId}）`;
}

/** Several problems of one finding as one text per language (English "; ", Chinese "；"). */
export function joinProblems(parts: readonly Bilingual[]): Bilingual {
  return { en: parts.map((p) => p.en).join('; '), zh: parts.map((p) => p.zh).join('；') };
}

/** A finding as a rule raises it (the auditor adds the rule's id). */
export interface RaisedFinding {
  /** The fund the finding is about; null when no fund applies (e.g. a broken stream). */
  fundId: FundId | null;
  residentId?: string | null;
  claimId?: string | null;
  /** What a person can act on, in Chinese and in English (the report's `messageZh` and `message`). */
  message: Bilingual;
  /** The event positions that prove it (deduplicated and sorted by the auditor). */
  evidence: Iterable<Position | null | undefined>;
  /**
   * `claim:<id>` or `receipt:<no>`: a later reversal of that fact in the audited history withdraws
   * the finding (money no longer paid out or credited).
   */
  withdrawnByReversalOf?: string;
}

/** What a hook may use: the policy, the cut-off, the auditor's fold, and where to put findings. */
export interface RuleContext {
  readonly policy: Policy;
  /** The business-date cut-off, or null for none. */
  readonly asOf: string | null;
  /** Residents, claims and the funds' books as folded so far (read them; the fold writes them). */
  readonly fold: AuditFold;
  raise(finding: RaisedFinding): void;
  /** Counts one check of this rule that could not be made, with the error's reason, and goes on. */
  couldNotJudge(error: unknown): void;
  /**
   * The rule's own memory for this audit (rules are shared definitions, an audit is one run):
   * made by `create` the first time it is asked for, the same object in every later hook.
   */
  state<T>(create: () => T): T;
}

/** At the end of the replay a hook also sees what the report itself is built from. */
export interface ReportContext extends RuleContext {
  /** The report's months (YYYY-MM), first money movement to the cut-off. */
  readonly months: readonly string[];
  /** Each fund's month ends over those months (balance, months of payment…). */
  readonly monthEnds: ReadonlyMap<FundId, readonly MonthEnd[]>;
  /** The books to compare with the live read model and the model, when they can be compared. */
  readonly reconciliation: { readonly books: FundBooks; readonly live: LiveProjection } | null;
  /** What the integrity checks of every event read found (integrity/): raised by the rule that owns them. */
  readonly history: { readonly streams: readonly RaisedFinding[]; readonly log: readonly RaisedFinding[] };
}
