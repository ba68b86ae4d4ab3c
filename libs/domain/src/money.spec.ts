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

describe('formatMoney', () => {
  /** What formatMoney wrote before its fen path: decimal.js's toFixed(2), "-0.00" as "0.00". */
  const reference = (amount: InstanceType<typeof PolicyDecimal>) => {
    const fixed = amount.toFixed(2);
    return fixed === '-0.00' ? '0.00' : fixed;
  };

  it('writes what decimal.js toFixed(2) writes, on edge amounts', () => {
    const texts = ['0', '-0', '0.00', '0.001', '0.005', '0.004', '0.995', '0.1', '0.10', '1', '1e2', '1.5e1', '12.345', '-12.345', '-0.004', '-0.005',
      '380.00', '9999999.99', '10000000', '10000000.01', '12345678901234.56', '90071992547409.91', '90071992547409.92', '99999999999999999.99',
      '123456789012345678901234.5', '1e-10', '5e-3', '-1e-10', '0.0000001', '1234567.1234567', '7000000.07'];
    for (const text of texts) {
      const amount = new PolicyDecimal(text);
      expect([text, formatMoney(amount)]).toEqual([text, reference(amount)]);
    }
  });

  it('writes what decimal.js toFixed(2) writes, on 50,000 random amounts of 0 to 4 decimals and 1 to 17 digits', () => {
    let seed = 20261202;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50_000; i += 1) {
      const digits = 1 + Math.floor(next() * 17);
      let whole = '';
      for (let d = 0; d < digits; d += 1) whole += Math.floor(next() * 10);
      const decimals = Math.floor(next() * 5);
      let fraction = '';
      for (let d = 0; d < decimals; d += 1) fraction += Math.floor(next() * 10);
      const text = `${next() < 0.1 ? '-' : ''}${whole.replace(/^0+(?=\d)/, '')}${decimals ? `.${fraction}` : ''}`;
      const amount = new PolicyDecimal(text);
      if (formatMoney(amount) !== reference(amount)) expect([text, formatMoney(amount)]).toEqual([text, reference(amount)]);
    }
  });
});
