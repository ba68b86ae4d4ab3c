import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { type Account, type BusinessDate, type FundId, isFundId, money } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { FundLedger } from './fund-ledger';
import { READ_MODEL_SHAPE, READ_MODEL_SHAPE_NAME } from './projection-runner';

/**
 * Reads the fund ledger read model that ProjectionRunner persists (DATA_DIR/projections.sqlite)
 * without writing to it: for the auditor, which compares it with its own replay. The file is
 * opened read-only; nothing (not even a journal mode) is changed.
 *
 * Returns null when there is no read model to read: the file is absent, or it has no fund ledger
 * table (never initialised), or its rows were saved in another shape (an older version's accounts). `checkpoint` is the position of the last event the model includes,
 * null when it has none.
 */
export interface FundLedgerFile {
  ledger: FundLedger;
  checkpoint: Position | null;
}

const CHECKPOINT_NAME = 'fund-ledger';

export function readFundLedgerFile(file: string): FundLedgerFile | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name),
    );
    if (!tables.has('fund_day_account')) return null;
    // Rows saved in another shape mean other things by their accounts: no read model to compare.
    const shape = tables.has('read_model_shape')
      ? (db.prepare('SELECT shape FROM read_model_shape WHERE name = ?').get(READ_MODEL_SHAPE_NAME) as { shape: string } | undefined)
      : undefined;
    if (shape?.shape !== READ_MODEL_SHAPE) return null;
    const ledger = new FundLedger();
    const rows = db.prepare('SELECT fund_id, date, account, debit, credit FROM fund_day_account ORDER BY fund_id, date, account').all() as Array<{
      fund_id: string;
      date: BusinessDate;
      account: Account;
      debit: string;
      credit: string;
    }>;
    for (const row of rows) {
      if (!isFundId(row.fund_id)) throw new Error(`${file}: unknown fund ${JSON.stringify(row.fund_id)} in fund_day_account`);
      ledger.load(row.fund_id as FundId, row.date, row.account, { debit: money(row.debit), credit: money(row.credit) });
    }
    let checkpoint: Position | null = null;
    if (tables.has('checkpoint')) {
      const saved = db.prepare('SELECT position FROM checkpoint WHERE name = ?').get(CHECKPOINT_NAME) as { position: string } | undefined;
      checkpoint = saved ? BigInt(saved.position) : null;
    }
    return { ledger, checkpoint };
  } finally {
    db.close();
  }
}
