import { formatMoney, isMoneyText, money } from '@ledger/domain';
import { balanceOfFigures } from '../fold/fund-books';
import { defineRule, fundZh, type ReportContext } from '../rule';

/**
 * bank-reconciliation — 社会保险法 art. 68 (社会保险基金存入财政专户) and SPEC.md "The fund's
 * books": the ledger's balance is what the fund's dedicated account holds. Every balance a fund's
 * bank confirmed for a date, against the fund's balance at the end of that date in the auditor's
 * own books of the whole replayed history — not the ledger balance stored with the confirmation.
 * A difference the books later explain (interest the bank credited, recorded afterwards on its
 * date) is no finding.
 */
export const bankReconciliation = defineRule({
  id: 'bank-reconciliation',
  title: { zh: '基金账面余额与财政专户银行对账余额不符', en: "The fund's ledger balance differs from the balance its bank (财政专户) confirmed for that date" },
  basis: '社会保险法 art. 68 (社会保险基金存入财政专户); SPEC.md "The fund\'s books"',
  atEnd: inspectBankConfirmations,
});

function inspectBankConfirmations({ fold, raise }: ReportContext): void {
  for (const { data, position } of fold.closes.bankConfirmations) {
    if (!isMoneyText(data.bankBalance)) continue;
    const ledger = balanceOfFigures(fold.books.figuresThrough(data.fundId, data.date));
    const difference = money(data.bankBalance).minus(ledger);
    if (difference.isZero()) continue;
    const answered = data.ledgerBalance === formatMoney(ledger) ? '' : ` (the ledger answered ${data.ledgerBalance} when it was confirmed)`;
    const answeredZh = data.ledgerBalance === formatMoney(ledger) ? '' : `（对账时账本余额为 ${data.ledgerBalance} 元）`;
    raise({
      fundId: data.fundId,
      message: {
        zh: `银行确认${fundZh(data.fundId)} ${data.date} 的余额为 ${formatMoney(money(data.bankBalance))} 元（对账单 ${data.confirmationId}），检查重算的账面余额为 ${formatMoney(ledger)} 元，相差 ${formatMoney(difference)} 元${answeredZh}。`,
        en: `the bank confirmed a balance of ${formatMoney(money(data.bankBalance))} for ${data.fundId} on ${data.date} (confirmation ${data.confirmationId}); the auditor's books give ${formatMoney(ledger)}, a difference of ${formatMoney(difference)}${answered}.`,
      },
      evidence: [position],
    });
  }
}
