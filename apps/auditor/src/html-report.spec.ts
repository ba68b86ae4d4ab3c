import { balanceChartSvg, monthsOfPaymentChartSvg } from './html-report';

function months(count: number, balance: (i: number) => string, monthsOfPayment: (i: number) => string | null = () => '5.00') {
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(2022, i, 1));
    return { month: date.toISOString().slice(0, 7), balance: balance(i), monthsOfPayment: monthsOfPayment(i) };
  });
}

const labels = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('the report charts', () => {
  it('labels the y axis at round steps that include zero once, so labels near zero do not overlap', () => {
    const svg = balanceChartSvg({ fundId: 'caidian', monthEndBalances: months(12, (i) => (i === 3 ? '-0.01' : `${(i + 1) * 1000}.00`)) });
    const y = labels(svg).filter((text) => /^-?\d+\.\d{2}$/.test(text));
    expect(y.filter((text) => text === '0.00')).toHaveLength(1);
    expect(y.length).toBeGreaterThanOrEqual(3);
    expect(y.length).toBeLessThanOrEqual(8);
  });

  it('labels every month up to a year, and a regular subset of a longer period', () => {
    const year = labels(balanceChartSvg({ fundId: 'caidian', monthEndBalances: months(12, () => '10.00') })).filter((t) => /^\d{4}-\d{2}$/.test(t));
    expect(year).toHaveLength(12);
    const three = labels(balanceChartSvg({ fundId: 'caidian', monthEndBalances: months(37, () => '10.00') })).filter((t) => /^\d{4}-\d{2}$/.test(t));
    expect(three.length).toBeGreaterThanOrEqual(9);
    expect(three.length).toBeLessThanOrEqual(13);
    expect(three[0]).toBe('2022-01');
  });

  it('draws the months of payment, leaving a gap where there was no outflow to divide by', () => {
    const svg = monthsOfPaymentChartSvg({ fundId: 'caidian', monthEndBalances: months(6, () => '10.00', (i) => (i === 2 ? null : `${i + 3}.50`)) }, 'en');
    expect(svg).toContain('Months of payment of fund caidian');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(5);
  });
});
