import ExcelJS from 'exceljs';
import { MONTHS_OF_PAYMENT_STATUS_ZH, type StatementView } from '@ledger/projections';

/**
 * The statement as files people file: categories down, months across, the period's total last —
 * the layout of a 基金收支表. Both files are built from the same StatementView as the JSON answer.
 */
export const STATEMENT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function statementFileName(view: StatementView, format: Exclude<StatementFormat, 'json'>): string {
  return `statement-${view.fundId}-${view.from}-${view.to}.${format}`;
}

function header(view: StatementView): string[] {
  return ['code', '项目', 'item', ...view.months.map((month) => month.month), '合计 total'];
}

function indent(level: number): string {
  return '　'.repeat(Math.max(0, level - 1));
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * UTF-8 with a byte-order mark, so Excel opens the Chinese names as Chinese; CRLF line ends as
 * RFC 4180 has them. The rows after the table say which fund, period, knownAt and thresholds.
 */
export function statementCsv(view: StatementView): string {
  const rows: string[][] = [header(view)];
  for (const line of view.lines) rows.push([line.code, `${indent(line.level)}${line.zh}`, line.en, ...line.months, line.total]);
  rows.push(['monthsOfPaymentStatus', '可支付月数状态', 'Months-of-payment status', ...view.months.map((m) => statusText(m.monthsOfPaymentStatus)), statusText(view.monthsOfPaymentStatus)]);
  rows.push([]);
  for (const [key, zh, value] of notes(view)) rows.push([key, zh, value]);
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function statusText(status: StatementView['monthsOfPaymentStatus']): string {
  return status === null ? '' : `${MONTHS_OF_PAYMENT_STATUS_ZH[status]} ${status}`;
}

function notes(view: StatementView): Array<[string, string, string]> {
  return [
    ['fund', '基金', `${view.fundName} (${view.fundId})`],
    ['period', '期间', `${view.from} – ${view.to}`],
    ['knownAt', '截至记录时点', view.knownAt ?? 'all events recorded when the statement was made'],
    [
      'thresholds',
      '可支付月数阈值',
      view.thresholds
        ? `shortage < ${view.thresholds.shortage}; warning < ${view.thresholds.warning}; excess > ${view.thresholds.excess} (policy parameters ${view.thresholds.parameters.join(', ')})`
        : 'no thresholds in force on the last day',
    ],
  ];
}

/**
 * The XLSX file (exceljs). Amounts are number cells with a two-decimal format so the sheet can sum
 * them; months of payment likewise with one decimal.
 */
export async function statementXlsx(view: StatementView): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Wuhan resident medical insurance fund ledger';
  // A fixed date keeps the file the same for the same history and question.
  workbook.created = new Date(`${view.to}T00:00:00Z`);
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet('基金收支表');
  sheet.addRow([`${view.fundName}城乡居民基本医疗保险基金收支表`]).font = { bold: true, size: 14 };
  sheet.addRow([`${view.from} 至 ${view.to}`, view.knownAt ? `截至记录时点 ${view.knownAt}` : '']);
  sheet.addRow([]);
  const head = sheet.addRow(header(view));
  head.font = { bold: true };
  for (const line of view.lines) {
    const numbers = [...line.months, line.total].map((text) => (text === '' ? null : Number(text)));
    const row = sheet.addRow([line.code, `${indent(line.level)}${line.zh}`, line.en, ...numbers]);
    if (line.level <= 1) row.font = { bold: true };
    const format = line.code === 'monthsOfPayment' ? '0.0' : '#,##0.00';
    for (let column = 4; column <= numbers.length + 3; column += 1) row.getCell(column).numFmt = format;
  }
  sheet.addRow(['monthsOfPaymentStatus', '可支付月数状态', 'Months-of-payment status', ...view.months.map((m) => statusText(m.monthsOfPaymentStatus)), statusText(view.monthsOfPaymentStatus)]);
  sheet.addRow([]);
  for (const note of notes(view)) sheet.addRow(note);
  sheet.getColumn(1).width = 34;
  sheet.getColumn(2).width = 26;
  sheet.getColumn(3).width = 40;
  for (let column = 4; column <= view.months.length + 4; column += 1) sheet.getColumn(column).width = 16;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
