import { PolicyDecimal } from '@ledger/policy';
import { fenOfMoney, fenOfText, formatFen, formatMoney, money } from './money';

describe('whole fen (the resident state amounts)', () => {
  it('reads the yuan texts of the events and writes them back as formatMoney does', () => {
    for (const text of ['0.00', '0.05', '0.10', '1.00', '380.00', '12345678.91', '-0.05', '-12.30', '90071992547409.91']) {
      expect(formatFen(fenOfText(text))).toBe(text);
      expect(formatFen(fenOfText(text))).toBe(formatMoney(money(text)));
    }
    expect(fenOfText('12.5')).toBe(1250);
    expect(fenOfText('7')).toBe(700);
    expect(fenOfText('-0.00')).toBe(0);
    expect(formatFen(-0)).toBe('0.00');
  });

  it('refuses what is not whole fen within 2^53', () => {
    for (const text of ['', '-', '.5', '1.', '1.234', '1e3', ' 1.00', '+1.00', '1,00', '90071992547409.92', '99999999999999999.99']) {
      expect(() => fenOfText(text)).toThrow(RangeError);
    }
    expect(() => fenOfMoney(new PolicyDecimal('0.001'))).toThrow(RangeError);
    expect(() => fenOfMoney(new PolicyDecimal('90071992547409.92'))).toThrow(RangeError);
  });

  it('takes a Money amount exactly, negative ones included', () => {
    expect(fenOfMoney(money('380.00'))).toBe(38_000);
    expect(fenOfMoney(money('-12.30'))).toBe(-1_230);
    expect(fenOfMoney(money('0.00'))).toBe(0);
    expect(fenOfMoney(money('90071992547409.91'))).toBe(Number.MAX_SAFE_INTEGER);
  });
});
